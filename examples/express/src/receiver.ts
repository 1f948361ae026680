/**
 * The example receivers' shared configuration: every example (express, fastify, node, hono) and the worker
 * build their receiver here, so they honour the same environment contract and print the same lines.
 *
 * Environment:
 *   ADOBE_SIGN_CLIENT_IDS   comma-separated Adobe client ids            -> /webhooks/adobe-sign
 *   IGNISIGN_APP_ID, IGNISIGN_APP_ENV, IGNISIGN_API_KEY, IGNISIGN_API_URL -> /webhooks/ignisign
 *   SIGNIT_APPS             comma-separated appId:appSecret pairs        -> /webhooks/signit
 *   DOCSTUDIO_LOGIN, DOCSTUDIO_PASSWORD, DOCSTUDIO_SUCCESS_CODE          -> /webhooks/docstudio
 *   DOCUSIGN_HMAC_KEYS      comma-separated Connect HMAC keys             -> /webhooks/docusign
 *   DROPBOX_SIGN_API_KEY    comma-separated API keys (rotation)           -> /webhooks/dropbox-sign
 *   YOUSIGN_SECRETS         comma-separated webhook secrets               -> /webhooks/yousign
 *   PANDADOC_SHARED_KEYS    comma-separated shared keys                   -> /webhooks/pandadoc
 *   BOLDSIGN_SECRETS        comma-separated webhook secrets (rotation)    -> /webhooks/boldsign
 *   REDIS_URL               production mode: Redis dedupe + BullMQ queue; this process only receives
 *   LOG_LEVEL               debug | info | warn | error (logs go to stderr)
 *   METRICS_PORT            serve OpenTelemetry metrics for Prometheus at http://<METRICS_HOST>:<METRICS_PORT>/metrics
 *   METRICS_HOST            default 127.0.0.1
 */
import {
  adobeSign,
  adobeSignPlatform,
  boldsign,
  boldsignPlatform,
  docstudioPlatform,
  docusign,
  docusignPlatform,
  dropboxSign,
  dropboxSignPlatform,
  ignisignPlatform,
  pandadoc,
  pandadocPlatform,
  yousign,
  yousignPlatform,
  signitPlatform,
  type HandlerRegistry,
  createReceiver,
  docstudio,
  ignisign,
  ignisignApi,
  jsonLogger,
  signit,
  type DedupeStore,
  type Endpoints,
  type EventQueue,
  type Logger,
  type Receiver,
  type ReceiverObserver,
} from '@countersign/core';
import { bullmqQueue } from '@countersign/bullmq';
import { openTelemetry } from '@countersign/opentelemetry';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { redisDedupe } from '@countersign/redis';

export type Env = Readonly<Record<string, string | undefined>>;

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export class ConfigError extends Error {}

/** The endpoints the environment configures, by route name. */
export function endpointsFromEnv(env: Env): Endpoints {
  const endpoints: Endpoints = {};
  const clientIds = list(env.ADOBE_SIGN_CLIENT_IDS);
  if (clientIds.length > 0) endpoints['adobe-sign'] = adobeSign({ clientIds });

  if (env.IGNISIGN_APP_ID) {
    const appEnv = env.IGNISIGN_APP_ENV ?? 'PRODUCTION';
    if (appEnv !== 'DEVELOPMENT' && appEnv !== 'STAGING' && appEnv !== 'PRODUCTION') {
      throw new ConfigError(`IGNISIGN_APP_ENV must be DEVELOPMENT, STAGING or PRODUCTION (got "${appEnv}")`);
    }
    if (!env.IGNISIGN_API_KEY) throw new ConfigError('IGNISIGN_API_KEY is required when IGNISIGN_APP_ID is set');
    endpoints.ignisign = ignisign({
      appId: env.IGNISIGN_APP_ID,
      appEnv,
      verifyToken: ignisignApi({ apiKey: env.IGNISIGN_API_KEY, baseUrl: env.IGNISIGN_API_URL || 'https://api.ignisign.io' }),
    });
  }

  const apps = list(env.SIGNIT_APPS).map((pair) => {
    const colon = pair.indexOf(':');
    if (colon <= 0 || colon === pair.length - 1) throw new ConfigError(`SIGNIT_APPS entries are appId:appSecret (got "${pair}")`);
    return { appId: pair.slice(0, colon), appSecret: pair.slice(colon + 1) };
  });
  if (apps.length > 0) endpoints.signit = signit({ apps });

  if (env.DOCSTUDIO_LOGIN || env.DOCSTUDIO_PASSWORD || env.DOCSTUDIO_SUCCESS_CODE) {
    const successCode = env.DOCSTUDIO_SUCCESS_CODE ? Number(env.DOCSTUDIO_SUCCESS_CODE) : 200;
    if (!Number.isInteger(successCode) || successCode < 200 || successCode > 299) {
      throw new ConfigError(`DOCSTUDIO_SUCCESS_CODE must be a 2xx status (got "${env.DOCSTUDIO_SUCCESS_CODE}")`);
    }
    endpoints.docstudio = docstudio({ login: env.DOCSTUDIO_LOGIN, password: env.DOCSTUDIO_PASSWORD, successCode });
  }

  const docusignKeys = list(env.DOCUSIGN_HMAC_KEYS);
  if (docusignKeys.length > 0) endpoints.docusign = docusign({ hmacKeys: docusignKeys });

  const dropboxKeys = list(env.DROPBOX_SIGN_API_KEY);
  if (dropboxKeys.length > 0) endpoints['dropbox-sign'] = dropboxSign({ apiKey: dropboxKeys });

  const yousignSecrets = list(env.YOUSIGN_SECRETS);
  if (yousignSecrets.length > 0) endpoints.yousign = yousign({ secrets: yousignSecrets });

  const pandadocKeys = list(env.PANDADOC_SHARED_KEYS);
  if (pandadocKeys.length > 0) endpoints.pandadoc = pandadoc({ sharedKeys: pandadocKeys });

  const boldsignSecrets = list(env.BOLDSIGN_SECRETS);
  if (boldsignSecrets.length > 0) endpoints.boldsign = boldsign({ secrets: boldsignSecrets });

  if (Object.keys(endpoints).length === 0) {
    throw new ConfigError(
      'No endpoint is configured: set ADOBE_SIGN_CLIENT_IDS, IGNISIGN_APP_ID (+ IGNISIGN_API_KEY), SIGNIT_APPS, DOCSTUDIO_LOGIN/PASSWORD, DOCUSIGN_HMAC_KEYS, DROPBOX_SIGN_API_KEY, YOUSIGN_SECRETS, PANDADOC_SHARED_KEYS or BOLDSIGN_SECRETS.',
    );
  }
  return endpoints;
}

