import { fromBase64, timingSafeEqual } from '../../crypto.js';
import { CountersignError, isCountersignError } from '../../errors.js';
import type { SecretResolver } from '../../secrets.js';
import type { DeliveryContext } from '../../types.js';

const CHALLENGE = { 'www-authenticate': 'Basic realm="countersign"' };
const BASIC = /^Basic\s+([A-Za-z0-9+/\-_]+={0,2})\s*$/i;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function refuse(code: 'AUTH_MISSING' | 'AUTH_INVALID', message: string): CountersignError {
  return new CountersignError(code, message, { headers: CHALLENGE });
}

/** What an authenticated DocStudio callback established (nothing, for an endpoint that accepts unauthenticated ones). */
export interface DocStudioFacts {
  login?: string;
  /** The login, as `event.delivery.account`. */
  account?: string;
}

/** Where the passwords of a login come from: a fixed login with its password(s), or a lookup per login. */
export type DocStudioPasswords = { login: string; passwords: readonly string[] } | { lookup: SecretResolver };

/**
 * HTTP Basic check of the login/password configured on the DocStudio callback. With a fixed login, login and
 * passwords (several during a rotation) are all compared in constant time, always, so the answer does not tell
 * which one was wrong. With a lookup, the login names the account whose passwords are looked up (unknown: 401).
 */
export function docstudioBasicAuth(source: DocStudioPasswords): (ctx: DeliveryContext) => Promise<DocStudioFacts> {
  const expectedLogin = 'login' in source ? encoder.encode(source.login) : undefined;
  const fixed = 'passwords' in source ? source.passwords.map((p) => encoder.encode(p)) : undefined;
  return async (ctx) => {
    const header = ctx.headers.get('authorization');
    if (header === undefined || header.trim() === '') {
      throw refuse('AUTH_MISSING', 'The Authorization header is missing; this DocStudio endpoint expects the callback login and password (HTTP Basic).');
    }
    const bytes = BASIC.exec(header.trim())?.[1];
    const decoded = bytes === undefined ? undefined : fromBase64(bytes);
    const credentials = decoded === undefined ? undefined : decoder.decode(decoded);
    const colon = credentials?.indexOf(':') ?? -1;
    if (credentials === undefined || colon === -1) {
      throw refuse('AUTH_INVALID', 'The Authorization header is not HTTP Basic credentials ("Basic base64(login:password)").');
    }
    const login = credentials.slice(0, colon);
    const given = encoder.encode(credentials.slice(colon + 1));
    let loginOk = true;
    let passwords = fixed;
    if (expectedLogin !== undefined) loginOk = timingSafeEqual(encoder.encode(login), expectedLogin);
    if (passwords === undefined && 'lookup' in source) {
      try {
        passwords = (await source.lookup(login, ctx.signal)).map((p) => encoder.encode(p));
      } catch (error) {
        if (isCountersignError(error) && error.code === 'AUTH_INVALID') throw refuse('AUTH_INVALID', 'The login or password is wrong; check the callback credentials configured in DocStudio.');
        throw error;
      }
    }
    let passwordOk = false;
    for (const expected of passwords ?? []) passwordOk = timingSafeEqual(given, expected) || passwordOk;
    if (!(loginOk && passwordOk)) throw refuse('AUTH_INVALID', 'The login or password is wrong; check the callback credentials configured in DocStudio.');
    return { login, account: login };
  };
}
