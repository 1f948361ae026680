import { randomBytes } from 'node:crypto';
import { listenOnLoopback } from './loopback.js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { IgnisignAppEnv } from '@countersign/core';
import type { IgnisignMsgNature } from '@countersign/core/ignisign';

export interface IgnisignDeliveryOptions {
  appId: string;
  appEnv: IgnisignAppEnv;
  topic: string;
  action: string;
  /** Default `SUCCESS`. */
  msgNature?: IgnisignMsgNature;
  content: unknown;
  /** `error` of an `ERROR` delivery. */
  error?: { errorCode: string; message?: string; context?: unknown };
  /** The verification token. Default: a fresh random one (register it with `fakeIgnisignApi().addToken`). */
  token?: string;
  /** The receiver endpoint name. Default `ignisign`. */
  endpoint?: string;
}

export interface IgnisignDelivery {
  method: 'POST';
  endpoint: string;
  headers: Record<string, string>;
  /** The raw JSON body, as Ignisign would send it. */
  body: string;
  /** The delivery's verification token. */
  token: string;
}

/** A random token shaped like Ignisign's (URL-safe base64). */
export function randomIgnisignToken(): string {
  return randomBytes(33).toString('base64url');
}

/** An Ignisign delivery, ready for `receiver.handle()` (or an HTTP POST: `headers` and `body`). */
export function ignisignDelivery(options: IgnisignDeliveryOptions): IgnisignDelivery {
  const token = options.token ?? randomIgnisignToken();
  const body: Record<string, unknown> = {
    appId: options.appId,
    appEnv: options.appEnv,
    topic: options.topic,
    action: options.action,
    msgNature: options.msgNature ?? 'SUCCESS',
    content: options.content,
    verificationToken: token,
  };
  if (options.error !== undefined) body.error = options.error;
  return {
    method: 'POST',
    endpoint: options.endpoint ?? 'ignisign',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    token,
  };
}

/**
 * - `ok`: tokens are checked (each valid token once);
 * - `invalid`: every token is refused (`isValid: false`);
 * - `error500`: the API answers HTTP 500;
 * - `hang`: the API never answers;
 * - `hold`: the API holds each call until `release()`, which answers the held calls as `ok` does.
 */
export type FakeIgnisignApiMode = 'ok' | 'invalid' | 'error500' | 'hang' | 'hold';

export interface FakeIgnisignApiOptions {
  /** The API key it expects as `Authorization: Bearer <apiKey>`. Default `test-ignisign-api-key`. */
  apiKey?: string;
  /** Tokens it accepts, each once. */
  validTokens?: Iterable<string>;
  /** Accept any token never seen before (still once each). Default false. */
  acceptAll?: boolean;
  mode?: FakeIgnisignApiMode;
}

export interface FakeIgnisignApiCall {
  token: unknown;
  appId: unknown;
  appEnv: unknown;
  /** The `Authorization` header as received. */
  authorization: string | undefined;
  /** HTTP status answered (`undefined` while hanging). */
  status: number | undefined;
  /** `isValid` answered, when the call got that far. */
  isValid: boolean | undefined;
}

export interface FakeIgnisignApi {
  /** Base URL to give `ignisignApi({ baseUrl })`. */
  url: string;
  apiKey: string;
  /** Every verification call received, in order. */
  calls: FakeIgnisignApiCall[];
  addToken(token: string): void;
  setMode(mode: FakeIgnisignApiMode): void;
  /** Calls received and not answered yet (held or hanging). */
  readonly open: number;
  /** Answer every held call as `ok` does, and stop holding (the mode becomes `ok`). */
  release(): void;
  /** Stop the server, cutting hanging calls. */
  close(): Promise<void>;
}

const CHECK_PATH = '/v4/tokens/webhook-verification/checking-consumption';

function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A local stand-in for Ignisign's token verification API (a real HTTP server on 127.0.0.1): it checks the bearer
 * API key and consumes tokens as Ignisign does, so a token is valid on its first check only.
 */
export async function fakeIgnisignApi(options: FakeIgnisignApiOptions = {}): Promise<FakeIgnisignApi> {
  const apiKey = options.apiKey ?? 'test-ignisign-api-key';
  const unused = new Set(options.validTokens ?? []);
  const used = new Set<string>();
  const calls: FakeIgnisignApiCall[] = [];
  let mode: FakeIgnisignApiMode = options.mode ?? 'ok';
  const held: Array<() => void> = [];

  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST' || req.url !== CHECK_PATH) return answer(res, 404, { message: 'Not found' });
      const input = await readJson(req);
      const call: FakeIgnisignApiCall = {
        token: input?.token,
        appId: input?.appId,
        appEnv: input?.appEnv,
        authorization: req.headers.authorization,
        status: undefined,
        isValid: undefined,
      };
      calls.push(call);
      const reply = (status: number, body: unknown): void => {
        call.status = status;
        answer(res, status, body);
      };
      if (mode === 'hang') return;
      if (mode === 'hold') await new Promise<void>((resolve) => held.push(resolve));
      if (req.headers.authorization !== `Bearer ${apiKey}`) return reply(401, { message: 'Invalid API key' });
      if (mode === 'error500') return reply(500, { message: 'Internal server error' });
      if (input === undefined || typeof input.token !== 'string') return reply(400, { message: 'token is required' });
      const { token } = input;
      const fresh = !used.has(token) && (unused.has(token) || options.acceptAll === true);
      const isValid = mode === 'ok' && fresh;
      if (isValid) {
        unused.delete(token);
        used.add(token);
      }
      call.isValid = isValid;
      reply(200, { isValid });
    })().catch(() => res.destroy());
  });
  const loopback = await listenOnLoopback(server);

  return {
    url: loopback.url,
    apiKey,
    calls,
    addToken(token) {
      if (!used.has(token)) unused.add(token);
    },
    setMode(next) {
      mode = next;
    },
    get open() {
      return calls.filter((call) => call.status === undefined).length;
    },
    release() {
      mode = 'ok';
      for (const resolve of held.splice(0)) resolve();
    },
    close: loopback.close,
  };
}
