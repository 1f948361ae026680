import { hmac, toBase64 } from '@countersign/core';

/** A delivery as SignIt sends it: ready for `receiver.handle({ endpoint, ...delivery })` or an HTTP client. */
export interface SignitDelivery {
  method: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
}

export interface SignitDeliveryOptions {
  appId: string;
  appSecret: string;
  /** Event name as SignIt writes it, e.g. `envelopeCompleted`. */
  event: string;
  /** Encoded as a JSON string inside the body, as SignIt does; a string is used as is. */
  rawData: Record<string, unknown> | string;
  target?: { webhookWsid?: string; destination?: string };
  needCallBack?: boolean;
  /** Replaces the whole body (`event`, `target`, `rawData` are then ignored). */
  body?: string;
  /** `X-Signit-Date`: a `Date` is written as Java's `Date.toString()` in China Standard Time. Default: now. */
  date?: Date | string;
  /** `X-Signit-Nonce`. Default: 24 random characters. */
  nonce?: string;
  /** `X-Signit-Host`. Default `localhost`. */
  host?: string;
  /** `X-Signit-Scheme`. Default `https`. */
  scheme?: string;
  /** `X-Signit-Resource`. Default empty, as in SignIt's samples. */
  resource?: string;
  contentType?: string;
  method?: string;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

/** `date` as Java's `Date.toString()` prints it in a zone (default `CST`, +08:00): `Thu Sep 19 16:32:22 CST 2019`. */
export function javaDateString(date: Date, zone: { name: string; offsetMinutes: number } = { name: 'CST', offsetMinutes: 480 }): string {
  const d = new Date(date.getTime() + zone.offsetMinutes * 60_000);
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${time} ${zone.name} ${d.getUTCFullYear()}`;
}

function randomNonce(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(crypto.getRandomValues(new Uint8Array(24)), (b) => alphabet[b % alphabet.length]).join('');
}

/**
 * The `X-Signit-Signature` value for a delivery: `HmacSHA512 <appId>:<base64>`, HMAC-SHA512 with the app secret
 * over appId, Content-Type, X-Signit-Date, X-Signit-Host, method, X-Signit-Nonce, [body], X-Signit-Resource and
 * X-Signit-Scheme, each followed by a newline (the body and its newline only when the body is not empty).
 */
export async function signitSignature(appId: string, appSecret: string, request: { method: string; headers: Record<string, string>; body: string }): Promise<string> {
  const h = (name: string): string => request.headers[name] ?? '';
  const values = [appId, h('content-type'), h('x-signit-date'), h('x-signit-host'), request.method.toUpperCase(), h('x-signit-nonce')];
  if (request.body !== '') values.push(request.body);
  values.push(h('x-signit-resource'), h('x-signit-scheme'));
  const mac = await hmac('SHA-512', appSecret, values.map((value) => `${value}\n`).join(''));
  return `HmacSHA512 ${appId}:${toBase64(mac)}`;
}

/** Build a SignIt delivery signed with the real algorithm. */
export async function signitDelivery(options: SignitDeliveryOptions): Promise<SignitDelivery> {
  const method = options.method ?? 'POST';
  const body =
    options.body ??
    JSON.stringify({
      event: options.event,
      target: options.target ?? { webhookWsid: 'WSID_HOOK_TEST', destination: 'https://localhost/webhooks/signit' },
      rawData: typeof options.rawData === 'string' ? options.rawData : JSON.stringify(options.rawData),
      needCallBack: options.needCallBack ?? false,
    });
  const date = options.date ?? new Date();
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? 'application/json',
    'x-signit-nonce': options.nonce ?? randomNonce(),
    'x-signit-date': typeof date === 'string' ? date : javaDateString(date),
    'x-signit-host': options.host ?? 'localhost',
    'x-signit-scheme': options.scheme ?? 'https',
    'x-signit-resource': options.resource ?? '',
  };
  headers['x-signit-signature'] = await signitSignature(options.appId, options.appSecret, { method, headers, body });
  return { method, headers, body };
}
