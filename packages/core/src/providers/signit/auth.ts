import { hmac, timingSafeEqual, toBase64 } from '../../crypto.js';
import { memoryDedupe } from '../../dedupe/memory.js';
import type { DedupeStore } from '../../dedupe/types.js';
import { CountersignError } from '../../errors.js';
import { secretSource, type SecretLookup } from '../../secrets.js';
import type { DeliveryContext } from '../../types.js';

/** One SignIt application: its id and the secret SignIt signs with. */
export interface SignitApp {
  appId: string;
  appSecret: string;
}

/** Refuse deliveries whose `X-Signit-Date` is too far from now, and (by default) replays of a nonce. */
export interface SignitFreshnessOptions {
  /** Largest accepted distance between `X-Signit-Date` and the receiver's clock, either way (ms). */
  windowMs: number;
  /**
   * Where seen `X-Signit-Nonce` values are remembered. Default: an in-memory store of this process. Pass a store
   * shared by every instance (e.g. `redisDedupe(...)`) when several receive, or `false` to check the date only.
   */
  nonceStore?: DedupeStore | false;
  /**
   * Zone abbreviations that may appear in `X-Signit-Date`, in minutes east of UTC, added to (or overriding) the
   * built-in table. SignIt's servers write `CST`, read as China Standard Time (+08:00).
   */
  timeZones?: Readonly<Record<string, number>>;
  /** Clock (epoch ms), for tests. Default `Date.now`. */
  now?: () => number;
}

/**
 * Zone abbreviations as Java's `Date.toString()` prints them, in minutes east of UTC. Abbreviations are
 * ambiguous; these are the readings of Java's default zone ids. In particular `CST` is China Standard Time
 * (+08:00), SignIt's zone, not US Central (-06:00), and `IST` is India (+05:30).
 */
const ZONES: Readonly<Record<string, number>> = {
  UTC: 0, UT: 0, GMT: 0, Z: 0, WET: 0, WEST: 60, BST: 60, CET: 60, CEST: 120, MET: 60, MEST: 120,
  EET: 120, EEST: 180, MSK: 180, IST: 330, ICT: 420, WIB: 420,
  CST: 480, CTT: 480, HKT: 480, SGT: 480, MYT: 480, PHT: 480, AWST: 480, JST: 540, KST: 540,
  ACST: 570, AEST: 600, AEDT: 660, NZST: 720, NZDT: 780,
  HST: -600, AKST: -540, AKDT: -480, PST: -480, PDT: -420, MST: -420, MDT: -360, CDT: -300, EST: -300, EDT: -240,
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const JAVA_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) (\d{2}) (\d{2}):(\d{2}):(\d{2}) (\S+) (\d{4})$/;
const OFFSET_ZONE = /^(?:GMT|UTC)([+-])(\d{1,2}):?(\d{2})$/;

/**
 * Read Java's `Date.toString()` format (`Thu Sep 19 16:32:22 CST 2019`) as epoch ms. Zones are abbreviations
 * from `zones` or numeric (`GMT+08:00`). `undefined` when the text is not in that format or the zone is unknown.
 */
export function parseJavaDate(value: string, zones: Readonly<Record<string, number>> = ZONES): number | undefined {
  const m = JAVA_DATE.exec(value.trim());
  if (m === null) return undefined;
  const [, mon, day, hh, mm, ss, zone, year] = m as unknown as [string, string, string, string, string, string, string, string];
  const month = MONTHS.indexOf(mon);
  if (month === -1 || Number(day) < 1 || Number(day) > 31 || Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 60) return undefined;
  let offset = zones[zone.toUpperCase()];
  const numeric = OFFSET_ZONE.exec(zone);
  if (offset === undefined && numeric !== null) {
    offset = (numeric[1] === '-' ? -1 : 1) * (Number(numeric[2]) * 60 + Number(numeric[3]));
  }
  if (offset === undefined) return undefined;
  return Date.UTC(Number(year), month, Number(day), Number(hh), Number(mm), Number(ss)) - offset * 60_000;
}

