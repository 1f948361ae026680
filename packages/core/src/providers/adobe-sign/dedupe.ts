/**
 * The dedupe key of an Acrobat Sign notification: `webhookNotificationId`, which Adobe documents as the way to
 * recognise a notification it sends again (retries, parallel deliveries). It is the same on every copy.
 */
export function adobeSignDedupeKey(payload: { webhookNotificationId: string }): string {
  return payload.webhookNotificationId;
}
