/**
 * The dedupe key of a DocStudio callback: DocStudio sends no event id, so one envelope (`uuid`) reaching one
 * status is one event, per processing mailbox when the callback names it (each mailbox's callback is its own).
 */
export function docstudioDedupeKey(payload: { uuid: string; status: string; mailbox?: string | null | undefined }): string {
  return payload.mailbox ? `${payload.uuid}:${payload.status}:${payload.mailbox}` : `${payload.uuid}:${payload.status}`;
}
