import { z } from 'zod';
import { CountersignError } from './errors.js';
import { clip } from './limits.js';

/** One validation problem, safe to show the sender (it is sent as the error's `details`). */
export interface PayloadIssue {
  /** Where, e.g. `agreement.participantSetsInfo.participantSets[0].order`, or `(body)` for the value itself. */
  path: string;
  message: string;
}

export interface ParsePayloadOptions {
  /** The start of the error message, saying what the value is not, e.g. `The body is not a DocStudio envelope callback`. */
  what: string;
  /**
   * How each issue is written: `'path: message'` (default) suits zod's own messages
   * (`rawData.wsid: Invalid input: expected string, received undefined`); `'path message'` suits schemas whose
   * messages are predicates (`agreement.id must not be empty`).
   */
  issueFormat?: 'path: message' | 'path message';
}

/** Issues listed in the message at most. */
const MAX_LISTED = 10;
/** Issues sent back in `details` at most. */
const MAX_DETAILS = 20;
/**
 * Issues collected at most by one `parsePayload`: past it, `boundedArray`s stop checking their items, so a body of
 * 280 000 invalid items is refused after a few hundred checks instead of seconds of work and a 30 MB answer.
 */
export const MAX_ISSUES = 100;

/**
 * Issues still allowed in the `parsePayload` under way. zod parses synchronously, so while it runs nothing else
 * does, and one module-level counter serves every call. Infinite outside `parsePayload` (plain `schema.parse`).
 */
let issueBudget = Number.POSITIVE_INFINITY;

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(body)' : out;
}

/** zod's issues as `{ path, message }`, with paths written `a.b[0].c`. */
export function payloadIssues(error: z.ZodError): PayloadIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

/**
 * `z.array(item)` that stops checking items once the `parsePayload` under way has collected `MAX_ISSUES` issues,
 * with one last issue saying so. Use it for every list a sender can make long. Same output as `z.array(item)`.
 */
export function boundedArray<T extends z.ZodType>(item: T, message = 'must be an array') {
  return z.array(z.unknown(), { error: message }).transform((values, ctx): Array<z.output<T>> => {
    const out: Array<z.output<T>> = new Array(values.length);
    for (let i = 0; i < values.length; i++) {
      if (issueBudget <= 0) {
        ctx.issues.push({ code: 'custom', input: values, path: [i], message: 'not checked: validation stopped after too many issues' });
        return z.NEVER;
      }
      const result = item.safeParse(values[i]);
      if (result.success) {
        out[i] = result.data as z.output<T>;
        continue;
      }
      issueBudget -= result.error.issues.length;
      for (const issue of result.error.issues) ctx.issues.push({ code: 'custom', input: values[i], path: [i, ...issue.path], message: issue.message });
    }
    return out;
  });
}

/** One line naming the failing fields, e.g. `webhookNotificationId: is missing; agreement.id: must not be empty`. */
export function describeIssues(issues: readonly PayloadIssue[], issueFormat: ParsePayloadOptions['issueFormat'] = 'path: message'): string {
  const separator = issueFormat === 'path message' ? ' ' : ': ';
  const listed = issues.slice(0, MAX_LISTED).map((issue) => `${clip(issue.path, 200)}${separator}${clip(issue.message, 200)}`);
  if (issues.length > MAX_LISTED) listed.push(`and ${issues.length - MAX_LISTED} more`);
  return listed.join('; ');
}

/**
 * Validate `value` with a zod schema and return its output, or throw 400 `PAYLOAD_INVALID` whose message names
 * the failing fields (`<what>: <path>: <message>; ….`) and whose `details` lists the first 20 issues as `{ path, message }`.
 * Lists built with `boundedArray` stop being checked after `MAX_ISSUES` issues.
 *
 * ```ts
 * const payload = parsePayload(mySchema, ctx.json(), { what: 'The body is not an Acme webhook' });
 * ```
 */
export function parsePayload<S extends z.ZodType>(schema: S, value: unknown, options: ParsePayloadOptions): z.output<S> {
  let result;
  issueBudget = MAX_ISSUES;
  try {
    result = schema.safeParse(value);
  } finally {
    issueBudget = Number.POSITIVE_INFINITY;
  }
  if (result.success) return result.data;
  const issues = payloadIssues(result.error);
  const details = issues.length > MAX_DETAILS ? [...issues.slice(0, MAX_DETAILS), { path: '(body)', message: `and ${issues.length - MAX_DETAILS} more issues` }] : issues;
  throw new CountersignError('PAYLOAD_INVALID', `${options.what}: ${describeIssues(issues, options.issueFormat)}.`, { details });
}
