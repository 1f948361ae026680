import { ADOBE_SIGN_CLIENT_ID_HEADER, adobeSignTopicOf } from '@countersign/core/adobe-sign';
import type { Adapter, Desired, RemoteSubscription } from '../model.js';
import { ADOBE_SIGN_EVENT_GROUPS, type AdobeSignWebhookInput, type AdobeSignWebhooksClient } from '../platforms/adobe-sign.js';
import type { AdobeSignSubscription } from '../spec.js';
import { APPLY, diffEvents, eventFindings, listed } from './shared.js';

type D = Desired<AdobeSignSubscription>;

const GROUPS: Readonly<Record<string, readonly string[]>> = ADOBE_SIGN_EVENT_GROUPS;
/** Time allowed for the intent GET the probe sends (Acrobat Sign's own budget is 5 s). */
const PROBE_TIMEOUT_MS = 10_000;
/** Largest answer body read from the receiver. */
const PROBE_MAX_BYTES = 64 * 1024;

/** Event names with every `*_ALL` group replaced by its events. */
export function expandAdobeSignEvents(events: readonly string[]): string[] {
  return [...new Set(events.flatMap((e) => GROUPS[e] ?? [e]))];
}

function input(desired: D): AdobeSignWebhookInput {
  return {
    name: desired.name,
    scope: desired.subscription.scope,
    state: 'ACTIVE',
    webhookSubscriptionEvents: [...desired.subscription.events],
    webhookUrlInfo: { url: desired.url },
  };
}

async function readSome(response: Response): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text;
    total += value.byteLength;
    if (total > PROBE_MAX_BYTES) {
      await reader.cancel().catch(() => undefined);
      return text;
    }
    text += decoder.decode(value, { stream: true });
  }
}

export const adobeSignAdapter: Adapter<AdobeSignSubscription, AdobeSignWebhooksClient> = {
  inactiveIsRemoved: false,
  urlChange: 'replace',

  async observe(client) {
    const listedHooks = await client.listAll({ showInactive: true });
    const out: RemoteSubscription[] = [];
    for (const entry of listedHooks) {
      // List entries may leave out the URL or the events: read the webhook itself then.
      const w = entry.webhookUrlInfo?.url && entry.webhookSubscriptionEvents ? entry : { ...entry, ...(await client.get(entry.id)) };
      const status = (w.status ?? w.state ?? 'ACTIVE').toUpperCase();
      out.push({
        id: w.id,
        url: w.webhookUrlInfo?.url ?? '',
        name: w.name ?? undefined,
        events: w.webhookSubscriptionEvents ?? 'unknown',
        active: status === 'ACTIVE',
        settings: { scope: w.scope ?? undefined, state: w.state ?? undefined, status: w.status ?? undefined, application: w.applicationDisplayName ?? w.applicationName ?? undefined },
      });
    }
    return out;
  },

  configFindings(desired) {
    const { clientId, clientIds } = desired.subscription;
    if (clientIds.includes(clientId)) return [];
    return [
      {
        endpoint: desired.endpoint,
        platform: 'adobe-sign',
        kind: 'client-id-not-allowed',
        severity: 'error',
        message: `The webhooks are created by the API application ${clientId}, which the receiver does not allow: it refuses the intent GET (the webhook never activates) and every notification.`,
        fix: `Add ${clientId} to the receiver's client ids (ADOBE_SIGN_CLIENT_IDS, adobeSign({ clientIds })).`,
      },
    ];
  },

  compare(desired, remote) {
    if (remote.events === 'all' || remote.events === 'unknown') return [];
    const diff = diffEvents(expandAdobeSignEvents(desired.subscription.events), expandAdobeSignEvents(remote.events));
    return eventFindings('adobe-sign', desired, remote, diff, { via: 'update', from: remote.events.join(','), to: desired.subscription.events.join(',') });
  },

  disabled: (desired, remote) => ({
    endpoint: desired.endpoint,
    platform: 'adobe-sign',
    kind: 'disabled',
    severity: 'error',
    subscriptionId: remote.id,
    message: `The webhook is ${String(remote.settings.status ?? remote.settings.state ?? 'inactive')}: Acrobat Sign disables a webhook after 72 h of failed deliveries, and delivers nothing since.`,
    fix: `Find why deliveries failed (the receiver's logs), then re-activate it: ${APPLY} does it (Acrobat Sign re-runs the intent GET, so the receiver must be up).`,
    repair: { action: 'reactivate' },
  }),

  describe: (desired) => [
    `url ${desired.url}`,
    `name ${desired.name}, scope ${desired.subscription.scope}`,
    `events ${listed(desired.subscription.events)}`,
    `created by client id ${desired.subscription.clientId} (Acrobat Sign sends the intent GET at once: the receiver must be up)`,
  ],

  async create(client, desired) {
    await client.create(input(desired));
  },
  async update(client, remote, desired) {
    await client.update(remote.id, input(desired));
  },
  async reactivate(client, remote) {
    await client.reactivate(remote.id);
  },
  async remove(client, remote) {
    await client.remove(remote.id);
  },

  delivered: (events, desired) => expandAdobeSignEvents(events === 'all' || events === 'unknown' ? desired.subscription.events : events),
  handles: (names, event) => names.has(event) || names.has(adobeSignTopicOf(event) ?? '\u0000'),

  /** Acrobat Sign has no test delivery: send its intent GET ourselves, exactly as it does on creation and re-activation. */
  async probe(_client, desired, _remote, options) {
    const { clientId } = desired.subscription;
    let response: Response;
    try {
      response = await options.fetch(desired.url, { method: 'GET', headers: { [ADOBE_SIGN_CLIENT_ID_HEADER]: clientId }, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS), redirect: 'manual' });
    } catch (error) {
      return { kind: 'adobe-sign-intent', outcome: 'failed', detail: `the receiver could not be reached: ${error instanceof Error ? error.message : String(error)}` };
    }
    const text = await readSome(response).catch(() => '');
    let bodyId: unknown;
    try {
      bodyId = (JSON.parse(text) as Record<string, unknown>)?.xAdobeSignClientId;
    } catch {
      bodyId = undefined;
    }
    const echoed = response.headers.get(ADOBE_SIGN_CLIENT_ID_HEADER) === clientId || bodyId === clientId;
    if (response.ok && echoed) {
      return { kind: 'adobe-sign-intent', outcome: 'passed', status: response.status, detail: `the receiver answered the intent GET with ${response.status} and echoed ${clientId}` };
    }
    return {
      kind: 'adobe-sign-intent',
      outcome: 'failed',
      status: response.status,
      detail: response.ok
        ? `the receiver answered ${response.status} without echoing ${clientId}: Acrobat Sign would not activate the webhook`
        : `the receiver answered the intent GET with ${response.status}: Acrobat Sign would not activate the webhook (is ${clientId} in ADOBE_SIGN_CLIENT_IDS?)`,
    };
  },
};
