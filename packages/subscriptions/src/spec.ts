import { ADOBE_SIGN_EVENTS, ADOBE_SIGN_UI_CLIENT_ID, type AdobeSignEventName } from '@countersign/core/adobe-sign';
import { IGNISIGN_TOPICS, type IgnisignTopic } from '@countersign/core/ignisign';
import { configError, type SubscriptionPlatform } from './errors.js';
import { ADOBE_SIGN_EVENT_GROUPS, type AdobeSignEventGroup } from './platforms/adobe-sign.js';
import { DOCSTUDIO_CALLBACK_STATUSES, type DocStudioCallbackStatus } from './platforms/docstudio.js';
import { SIGNIT_WEBHOOK_EVENTS, type SignitWebhookEvent } from './platforms/signit.js';

/** DocStudio: built from the same options as the receiver's `docstudio({ login, password, successCode, callbackTimeoutMs })`. */
export interface DocStudioSubscriptionOptions {
  /** The receiver's Basic login. Set both or neither. */
  login?: string;
  password?: string;
  /** The status the receiver answers with. Default 200, as `docstudio()`. */
  successCode?: number;
  /**
   * The callback's `timeout` (ms, 100..60000), as given to `docstudio({ callbackTimeoutMs })`: the receiver answers
   * within it minus a network margin, so the platform never gives up first. Default 5000, as `docstudio()`.
   */
  callbackTimeoutMs?: number;
  /**
   * Read as `callbackTimeoutMs` when that is not given (deprecated, as in `docstudio()`); beside it, it is the
   * receiver's own budget and does not change the callback.
   */
  timeoutMs?: number;
  /** Attempts after the first (0..10). Default 10. */
  retries?: number;
  /** The statuses to receive. Default: every status (no status filter). */
  events?: readonly DocStudioCallbackStatus[];
}

/** Acrobat Sign: built from the receiver's `adobeSign({ clientIds })`. */
export interface AdobeSignSubscriptionOptions {
  /** The receiver's allowed client ids. */
  clientIds: string | readonly string[];
  /**
   * The client id of the API application whose access token creates the webhook: Acrobat Sign sends it on the
   * intent GET and on every notification. Default: the one id of `clientIds` other than the web UI's `UB7E5BXCXY`.
   */
  clientId?: string;
  /** Event names or `*_ALL` groups. Default: every group (`AGREEMENT_ALL`, `WIDGET_ALL`, `MEGASIGN_ALL`, `LIBRARY_DOCUMENT_ALL`). */
  events?: ReadonlyArray<AdobeSignEventName | AdobeSignEventGroup>;
  /** Default `ACCOUNT`. */
  scope?: 'ACCOUNT' | 'GROUP' | 'USER';
}

/** SignIt (ws-rest). */
export interface SignitSubscriptionOptions {
  /** Default: every event the ws-rest API offers. */
  events?: readonly SignitWebhookEvent[];
}

/** Ignisign. */
export interface IgnisignSubscriptionOptions {
  /** The topics to receive. Default: every topic (no filter). */
  events?: readonly IgnisignTopic[];
}

export interface SubscriptionOptionsFor {
  docstudio: DocStudioSubscriptionOptions;
  'adobe-sign': AdobeSignSubscriptionOptions;
  signit: SignitSubscriptionOptions;
  ignisign: IgnisignSubscriptionOptions;
}

export interface DocStudioSubscription {
  readonly platform: 'docstudio';
  /** `'all'`: no status filter. */
  readonly events: readonly DocStudioCallbackStatus[] | 'all';
  readonly successCode: number;
  /** The callback's `timeout` (ms): how long DocStudio waits for the receiver's answer. */
  readonly callbackTimeoutMs: number;
  /** @deprecated The same as `callbackTimeoutMs`. */
  readonly timeoutMs: number;
  readonly retries: number;
  /** The Basic credentials; the password is not enumerable (it stays out of logs and JSON). */
  readonly credentials: { readonly login: string; readonly password: string } | undefined;
}

export interface AdobeSignSubscription {
  readonly platform: 'adobe-sign';
  readonly events: ReadonlyArray<AdobeSignEventName | AdobeSignEventGroup>;
  readonly clientId: string;
  readonly clientIds: readonly string[];
  readonly scope: 'ACCOUNT' | 'GROUP' | 'USER';
}

export interface SignitSubscription {
  readonly platform: 'signit';
  readonly events: readonly SignitWebhookEvent[];
}

export interface IgnisignSubscription {
  readonly platform: 'ignisign';
  /** `'all'`: no topic filter. */
  readonly events: readonly IgnisignTopic[] | 'all';
}

/** What one receiver endpoint needs from its platform. */
export type EndpointSubscription = DocStudioSubscription | AdobeSignSubscription | SignitSubscription | IgnisignSubscription;

export type SubscriptionFor<P extends SubscriptionPlatform> = Extract<EndpointSubscription, { platform: P }>;

const ADOBE_KNOWN: ReadonlySet<string> = new Set([...ADOBE_SIGN_EVENTS, ...Object.keys(ADOBE_SIGN_EVENT_GROUPS)]);