const SIGNATURE_HEADER = /^HmacSHA512\s+([^\s:]+):([A-Za-z0-9+/]+={0,2})$/i;
const encoder = new TextEncoder();

/**
 * The bytes SignIt signs: appId, Content-Type, X-Signit-Date, X-Signit-Host, method, X-Signit-Nonce, the raw
 * body (left out with its newline when empty), X-Signit-Resource and X-Signit-Scheme, each followed by `\n`.
 * Missing headers count as empty strings; values are used verbatim.
 */
function signedBytes(ctx: DeliveryContext, appId: string): Uint8Array {
  const header = (name: string): string => ctx.headers.get(name) ?? '';
  const head = encoder.encode(
    [appId, header('content-type'), header('x-signit-date'), header('x-signit-host'), ctx.method, header('x-signit-nonce'), ''].join('\n'),
  );
  const tail = encoder.encode(`${ctx.body.byteLength > 0 ? '\n' : ''}${header('x-signit-resource')}\n${header('x-signit-scheme')}\n`);
  const out = new Uint8Array(head.byteLength + ctx.body.byteLength + tail.byteLength);
  out.set(head, 0);
  out.set(ctx.body, head.byteLength);
  out.set(tail, head.byteLength + ctx.body.byteLength);
  return out;
}

function configError(message: string): CountersignError {
  return new CountersignError('CONFIG_INVALID', `signit: ${message}`);
}

function refuse(code: 'AUTH_MISSING' | 'AUTH_INVALID', message: string): CountersignError {
  return new CountersignError(code, message);
}

/** What an authenticated SignIt delivery established. */
export interface SignitFacts {
  /** The app whose secret verified the signature. */
  appId: string;
  /** The app, as `event.delivery.account`. */
  account: string;
  /** The nonce claim to mark as used once the delivery is acknowledged (with `freshness`). */
  nonce?: { store: DedupeStore; key: string; token: string } | undefined;
}

export interface SignitAuthenticator {
  authenticate(ctx: DeliveryContext): Promise<SignitFacts>;
  /** Mark the delivery's nonce as used once the delivery was acknowledged. */
  acknowledged(facts: SignitFacts): void;
}

/**
 * Verify `X-Signit-Signature: HmacSHA512 <appId>:<base64>` against the configured apps (several secrets per
 * app id are all tried, for rotation), then, when `freshness` is set, the date window and the nonce.
 */
