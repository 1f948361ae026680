/**
 * The BullMQ job id of a queued event. Event ids are `<endpoint>:<dedupe key>`, and BullMQ refuses custom ids
 * containing `:`, so `%` and `:` are percent-encoded: deterministic (every copy of an event maps to the same job,
 * so a second enqueue is ignored by BullMQ) and reversible (`eventIdOf`).
 */
export function jobIdFor(eventId: string): string {
  return eventId.replace(/[%:]/g, (c) => (c === '%' ? '%25' : '%3A'));
}

/** The event id a job id was derived from (inverse of `jobIdFor`). */
export function eventIdOf(jobId: string): string {
  return jobId.replace(/%3A|%25/g, (c) => (c === '%3A' ? ':' : '%'));
}
