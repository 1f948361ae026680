import { SIGNIT_TOPICS } from '@countersign/core/signit';
import type { Adapter, Desired, RemoteSubscription } from '../model.js';
import type { SignitWebhookInput, SignitWebhooksClient } from '../platforms/signit.js';
import type { SignitSubscription } from '../spec.js';
import { APPLY, diffEvents, eventFindings, listed } from './shared.js';

const lower = (s: string): string => s.toLowerCase();

/** Lower-case event name -> its topic in the receiver (`envelope`, `participant`, ...). */
const TOPIC_OF = new Map<string, string>(
  Object.entries(SIGNIT_TOPICS).flatMap(([topic, names]) => (names as readonly string[]).map((name) => [name.toLowerCase(), topic] as const)),
);

function input(desired: Desired<SignitSubscription>, status: 0 | 1): SignitWebhookInput {
  return { webhookName: desired.name, webhookUrl: desired.url, events: [...desired.subscription.events], status };
}

export const signitAdapter: Adapter<SignitSubscription, SignitWebhooksClient> = {
  inactiveIsRemoved: true,
  urlChange: 'update',

  async observe(client) {
    return (await client.listAll()).map(
      (w): RemoteSubscription => ({
        id: w.webhookId,
        url: w.webhookUrl ?? '',
        name: w.webhookName,
        events: w.events ?? 'unknown',
        active: w.active !== false,
        settings: { status: w.active === undefined ? undefined : w.active ? 1 : 0 },
      }),
    );
  },

  configFindings: () => [],

  compare(desired, remote) {
    if (remote.events === 'all' || remote.events === 'unknown') return [];
    const want = desired.subscription.events;
    return eventFindings('signit', desired, remote, diffEvents(want, remote.events, lower), { via: 'update', from: remote.events.join(','), to: want.join(',') });
  },

  disabled: (desired, remote) => ({
    endpoint: desired.endpoint,
    platform: 'signit',
    kind: 'disabled',
    severity: 'error',
    subscriptionId: remote.id,
    message: 'The webhook is switched off (status 0): SignIt delivers nothing.',
    fix: `Switch it on (status 1): ${APPLY} does it.`,
    repair: { action: 'update', field: 'status', from: '0', to: '1' },
  }),

  describe: (desired) => [`url ${desired.url}`, `name ${desired.name}`, `events ${listed(desired.subscription.events)}`, 'status 1 (on)'],

  async create(client, desired) {
    await client.create(input(desired, 1));
  },
  async update(client, remote, desired) {
    await client.update(remote.id, input(desired, 1));
  },
  /** The ws-rest API has no delete: switch it off, keeping the rest as it is. */
  async remove(client, remote, desired) {
    await client.update(remote.id, {
      webhookName: remote.name ?? desired.name,
      webhookUrl: remote.url,
      events: remote.events === 'all' || remote.events === 'unknown' ? [...desired.subscription.events] : [...remote.events],
      status: 0,
    });
  },

  delivered: (events, desired) => (events === 'all' || events === 'unknown' ? desired.subscription.events : events),
  handles(names, event) {
    const folded = new Set([...names].map(lower));
    const topic = TOPIC_OF.get(lower(event));
    return folded.has(lower(event)) || (topic !== undefined && folded.has(topic));
  },
};