function events<T extends string>(given: readonly T[] | undefined, known: readonly string[], platform: SubscriptionPlatform, what: string): T[] | undefined {
  if (given === undefined) return undefined;
  if (!Array.isArray(given) || given.length === 0) throw configError(`${platform}: \`events\` must list at least one ${what}, or be left out for all.`, platform);
  const unknown = given.filter((e) => !known.includes(e));
  if (unknown.length > 0) throw configError(`${platform}: unknown ${what}(s) ${unknown.slice(0, 5).join(', ')}; known: ${known.join(', ')}.`, platform);
  return [...new Set(given)];
}

function integer(value: number | undefined, fallback: number, min: number, max: number, name: string, platform: SubscriptionPlatform): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min || v > max) throw configError(`${platform}: \`${name}\` must be an integer from ${min} to ${max} (got ${String(value)}).`, platform);
  return v;
}

function docstudioSubscription(o: DocStudioSubscriptionOptions): DocStudioSubscription {
  if ((o.login === undefined || o.login === '') !== (o.password === undefined || o.password === '')) {
    throw configError('docstudio: set both `login` and `password`, or neither.', 'docstudio');
  }
  let credentials: DocStudioSubscription['credentials'];
  if (o.login !== undefined && o.login !== '' && o.password !== undefined) {
    credentials = { login: o.login } as { login: string; password: string };
    Object.defineProperty(credentials, 'password', { value: o.password, enumerable: false });
  }
  const callbackTimeoutMs =
    o.callbackTimeoutMs === undefined ? integer(o.timeoutMs, 5000, 100, 60_000, 'timeoutMs', 'docstudio') : integer(o.callbackTimeoutMs, 5000, 100, 60_000, 'callbackTimeoutMs', 'docstudio');
  return {
    platform: 'docstudio',
    events: events(o.events, DOCSTUDIO_CALLBACK_STATUSES, 'docstudio', 'status') ?? 'all',
    successCode: integer(o.successCode, 200, 200, 299, 'successCode', 'docstudio'),
    callbackTimeoutMs,
    timeoutMs: callbackTimeoutMs,
    retries: integer(o.retries, 10, 0, 10, 'retries', 'docstudio'),
    credentials,
  };
}

function adobeSignSubscription(o: AdobeSignSubscriptionOptions): AdobeSignSubscription {
  const clientIds = (typeof o.clientIds === 'string' ? [o.clientIds] : [...(o.clientIds ?? [])]).map((id) => id.trim()).filter(Boolean);
  if (clientIds.length === 0) throw configError('adobe-sign: `clientIds` must list the client ids the receiver allows.', 'adobe-sign');
  let clientId = o.clientId?.trim();
  if (clientId === undefined || clientId === '') {
    const api = clientIds.filter((id) => id !== ADOBE_SIGN_UI_CLIENT_ID);
    if (api.length !== 1) {
      throw configError(
        `adobe-sign: say which client id creates the webhooks (\`clientId\`): ${api.length === 0 ? `${ADOBE_SIGN_UI_CLIENT_ID} is the web UI's, not an API application's` : `\`clientIds\` has ${api.length}`}.`,
        'adobe-sign',
      );
    }
    clientId = api[0] as string;
  }
  const scope = o.scope ?? 'ACCOUNT';
  if (scope !== 'ACCOUNT' && scope !== 'GROUP' && scope !== 'USER') throw configError('adobe-sign: `scope` is ACCOUNT, GROUP or USER.', 'adobe-sign');
  return {
    platform: 'adobe-sign',
    events: events(o.events, [...ADOBE_KNOWN], 'adobe-sign', 'event') ?? (Object.keys(ADOBE_SIGN_EVENT_GROUPS) as AdobeSignEventGroup[]),
    clientId,
    clientIds,
    scope,
  };
}

/**
 * What an endpoint needs from its platform, from the same options the receiver's provider takes.
 *
 * ```ts
 * subscriptionFor('docstudio', { login, password, successCode: 202, callbackTimeoutMs: 5000 })
 * subscriptionFor('adobe-sign', { clientIds: [process.env.ADOBE_CLIENT_ID!] })
 * subscriptionFor('ignisign', { events: ['SIGNATURE_REQUEST', 'SIGNATURE'] })
 * ```
 */
export function subscriptionFor<P extends SubscriptionPlatform>(platform: P, options: SubscriptionOptionsFor[P]): SubscriptionFor<P>;
export function subscriptionFor(platform: SubscriptionPlatform, options: SubscriptionOptionsFor[SubscriptionPlatform]): EndpointSubscription {
  const o = (options ?? {}) as Record<string, unknown>;
  switch (platform) {
    case 'docstudio':
      return docstudioSubscription(o as DocStudioSubscriptionOptions);
    case 'adobe-sign':
      return adobeSignSubscription(o as unknown as AdobeSignSubscriptionOptions);
    case 'signit':
      return { platform: 'signit', events: events((o as SignitSubscriptionOptions).events, SIGNIT_WEBHOOK_EVENTS, 'signit', 'event') ?? [...SIGNIT_WEBHOOK_EVENTS] };
    case 'ignisign':
      return { platform: 'ignisign', events: events((o as IgnisignSubscriptionOptions).events, Object.keys(IGNISIGN_TOPICS), 'ignisign', 'topic') ?? 'all' };
    default:
      throw configError(`unknown platform "${String(platform)}": docstudio, signit, adobe-sign or ignisign.`);
  }
}
