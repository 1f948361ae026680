import type { z } from 'zod';
import { CountersignError } from './errors.js';

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

/** Issues listed in the message at most; `details` carries all of them. */
const MAX_LISTED = 10;

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

/** One line naming the failing fields, e.g. `webhookNotificationId: is missing; agreement.id: must not be empty`. */
export function describeIssues(issues: readonly PayloadIssue[], issueFormat: ParsePayloadOptions['issueFormat'] = 'path: message'): string {
  const separator = issueFormat === 'path message' ? ' ' : ': ';
  const listed = issues.slice(0, MAX_LISTED).map((issue) => `${issue.path}${separator}${issue.message}`);
  if (issues.length > MAX_LISTED) listed.push(`and ${issues.length - MAX_LISTED} more`);
  return listed.join('; ');
}

/**
 * Validate `value` with a zod schema and return its output, or throw 400 `PAYLOAD_INVALID` whose message names
 * the failing fields (`<what>: <path>: <message>; ….`) and whose `details` lists every issue as `{ path, message }`.
 *
 * ```ts
 * const payload = parsePayload(mySchema, ctx.json(), { what: 'The body is not an Acme webhook' });
 * ```
 */
export function parsePayload<S extends z.ZodType>(schema: S, value: unknown, options: ParsePayloadOptions): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = payloadIssues(result.error);
  throw new CountersignError('PAYLOAD_INVALID', `${options.what}: ${describeIssues(issues, options.issueFormat)}.`, { details: issues });
}