/** In production mode (REDIS_URL) the dedupe store and the queue live in Redis, shared by every instance. */
function storesFromEnv(env: Env): { dedupe?: DedupeStore; queue?: EventQueue; production: boolean } {
  if (!env.REDIS_URL) return { production: false };
  return {
    dedupe: redisDedupe({ connection: env.REDIS_URL, prefix: env.COUNTERSIGN_PREFIX ? `${env.COUNTERSIGN_PREFIX}:dedupe:` : undefined }),
    queue: bullmqQueue({ connection: env.REDIS_URL, queueName: env.COUNTERSIGN_QUEUE ?? 'countersign' }),
    production: true,
  };
}

/**
 * Every platform the examples serve, without credentials: what a worker needs to run the handlers (it holds no
 * endpoint secret and needs only REDIS_URL).
 */
export const examplePlatforms = {
  'adobe-sign': adobeSignPlatform,
  ignisign: ignisignPlatform,
  signit: signitPlatform,
  docstudio: docstudioPlatform,
  docusign: docusignPlatform,
  'dropbox-sign': dropboxSignPlatform,
  yousign: yousignPlatform,
  pandadoc: pandadocPlatform,
  boldsign: boldsignPlatform,
} as const;

/** One JSON line per handled event on stdout: the contract every example shares. */
export function printEvents(receiver: Pick<Receiver<Endpoints>, 'onAny'> | HandlerRegistry<typeof examplePlatforms>): void {
  receiver.onAny((event) => {
    process.stdout.write(
      `${JSON.stringify({
        endpoint: event.endpoint,
        id: event.id,
        key: event.key,
        name: event.name,
        stage: event.lifecycle?.stage,
        topic: event.topic,
        known: event.known,
        attempt: event.attempt,
        receivedAt: event.receivedAt.toISOString(),
      })}\n`,
    );
  });
}

export interface ExampleReceiver {
  receiver: Receiver<Endpoints>;
  /** true when REDIS_URL is set: this process only receives, `examples/worker` runs the handlers. */
  production: boolean;
}

/**
 * With METRICS_PORT, countersign's OpenTelemetry metrics for Prometheus: the exporter serves them on its own port
 * (`GET /metrics`), apart from the webhooks.
 */
function metricsFromEnv(env: Env, logger: Logger): ReceiverObserver[] {
  if (!env.METRICS_PORT) return [];
  const port = Number(env.METRICS_PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigError(`METRICS_PORT must be a port number (got "${env.METRICS_PORT}")`);
  const host = env.METRICS_HOST || '127.0.0.1';
  const exporter = new PrometheusExporter({ host, port }, (error) => {
    if (error) logger.error({ err: error }, `metrics: cannot listen on ${host}:${port}`);
    else logger.info({ metricsPort: port }, `metrics on http://${host}:${port}/metrics`);
  });
  return [openTelemetry({ meterProvider: new MeterProvider({ readers: [exporter] }), traces: false })];
}

export function createExampleReceiver(env: Env = process.env): ExampleReceiver {
  const logger = jsonLogger((env.LOG_LEVEL as 'debug' | 'info' | 'warn' | 'error' | undefined) ?? 'info');
  const { production, ...stores } = storesFromEnv(env);
  const receiver = createReceiver({ endpoints: endpointsFromEnv(env), logger, observers: metricsFromEnv(env, logger), ...stores });
  if (!production) printEvents(receiver);
  return { receiver, production };
}

/** Close the server and the receiver on SIGINT/SIGTERM, letting queued handlers finish. */
export function closeOnSignals(close: () => Promise<void>): void {
  let closing = false;
  const stop = (signal: string): void => {
    if (closing) return;
    closing = true;
    process.stderr.write(`${JSON.stringify({ level: 'info', msg: `${signal}: closing` })}\n`);
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${JSON.stringify({ level: 'error', msg: 'close failed', err: String(error) })}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

export function startupFailure(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${JSON.stringify({ level: 'error', msg: `cannot start: ${message}` })}\n`);
  process.exit(1);
}
