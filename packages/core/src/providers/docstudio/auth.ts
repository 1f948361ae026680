import { fromBase64, timingSafeEqual } from '../../crypto.js';
import { CountersignError } from '../../errors.js';
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

/**
 * HTTP Basic check of the login/password configured on the DocStudio callback. Login and password are both
 * compared in constant time, and both always, so the answer does not tell which one was wrong.
 */
export function docstudioBasicAuth(login: string, password: string): (ctx: DeliveryContext) => DocStudioFacts {
  const expectedLogin = encoder.encode(login);
  const expectedPassword = encoder.encode(password);
  return (ctx) => {
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
    const loginOk = timingSafeEqual(encoder.encode(credentials.slice(0, colon)), expectedLogin);
    const passwordOk = timingSafeEqual(encoder.encode(credentials.slice(colon + 1)), expectedPassword);
    if (!(loginOk && passwordOk)) throw refuse('AUTH_INVALID', 'The login or password is wrong; check the callback credentials configured in DocStudio.');
    return { login, account: login };
  };
}
