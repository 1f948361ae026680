import { jsonLogger, type Logger } from '@countersign/core';
import {
  adobeSignWebhooks,
  docstudioCallbacks,
  ignisignWebhooks,
  isSubscriptionError,
  signitWebhooks,
  subscriptionFor,
  type EndpointSubscription,
  type PlatformClient,
  type SubscriptionOptionsFor,
  type SubscriptionSetup,
} from '@countersign/subscriptions';
import { CliError, EXIT } from './exit-codes.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** The default API bases of the platforms that have one public base (the others differ per account). */
export const DEFAULT_SIGNIT_API_URL = 'https://api.signit.cn';
export const DEFAULT_IGNISIGN_API_URL = 'https://api.ignisign.io';

/** The subscriptions the environment describes, with what each skipped endpoint lacks. */
export interface EnvSetup {
  setup: SubscriptionSetup;
  /** Endpoint -> the line saying why it is skipped (its API access is not set). */
  skipped: ReadonlyMap<string, string>;
}

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const set = (env: Env, name: string): boolean => (env[name] ?? '').trim() !== '';

function missing(env: Env, names: readonly string[]): string[] {
  return names.filter((n) => !set(env, n));
}

function skipLine(platform: string, names: readonly string[], env: Env): string {
  return `skipped: its API access is not set (set ${names.join(', ')}; missing ${missing(env, names).join(', ')}), so ${platform} cannot be read or changed`;
}

function configError(message: string): CliError {
  return new CliError(EXIT.CONFIG, message);
}

/** A comma-separated event list (checked by subscriptionFor), or undefined for every event. */
function events<P extends keyof SubscriptionOptionsFor>(env: Env, name: string): SubscriptionOptionsFor[P]['events'] {
  const values = list(env[name]);
  return (values.length === 0 ? undefined : values) as SubscriptionOptionsFor[P]['events'];
}

/**
 * Read the same environment as the example receivers (README's table), plus COUNTERSIGN_PUBLIC_URL and each
 * platform's API access. Only variables' names ever appear in messages, never their values.
 */
