/**
 * The dedupe key of a BoldSign event: its `event.id` (a UUID), inside the signed body and the same on every retry
 * of the event. The envelope check bounds it to `MAX_ID_LENGTH`.
 */
export function boldsignDedupeKey(body: { event: { id: string } }): string {
  return body.event.id;
}
