import { z } from 'zod';
import { MAX_EVENT_NAME_LENGTH, MAX_ID_LENGTH } from '../../limits.js';
import { boundedArray } from '../../validation.js';
import type { DocStudioStatus } from './events.js';

const ISO_DATE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** An ISO 8601 date or date-time in the one form every JS engine parses the same; a missing zone means UTC. */
function isoTime(value: string): number {
  const m = ISO_DATE.exec(value.trim());
  if (m === null) return Number.NaN;
  const [, day, hhmm, ss = '00', fraction = '', zone = 'Z'] = m as unknown as [string, string, string | undefined, string?, string?, string?];
  if (hhmm === undefined) return Date.parse(day);
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  return Date.parse(`${day}T${hhmm}:${ss}.${fraction.slice(0, 3).padEnd(3, '0')}${offset}`);
}

/**
 * A DocStudio date as `Date`: epoch milliseconds (the documented examples, also as a digit string) or an ISO 8601
 * string (the OpenAPI schema; without a zone it is read as UTC). A `Date` is returned as is, so reviving twice is
 * harmless. `undefined` when the value is none of these.
 */
export function toDocStudioDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  const time =
    typeof value === 'number' ? value : typeof value !== 'string' ? Number.NaN : /^\d+$/.test(value) ? Number(value) : isoTime(value);
  return Number.isFinite(time) && Math.abs(time) <= 8.64e15 ? new Date(time) : undefined;
}

// A `Date` too: a payload validated once (in a process that keeps objects as they are) validates again unchanged.
const date = z.union([z.number(), z.string(), z.date()]).transform((value, ctx) => {
  const parsed = toDocStudioDate(value);
  if (parsed === undefined) {
    ctx.issues.push({ code: 'custom', input: value, message: 'expected epoch milliseconds or an ISO 8601 date-time' });
    return z.NEVER;
  }
  return parsed;
});

const text = z.string().nullish();

const uuid = z
  .string({ error: (issue) => (issue.input === undefined ? 'is missing' : 'must be a string') })
  .min(1)
  .max(MAX_ID_LENGTH, `must not be longer than ${MAX_ID_LENGTH} characters`);

const status = z
  .string({ error: (issue) => (issue.input === undefined ? 'is missing' : 'must be a string') })
  .min(1)
  .max(MAX_EVENT_NAME_LENGTH, `must not be longer than ${MAX_EVENT_NAME_LENGTH} characters`);

/**
 * What `parse` reads before the acknowledgement: the envelope, its status (the event name) and the mailbox, which
 * make the dedupe key. Not loose: only these are copied out. The rest is validated before the handlers.
 */
export const docstudioHeadSchema = z.object({ mailbox: text, uuid, status });

/** The callback body (`mailbox` is left out by older senders). Loose: fields DocStudio adds pass through. */
export const docstudioPayloadSchema = z.looseObject({
  /** The mailbox processing the envelope. */
  mailbox: text,
  /** The envelope. */
  uuid,
  label: boundedArray(z.string())
    .nullish()
    .transform((labels) => labels ?? []),
  status,
  subject: text,
  receiveDate: date.nullish(),
  expireDate: date.nullish(),
  /** Template uuid. */
  template: text,
  /** The mailbox that started the flow. */
  sender: text,
});

/** A DocStudio callback as handlers see it: dates as `Date`, `label` always an array. */
export type DocStudioPayload = z.output<typeof docstudioPayloadSchema>;

/** Status -> payload, with `status` narrowed to the event's. */
export type DocStudioEvents = { [S in DocStudioStatus]: DocStudioPayload & { status: S } };
