import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { IgnisignAppEnv } from '@countersign/core';
import { IGNISIGN_APP_ENVS } from '@countersign/core/ignisign';
import { SAMPLE_PLATFORMS, sampleDelivery, sampleEvents, type SampleDelivery, type SampleDeliveryOptions, type SampleFields, type SamplePlatform } from '@countersign/testing';
import type { Env } from '../env.js';
import { CliError, EXIT } from '../exit-codes.js';
import type { CommandContext } from './subscriptions/shared.js';

export interface SendOptions {
  to: string;
  payload?: string;
  repeat: number;
  concurrency: number;
  timeout: number;
  clientId?: string;
  accessToken?: string;
  appId?: string;
  appEnv?: string;
  appSecret?: string;
  token?: string;
  login?: string;
  password?: string;
  secret?: string;
  allowUnknown?: boolean;
  json?: boolean;
}

/** Most deliveries one `send` makes, and most at once. */
const MAX_REPEAT = 100_000;
const MAX_CONCURRENCY = 256;
/** Longest answer body printed. */
const MAX_PRINTED_BODY = 2000;

const wholeNumber = (name: string, max: number) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}.`);
  return n;
};

const first = (value: string | undefined): string | undefined =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .find(Boolean);

function need(value: string | undefined, what: string): string {
  if (value === undefined || value === '') throw new CliError(EXIT.CONFIG, what);
  return value;
}

/** A platform's credentials: its delivery options without the event and the fields. */
export type SendCredentials = SampleDeliveryOptions extends infer U ? (U extends unknown ? Omit<U, 'event' | 'fields'> : never) : never;

const isAppEnv = (value: string): value is IgnisignAppEnv => (IGNISIGN_APP_ENVS as readonly string[]).includes(value);

/** The platform's credentials, from the flags or the examples' environment. Only variable names ever appear in messages. */
export function credentialsFor(platform: SamplePlatform, options: SendOptions, env: Env): SendCredentials {
  switch (platform) {
    case 'adobe-sign':
      return {
        platform,
        clientId: need(options.clientId ?? first(env.ADOBE_SIGN_CLIENT_IDS), 'Acrobat Sign deliveries carry a client id: pass --client-id or set ADOBE_SIGN_CLIENT_IDS (the first is used).'),
        ...(options.accessToken === undefined ? {} : { accessToken: options.accessToken }),
      };
    case 'ignisign': {
      const appEnv = options.appEnv ?? (env.IGNISIGN_APP_ENV?.trim() || 'PRODUCTION');
      if (!isAppEnv(appEnv)) throw new CliError(EXIT.CONFIG, 'the Ignisign app environment (--app-env or IGNISIGN_APP_ENV) must be DEVELOPMENT, STAGING or PRODUCTION.');
      return {
        platform,
        appId: need(options.appId ?? env.IGNISIGN_APP_ID?.trim(), 'Ignisign deliveries name their app: pass --app-id or set IGNISIGN_APP_ID.'),
        appEnv,
        ...(options.token === undefined ? {} : { token: options.token }),
      };
    }
    case 'signit': {
      const pair = first(env.SIGNIT_APPS);
      const colon = pair?.indexOf(':') ?? -1;
      const appId = options.appId ?? (pair !== undefined && colon > 0 ? pair.slice(0, colon) : undefined);
      const appSecret = options.appSecret ?? (pair !== undefined && colon > 0 ? pair.slice(colon + 1) : undefined);
      const missing = 'SignIt deliveries are signed with an app secret: pass --app-id and --app-secret or set SIGNIT_APPS (appId:appSecret, the first is used).';
      return { platform, appId: need(appId, missing), appSecret: need(appSecret, missing) };
    }
    case 'docstudio': {
      const login = options.login ?? env.DOCSTUDIO_LOGIN;
      const password = options.password ?? env.DOCSTUDIO_PASSWORD;
      if ((login === undefined) !== (password === undefined)) {
        throw new CliError(EXIT.CONFIG, 'DocStudio signs with HTTP Basic: give both --login and --password (or DOCSTUDIO_LOGIN and DOCSTUDIO_PASSWORD), or neither for an unauthenticated callback.');
      }
      return { platform, ...(login === undefined ? {} : { login, password }) };
    }
    case 'docusign':
      return { platform, hmacKey: need(options.secret ?? first(env.DOCUSIGN_HMAC_KEYS), 'DocuSign Connect signs with an HMAC key: pass --secret or set DOCUSIGN_HMAC_KEYS (the first is used).') };
    case 'dropbox-sign':
      return { platform, apiKey: need(options.secret ?? first(env.DROPBOX_SIGN_API_KEY), 'Dropbox Sign makes event_hash with the API key: pass --secret or set DROPBOX_SIGN_API_KEY (the first is used).') };
    case 'yousign':
      return { platform, secret: need(options.secret ?? first(env.YOUSIGN_SECRETS), 'Yousign signs with the webhook secret: pass --secret or set YOUSIGN_SECRETS (the first is used).') };
    case 'pandadoc':
      return { platform, sharedKey: need(options.secret ?? first(env.PANDADOC_SHARED_KEYS), 'PandaDoc signs with the shared key: pass --secret or set PANDADOC_SHARED_KEYS (the first is used).') };
    case 'boldsign':
      return { platform, secret: need(options.secret ?? first(env.BOLDSIGN_SECRETS), 'BoldSign signs with the webhook secret: pass --secret or set BOLDSIGN_SECRETS (the first is used).') };
  }
}

/** `--to` as the endpoint's URL: a bare origin (`http://127.0.0.1:3000`) gets `/webhooks/<platform>`. */
export function endpointUrl(to: string, platform: SamplePlatform): URL {
  let url: URL;
  try {
    url = new URL(to);
  } catch {
    throw new CliError(EXIT.USAGE, `--to must be a URL such as http://127.0.0.1:3000/webhooks/${platform} (got "${to.slice(0, 100)}").`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(EXIT.USAGE, '--to must be an http:// or https:// URL.');
  if (url.pathname === '/' || url.pathname === '') url.pathname = `/webhooks/${platform}`;
  return url;
}

async function readFields(file: string): Promise<SampleFields> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(EXIT.USAGE, `--payload ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(EXIT.USAGE, `--payload ${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CliError(EXIT.USAGE, `--payload ${file} must hold a JSON object (its fields are merged over the delivery's body).`);
  return value as SampleFields;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
  ms: number;
}

/** `url` with the delivery's own query (PandaDoc's `signature=`) appended, as the platform sends it. */
function withQuery(url: URL, query: string | undefined): URL {
  if (query === undefined || query === '') return url;
  const target = new URL(url);
  target.search = target.search === '' ? query : `${target.search.slice(1)}&${query}`;
  return target;
}

async function post(url: URL, delivery: SampleDelivery, timeoutMs: number): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(withQuery(url, delivery.query), { method: delivery.method, headers: delivery.headers, body: delivery.body, signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const body = await response.text();
  return { status: response.status, headers, body, ms: performance.now() - started };
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
const clipBody = (body: string): string => (body.length > MAX_PRINTED_BODY ? `${body.slice(0, MAX_PRINTED_BODY)}… (${body.length - MAX_PRINTED_BODY} more characters)` : body);

/** `countersign send <platform> <event> --to <url>`. */
export function sendCommand(context: CommandContext): Command {
  return new Command('send')
    .description('build a delivery exactly as the platform would (signed with its credentials), send it, and print the answer')
    .argument('<platform>', `one of ${SAMPLE_PLATFORMS.join(', ')}`)
    .argument('<event>', 'the event, as handlers name it: AGREEMENT_CREATED, SIGNATURE_REQUEST.LAUNCHED, envelopeCompleted, COMPLETED, envelope-completed, signature_request_all_signed, signer.done, document_state_changed, Completed...')
    .requiredOption('--to <url>', 'the endpoint URL (http://127.0.0.1:3000/webhooks/docstudio); a bare origin gets /webhooks/<platform>')
    .option('--payload <file.json>', "a JSON object whose fields are merged over the delivery's body (SignIt: `rawData` merges into the decoded rawData)")
    .addOption(new Option('--repeat <n>', 'send N deliveries, each a distinct event (a load smoke)').argParser(wholeNumber('--repeat', MAX_REPEAT)).default(1))
    .addOption(new Option('--concurrency <c>', 'deliveries in flight at once').argParser(wholeNumber('--concurrency', MAX_CONCURRENCY)).default(1))
    .addOption(new Option('--timeout <ms>', 'give up on an answer after this long').argParser(wholeNumber('--timeout', 600_000)).default(10_000))
    .option('--client-id <id>', 'Acrobat Sign: X-AdobeSign-ClientId (default: the first of ADOBE_SIGN_CLIENT_IDS)')
    .option('--access-token <token>', 'Acrobat Sign: a bearer token, for OAuth webhook endpoints')
    .option('--app-id <id>', 'Ignisign: the app id (default IGNISIGN_APP_ID); SignIt: the app id (default: the first of SIGNIT_APPS)')
    .option('--app-env <env>', 'Ignisign: DEVELOPMENT, STAGING or PRODUCTION (default IGNISIGN_APP_ENV, else PRODUCTION)')
    .option('--app-secret <secret>', 'SignIt: the app secret (default: the first of SIGNIT_APPS); prefer the variable to a flag')
    .option('--token <token>', "Ignisign: the verification token (default: a random one, which the receiver's verification API must accept)")
    .option('--login <login>', 'DocStudio: the Basic login (default DOCSTUDIO_LOGIN)')
    .option('--password <password>', 'DocStudio: the Basic password (default DOCSTUDIO_PASSWORD); prefer the variable to a flag')
    .option(
      '--secret <secret>',
      'DocuSign: the Connect HMAC key (default: the first of DOCUSIGN_HMAC_KEYS); Dropbox Sign: the API key (DROPBOX_SIGN_API_KEY); Yousign: the webhook secret (YOUSIGN_SECRETS); PandaDoc: the shared key (PANDADOC_SHARED_KEYS); BoldSign: the webhook secret (BOLDSIGN_SECRETS); prefer the variables to a flag',
    )
    .option('--allow-unknown', 'send an event name countersign does not know (as a platform would send a new event)')
    .option('--json', 'print the answers as JSON')
    .addHelpText(
      'after',
      `
Credentials come from the flags or the same variables as the example receivers: ADOBE_SIGN_CLIENT_IDS,
IGNISIGN_APP_ID + IGNISIGN_APP_ENV, SIGNIT_APPS, DOCSTUDIO_LOGIN + DOCSTUDIO_PASSWORD, DOCUSIGN_HMAC_KEYS,
DROPBOX_SIGN_API_KEY, YOUSIGN_SECRETS, PANDADOC_SHARED_KEYS, BOLDSIGN_SECRETS (of a list, the first is used).
They are never printed. PandaDoc's signature goes in the query string (?signature=...), as PandaDoc sends it.
Exit codes: 0 every answer was 2xx, 1 some delivery was refused (non-2xx), 2 usage, 3 credentials missing,
6 the receiver could not be reached (or did not answer within --timeout).

Examples:
  countersign send docstudio COMPLETED --to http://127.0.0.1:3000/webhooks/docstudio
  countersign send adobe-sign AGREEMENT_WORKFLOW_COMPLETED --to http://127.0.0.1:3000 --payload fields.json
  countersign send signit envelopeCompleted --to http://127.0.0.1:3000 --repeat 500 --concurrency 20
  countersign send docusign envelope-completed --to http://127.0.0.1:3000
  countersign send pandadoc document_state_changed --to http://127.0.0.1:3000/webhooks/pandadoc`,
    )
    .action(async (platformArg: string, event: string, options: SendOptions) => {
      const { io } = context;
      if (!(SAMPLE_PLATFORMS as readonly string[]).includes(platformArg)) {
        throw new CliError(EXIT.USAGE, `unknown platform "${platformArg.slice(0, 40)}": use one of ${SAMPLE_PLATFORMS.join(', ')}.`);
      }
      const platform = platformArg as SamplePlatform;
      const known = sampleEvents(platform);
      if (!known.includes(event) && options.allowUnknown !== true) {
        const close = known.filter((name) => name.toLowerCase().includes(event.toLowerCase().replace(/^.*[._]/, '')) || event.toLowerCase().includes(name.toLowerCase())).slice(0, 5);
        throw new CliError(
          EXIT.USAGE,
          `countersign knows no ${platform} event "${event.slice(0, 80)}"${close.length > 0 ? `; did you mean ${close.join(', ')}?` : '.'} Known: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', ...' : ''}. --allow-unknown sends it anyway.`,
        );
      }
      if (platform === 'ignisign' && !event.includes('.')) throw new CliError(EXIT.USAGE, 'Ignisign events are TOPIC.ACTION, e.g. SIGNATURE_REQUEST.LAUNCHED.');
      const url = endpointUrl(options.to, platform);
      const credentials = credentialsFor(platform, options, io.env);
      const fields = options.payload === undefined ? undefined : await readFields(options.payload);
      const build = (): Promise<SampleDelivery> => sampleDelivery({ ...credentials, event, ...(fields === undefined ? {} : { fields }) } as SampleDeliveryOptions);

      const target = `${url.origin}${url.pathname}`;
      if (options.repeat === 1) {
        const delivery = await build();
        let answer: Answer;
        try {
          answer = await post(url, delivery, options.timeout);
        } catch (error) {
          throw unreachable(target, error, options.timeout);
        }
        if (options.json === true) io.out(JSON.stringify({ platform, event, url: target, status: answer.status, headers: answer.headers, body: answer.body }, null, 2));
        else {
          io.out(`${delivery.method} ${target}  ${platform} ${event}`);
          io.out(`-> ${answer.status} (${Math.round(answer.ms)} ms)`);
          for (const [name, value] of Object.entries(answer.headers)) if (name !== 'date' && name !== 'connection' && name !== 'keep-alive') io.out(`${name}: ${value}`);
          if (answer.body !== '') io.out(clipBody(answer.body));
        }
        if (answer.status < 200 || answer.status > 299) context.exitCode = EXIT.FAILED;
        return;
      }

      // --repeat: N distinct events, C at a time; a summary by status and the latency spread.
      const statuses = new Map<number, { count: number; example: string }>();
      const latencies: number[] = [];
      let failures = 0;
      let firstFailure = '';
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < options.repeat) {
          next += 1;
          try {
            const answer = await post(url, await build(), options.timeout);
            latencies.push(answer.ms);
            const entry = statuses.get(answer.status) ?? { count: 0, example: clipBody(answer.body).slice(0, 300) };
            entry.count += 1;
            statuses.set(answer.status, entry);
          } catch (error) {
            failures += 1;
            if (firstFailure === '') firstFailure = unreachable(target, error, options.timeout).message;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(options.concurrency, options.repeat) }, () => worker()));
      latencies.sort((a, b) => a - b);
      const summary = {
        url: target,
        platform,
        event,
        sent: options.repeat,
        concurrency: options.concurrency,
        statuses: Object.fromEntries([...statuses].map(([status, { count }]) => [status, count])),
        unreachable: failures,
        latencyMs: latencies.length === 0 ? null : { p50: percentile(latencies, 50), p90: percentile(latencies, 90), p99: percentile(latencies, 99), max: latencies.at(-1) },
      };
      if (options.json === true) io.out(JSON.stringify(summary, null, 2));
      else {
        io.out(`sent ${options.repeat} ${platform} ${event} deliveries to ${target}, ${options.concurrency} at a time`);
        for (const [status, { count, example }] of [...statuses].sort((a, b) => a[0] - b[0])) {
          io.out(`  ${status}: ${count}${status >= 200 && status <= 299 ? '' : `  e.g. ${example}`}`);
        }
        if (failures > 0) io.out(`  no answer: ${failures}  (${firstFailure})`);
        const l = summary.latencyMs;
        if (l !== null) io.out(`  latency ms: p50 ${l.p50.toFixed(1)}, p90 ${l.p90.toFixed(1)}, p99 ${l.p99.toFixed(1)}, max ${(l.max ?? 0).toFixed(1)}`);
      }
      if (failures > 0) context.exitCode = EXIT.UNREACHABLE;
      else if ([...statuses.keys()].some((s) => s < 200 || s > 299)) context.exitCode = EXIT.FAILED;
    });
}

function unreachable(target: string, error: unknown, timeoutMs: number): CliError {
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
  const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
  return new CliError(EXIT.UNREACHABLE, timedOut ? `${target} did not answer within ${timeoutMs} ms.` : `could not reach ${target}: ${error instanceof Error ? error.message : String(error)}${cause}`);
}
