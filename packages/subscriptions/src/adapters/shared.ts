import type { SubscriptionPlatform } from '../errors.js';
import type { Desired, Finding, RemoteSubscription } from '../model.js';

export const APPLY = '`countersign subscriptions apply`';

/** Up to `max` items, then how many more. */
export function listed(items: readonly string[], max = 8): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** The events to add and to drop, compared with `fold` (e.g. case-insensitively). */
export function diffEvents(want: readonly string[], have: readonly string[], fold: (s: string) => string = (s) => s): { missing: string[]; extra: string[] } {
  const haveSet = new Set(have.map(fold));
  const wantSet = new Set(want.map(fold));
  return { missing: want.filter((e) => !haveSet.has(fold(e))), extra: have.filter((e) => !wantSet.has(fold(e))) };
}

/** The findings for events subscribed differently from `want`. */
export function eventFindings(
  platform: SubscriptionPlatform,
  desired: Desired,
  remote: RemoteSubscription,
  diff: { missing: string[]; extra: string[] },
  change: { via: 'update' | 'replace'; from: string; to: string; noun?: string },
): Finding[] {
  const noun = change.noun ?? 'events';
  const repair = { action: change.via, field: 'events', from: change.from, to: change.to } as const;
  const how = change.via === 'update' ? `update the subscription's ${noun} to ${change.to}` : `re-create the subscription with the ${noun} ${change.to} (this platform cannot change it in place)`;
  const out: Finding[] = [];
  if (diff.missing.length > 0) {
    out.push({
      endpoint: desired.endpoint,
      platform,
      kind: 'events-missing',
      severity: 'error',
      subscriptionId: remote.id,
      message: `The subscription does not include the ${noun} ${listed(diff.missing)}: the receiver never gets them.`,
      fix: `${how[0]?.toUpperCase()}${how.slice(1)}: ${APPLY} does it.`,
      repair,
    });
  }
  if (diff.extra.length > 0) {
    out.push({
      endpoint: desired.endpoint,
      platform,
      kind: 'events-extra',
      severity: 'warning',
      subscriptionId: remote.id,
      message: `The subscription includes ${noun} the endpoint does not subscribe to: ${listed(diff.extra)}.`,
      fix: `${how[0]?.toUpperCase()}${how.slice(1)}: ${APPLY} does it; or add them to the endpoint's events.`,
      repair,
    });
  }
  return out;
}
