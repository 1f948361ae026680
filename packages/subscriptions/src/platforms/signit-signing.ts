import { hmac, toBase64 } from '@countersign/core';

/**
 * How SignIt's ws-rest API authenticates a call: `Authorization: HmacSHA512 <apiKey>:<nonce>:<base64 signature>`,
 * the HMAC-SHA512 (keyed with the API secret) of these values, each followed by `\n`: apiKey, Content-Type, Date
 * (RFC 1123), Host, METHOD, nonce, [body, when not empty], resource, scheme.
 *
 * SignIt's documents do not spell out the resource. These are the two open choices, in one place: the defaults
 * sign the path as sent (`/ws-rest/v1/users/…/webhooks`) without the query string.
 */
export interface SignitSigningOptions {
  /** Sign the query string too (`/ws-rest/v1/users/u/webhooks?offset=0&limit=20`). Default false. */
  resourceIncludesQuery?: boolean;
  /** A leading part of the path left out of the resource, e.g. `/ws-rest`. Default: none. */
  resourceStripPrefix?: string;
}

/** The values SignIt signs, in order. */
export interface SignitSignedParts {
  apiKey: string;
  contentType: string;
  /** The `Date` header as sent (RFC 1123). */
  date: string;
  /** The `Host` header as sent (`host[:port]`). */
  host: string;
  method: string;
  nonce: string;
  /** The exact body sent; empty for none. */
  body: string;
  resource: string;
  /** `https` or `http`. */
  scheme: string;
}

/** The resource of a URL under the signing options. */
export function signitResource(url: URL, signing: SignitSigningOptions = {}): string {
  const prefix = signing.resourceStripPrefix;
  const path = prefix !== undefined && prefix !== '' && url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) || '/' : url.pathname;
  return signing.resourceIncludesQuery === true ? `${path}${url.search}` : path;
}

/** The text SignIt signs. */
export function signitStringToSign(parts: SignitSignedParts): string {
  const values = [parts.apiKey, parts.contentType, parts.date, parts.host, parts.method.toUpperCase(), parts.nonce];
  if (parts.body !== '') values.push(parts.body);
  values.push(parts.resource, parts.scheme);
  return values.map((value) => `${value}\n`).join('');
}

/** The `Authorization` value for a call. */
export async function signitAuthorization(apiSecret: string, parts: SignitSignedParts): Promise<string> {
  const signature = toBase64(await hmac('SHA-512', apiSecret, new TextEncoder().encode(signitStringToSign(parts))));
  return `HmacSHA512 ${parts.apiKey}:${parts.nonce}:${signature}`;
}

/** Every header of a signed call: Content-Type, Accept, Date, Host (informative: fetch sends the URL's) and Authorization. */
export async function signitHeaders(
  credentials: { apiKey: string; apiSecret: string },
  request: { method: string; url: URL; body: string },
  signing: SignitSigningOptions = {},
  now: Date = new Date(),
): Promise<Record<string, string>> {
  const parts: SignitSignedParts = {
    apiKey: credentials.apiKey,
    contentType: 'application/json',
    date: now.toUTCString(),
    host: request.url.host,
    method: request.method,
    nonce: crypto.randomUUID(),
    body: request.body,
    resource: signitResource(request.url, signing),
    scheme: request.url.protocol.replace(/:$/, ''),
  };
  return {
    'content-type': parts.contentType,
    accept: 'application/json',
    date: parts.date,
    authorization: await signitAuthorization(credentials.apiSecret, parts),
  };
}
