/** DocStudio envelope statuses (docs/providers/docstudio.md): each is an event name (`docstudio:COMPLETED`). */
export const DOCSTUDIO_STATUSES = ['DRAFT', 'SENT', 'WAITING', 'COMPLETED', 'CANCELLED', 'EXPIRED', 'ON_APPROVAL'] as const;

export type DocStudioStatus = (typeof DOCSTUDIO_STATUSES)[number];

const known: ReadonlySet<string> = new Set(DOCSTUDIO_STATUSES);

export function isDocStudioStatus(status: string): status is DocStudioStatus {
  return known.has(status);
}
