import { IGNISIGN_TOPICS } from '@countersign/core/ignisign';
import type { Adapter, RemoteSubscription } from '../model.js';
import type { IgnisignWebhooksClient } from '../platforms/ignisign.js';
import type { IgnisignSubscription } from '../spec.js';
import { listed } from './shared.js';

const ALL_TOPICS = Object.keys(IGNISIGN_TOPICS);

export const ignisignAdapter: Adapter<IgnisignSubscription, IgnisignWebhooksClient> = {
  inactiveIsRemoved: false,
  urlChange: 'update',

  async observe(client) {
    return (await client.list()).map(
      (e): RemoteSubscription => ({
        id: e._id,
        url: e.url,
        name: e.description ?? undefined,
        // Ignisign does not return an endpoint's topic filter.
        events: 'unknown',
        active: e.isDisabled !== true,
        settings: { isDisabled: e.isDisabled ?? undefined },
      }),
    );
  },

  configFindings: () => [],
  compare: () => [],

  disabled: (desired, remote) => ({
    endpoint: desired.endpoint,
    platform: 'ignisign',
    kind: 'disabled',
    severity: 'error',
    subscriptionId: remote.id,
    message: 'Ignisign disabled the endpoint: it delivers nothing to it.',
    fix: "Re-enable it in the Ignisign console (the API documents no call that does it), or remove it and apply again.",
  }),

  describe: (desired) => [
    `url ${desired.url}`,
    `description ${desired.name}`,
    desired.subscription.events === 'all' ? 'every topic' : `topics ${listed(desired.subscription.events)} (the others disabled)`,
  ],

  async create(client, desired) {
    const added = await client.add({ url: desired.url, description: desired.name });
    const wanted = desired.subscription.events;
    if (wanted !== 'all') await client.disableTopics(added._id, ALL_TOPICS.filter((t) => !(wanted as readonly string[]).includes(t)));
  },
  async update(client, remote, desired) {
    await client.update(remote.id, { url: desired.url, description: desired.name });
  },
  async remove(client, remote) {
    await client.remove(remote.id);
  },

  delivered: (_events, desired) => (desired.subscription.events === 'all' ? ALL_TOPICS : desired.subscription.events),
  handles: (names, topic) => names.has(topic) || [...names].some((n) => n.startsWith(`${topic}.`)),

  /** Resend the newest delivery of the history and read how the receiver answered it. */
  async probe(client, _desired, remote) {
    const page = await client.events(remote.id, { filter: 'ALL', page: 1 });
    const newest = [...page.events].sort((a, b) => String(b._createdAt ?? '').localeCompare(String(a._createdAt ?? '')))[0];
    if (newest === undefined) return { kind: 'ignisign-resend', outcome: 'skipped', detail: 'the endpoint has no delivery to resend yet' };
    await client.resend(remote.id, newest._id);
    const after = await client.event(remote.id, newest._id);
    const status = after.response?.status ?? undefined;
    const what = `${newest.topic ?? '?'}.${newest.action ?? '?'}`;
    if (status !== undefined && status >= 200 && status < 300) {
      return { kind: 'ignisign-resend', outcome: 'passed', status, detail: `resent ${what}; the receiver answered ${status}` };
    }
    if (status === undefined) return { kind: 'ignisign-resend', outcome: 'skipped', detail: `resent ${what}; Ignisign has not recorded an answer yet (${after.status ?? 'no status'})` };
    return { kind: 'ignisign-resend', outcome: 'failed', status, detail: `resent ${what}; the receiver answered ${status}${after.response?.statusText ? ` ${after.response.statusText}` : ''}` };
  },
};