export function signitAuthenticator(
  apps: readonly SignitApp[] | SecretLookup,
  freshness: SignitFreshnessOptions | undefined,
  cacheMs?: number,
): SignitAuthenticator {
  let secretsOf: (appId: string, signal: AbortSignal) => Promise<readonly string[] | undefined>;
  if (typeof apps === 'function') {
    // One secret (or several) per app id, looked up per delivery: unknown app 401, failed lookup 503, cached.
    const lookup = secretSource(apps, { name: 'signit: `secrets`', cacheMs });
    secretsOf = (appId, signal) => lookup(appId, signal);
  } else {
    if (!Array.isArray(apps) || apps.length === 0) throw configError('give `appId` and `appSecret`, `apps: [{ appId, appSecret }, ...]` or `secrets: (appId) => ...`.');
    const secrets = new Map<string, string[]>();
    for (const app of apps) {
      if (typeof app?.appId !== 'string' || !/^[^\s:]+$/.test(app.appId)) throw configError('every `appId` must be a non-empty string without spaces or colons.');
      if (typeof app.appSecret !== 'string' || app.appSecret === '') throw configError(`the app "${app.appId}" needs a non-empty \`appSecret\`.`);
      secrets.set(app.appId, [...(secrets.get(app.appId) ?? []), app.appSecret]);
    }
    secretsOf = (appId) => Promise.resolve(secrets.get(appId));
  }

  let checkFreshness: ((ctx: DeliveryContext, appId: string) => Promise<SignitFacts['nonce']>) | undefined;
  if (freshness !== undefined) {
    const { windowMs } = freshness;
    if (typeof windowMs !== 'number' || !(windowMs > 0) || !Number.isFinite(windowMs)) throw configError('`freshness.windowMs` must be a positive number of milliseconds.');
    for (const [zone, minutes] of Object.entries(freshness.timeZones ?? {})) {
      if (!Number.isFinite(minutes)) throw configError(`\`freshness.timeZones.${zone}\` must be minutes east of UTC.`);
    }
    const zones: Record<string, number> = { ...ZONES };
    for (const [zone, minutes] of Object.entries(freshness.timeZones ?? {})) zones[zone.toUpperCase()] = minutes;
    const now = freshness.now ?? Date.now;
    // A nonce is only accepted with a date inside the window, so remembering it for twice the window is enough.
    const store = freshness.nonceStore === false ? undefined : (freshness.nonceStore ?? memoryDedupe({ ttlMs: 2 * windowMs }));

    checkFreshness = async (ctx, appId) => {
      const date = ctx.headers.get('x-signit-date');
      if (date === undefined || date === '') throw refuse('AUTH_MISSING', 'The X-Signit-Date header is missing; this endpoint checks the freshness of deliveries.');
      const sent = parseJavaDate(date, zones);
      if (sent === undefined) {
        throw refuse('AUTH_INVALID', 'The X-Signit-Date header is not a date like "Thu Sep 19 16:32:22 CST 2019" with a known zone; add the zone to `freshness.timeZones`.');
      }
      if (Math.abs(now() - sent) > windowMs) {
        throw refuse('AUTH_INVALID', `The X-Signit-Date is more than ${windowMs} ms away from this server's clock: a replayed delivery, or a clock to fix.`);
      }
      if (store === undefined) return undefined;
      const nonce = ctx.headers.get('x-signit-nonce');
      if (nonce === undefined || nonce === '') throw refuse('AUTH_MISSING', 'The X-Signit-Nonce header is missing; this endpoint refuses replays by nonce.');
      const key = `signit#nonce:${appId}:${nonce}`;
      let claim;
      try {
        claim = await store.claim(key, 2 * windowMs);
      } catch (error) {
        throw new CountersignError('DEDUPE_UNAVAILABLE', 'The nonce store failed; the platform will retry.', { cause: error });
      }
      // `duplicate`: a delivery with this nonce was acknowledged already, so this one is a replay.
      // `pending`: one was seen but not acknowledged (in flight or failed); let it on to the event dedupe, so a
      // platform retry of a failed delivery is not lost.
      if (claim.status === 'duplicate') throw refuse('AUTH_INVALID', 'This X-Signit-Nonce was already used: the delivery is a replay.');
      return claim.status === 'claimed' ? { store, key, token: claim.token } : undefined;
    };
  }

  return {
    async authenticate(ctx) {
      const header = ctx.headers.get('x-signit-signature');
      if (header === undefined || header.trim() === '') throw refuse('AUTH_MISSING', 'The X-Signit-Signature header is missing; SignIt signs every delivery.');
      const match = SIGNATURE_HEADER.exec(header.trim());
      if (match === null) throw refuse('AUTH_INVALID', 'The X-Signit-Signature header is malformed; expected "HmacSHA512 <appId>:<base64 signature>".');
      const [, appId, signature] = match as unknown as [string, string, string];
      const candidates = await secretsOf(appId, ctx.signal);
      if (candidates === undefined) {
        throw refuse('AUTH_INVALID', `The delivery is signed for app "${appId.slice(0, 64)}", which this endpoint is not configured with (\`apps\`).`);
      }
      const bytes = signedBytes(ctx, appId);
      let valid = false;
      for (const secret of candidates) {
        const expected = toBase64(await hmac('SHA-512', secret, bytes));
        valid = timingSafeEqual(expected, signature) || valid;
      }
      if (!valid) throw refuse('AUTH_INVALID', "The X-Signit-Signature does not match: the body or signed headers changed, or the app's secret differs.");
      const nonce = await checkFreshness?.(ctx, appId);
      return { appId, account: appId, nonce };
    },
    acknowledged({ nonce }) {
      // If this fails the claim just expires; until then copies reach the event dedupe, which still holds.
      nonce?.store.commit(nonce.key, nonce.token).catch(() => undefined);
    },
  };
}