export function setupFromEnv(env: Env, options: { verbose?: boolean } = {}): EnvSetup {
  const publicUrl = env.COUNTERSIGN_PUBLIC_URL?.trim();
  if (publicUrl === undefined || publicUrl === '') {
    throw configError('COUNTERSIGN_PUBLIC_URL is not set: the public base URL the platforms reach the receiver at (e.g. https://hooks.example.com); /webhooks/<endpoint> is appended.');
  }
  const logger: Logger | undefined = options.verbose === true ? jsonLogger('debug') : undefined;
  const common = logger === undefined ? {} : { logger };
  const endpoints: Record<string, EndpointSubscription> = {};
  const clients: Record<string, PlatformClient> = {};
  const skipped = new Map<string, string>();

  const build = <T>(what: string, make: () => T): T => {
    try {
      return make();
    } catch (error) {
      if (isSubscriptionError(error)) throw configError(`${what}: ${error.message}`);
      throw error;
    }
  };

  // Acrobat Sign: /webhooks/adobe-sign
  const clientIds = list(env.ADOBE_SIGN_CLIENT_IDS);
  if (clientIds.length > 0) {
    endpoints['adobe-sign'] = build('ADOBE_SIGN_CLIENT_IDS', () =>
      subscriptionFor('adobe-sign', { clientIds, clientId: env.ADOBE_SIGN_API_CLIENT_ID?.trim() || undefined, events: events<'adobe-sign'>(env, 'ADOBE_SIGN_EVENTS') }),
    );
    const access = ['ADOBE_SIGN_API_URL', 'ADOBE_SIGN_ACCESS_TOKEN'];
    if (missing(env, access).length > 0) skipped.set('adobe-sign', skipLine('Acrobat Sign', access, env));
    else clients['adobe-sign'] = build('ADOBE_SIGN_API_URL', () => adobeSignWebhooks({ baseUrl: env.ADOBE_SIGN_API_URL as string, accessToken: env.ADOBE_SIGN_ACCESS_TOKEN as string, ...common }));
  }

  // Ignisign: /webhooks/ignisign (the receiver needs IGNISIGN_API_KEY too)
  if (set(env, 'IGNISIGN_APP_ID')) {
    const appEnv = env.IGNISIGN_APP_ENV?.trim() || 'PRODUCTION';
    if (appEnv !== 'DEVELOPMENT' && appEnv !== 'STAGING' && appEnv !== 'PRODUCTION') throw configError('IGNISIGN_APP_ENV must be DEVELOPMENT, STAGING or PRODUCTION.');
    endpoints.ignisign = build('IGNISIGN_EVENTS', () => subscriptionFor('ignisign', { events: events<'ignisign'>(env, 'IGNISIGN_EVENTS') }));
    const access = ['IGNISIGN_API_KEY'];
    if (missing(env, access).length > 0) skipped.set('ignisign', skipLine('Ignisign', access, env));
    else {
      clients.ignisign = build('IGNISIGN_API_URL', () =>
        ignisignWebhooks({ baseUrl: env.IGNISIGN_API_URL?.trim() || DEFAULT_IGNISIGN_API_URL, apiKey: env.IGNISIGN_API_KEY as string, appId: env.IGNISIGN_APP_ID as string, appEnv, ...common }),
      );
    }
  }

  // SignIt: /webhooks/signit (SIGNIT_APPS configures the receiver; the API key is a separate credential)
  if (list(env.SIGNIT_APPS).length > 0) {
    endpoints.signit = build('SIGNIT_EVENTS', () => subscriptionFor('signit', { events: events<'signit'>(env, 'SIGNIT_EVENTS') }));
    const access = ['SIGNIT_API_KEY', 'SIGNIT_API_SECRET', 'SIGNIT_USER_ID'];
    if (missing(env, access).length > 0) skipped.set('signit', skipLine('SignIt', access, env));
    else {
      clients.signit = build('SIGNIT_API_URL', () =>
        signitWebhooks({
          baseUrl: env.SIGNIT_API_URL?.trim() || DEFAULT_SIGNIT_API_URL,
          apiKey: env.SIGNIT_API_KEY as string,
          apiSecret: env.SIGNIT_API_SECRET as string,
          userId: env.SIGNIT_USER_ID as string,
          ...common,
        }),
      );
    }
  }

  // DocStudio: /webhooks/docstudio
  if (set(env, 'DOCSTUDIO_LOGIN') || set(env, 'DOCSTUDIO_PASSWORD') || set(env, 'DOCSTUDIO_SUCCESS_CODE')) {
    const successCode = set(env, 'DOCSTUDIO_SUCCESS_CODE') ? Number(env.DOCSTUDIO_SUCCESS_CODE) : 200;
    endpoints.docstudio = build('DOCSTUDIO_LOGIN, DOCSTUDIO_PASSWORD, DOCSTUDIO_SUCCESS_CODE', () =>
      subscriptionFor('docstudio', {
        login: env.DOCSTUDIO_LOGIN || undefined,
        password: env.DOCSTUDIO_PASSWORD || undefined,
        successCode,
        events: events<'docstudio'>(env, 'DOCSTUDIO_EVENTS'),
      }),
    );
    const access = ['DOCSTUDIO_API_URL', 'DOCSTUDIO_API_TOKEN', 'DOCSTUDIO_MAILBOX'];
    if (missing(env, access).length > 0) skipped.set('docstudio', skipLine('DocStudio', access, env));
    else {
      clients.docstudio = build('DOCSTUDIO_API_URL', () =>
        docstudioCallbacks({ baseUrl: env.DOCSTUDIO_API_URL as string, token: env.DOCSTUDIO_API_TOKEN as string, mailbox: env.DOCSTUDIO_MAILBOX as string, ...common }),
      );
    }
  }

  if (Object.keys(endpoints).length === 0) {
    throw configError('No endpoint is configured: set ADOBE_SIGN_CLIENT_IDS, IGNISIGN_APP_ID (+ IGNISIGN_API_KEY), SIGNIT_APPS or DOCSTUDIO_LOGIN/PASSWORD, as for the receiver.');
  }
  return { setup: build('COUNTERSIGN_PUBLIC_URL', () => ({ publicUrl, endpoints, clients })), skipped };
}
