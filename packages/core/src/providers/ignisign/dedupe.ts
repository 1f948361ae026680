import { sha256Hex } from '../../crypto.js';

const MAX_KEY_LENGTH = 200;
const KEPT_HEAD = MAX_KEY_LENGTH - 65; // room for `#` and a SHA-256 in hex

/** Keys whose values identify what an event is about: `signatureRequestId`, `signerExternalId`, `documentIds`… */
function isIdKey(key: string): boolean {
  return key !== 'appId' && /Ids?$/.test(key);
}

function collect(value: unknown, path: string, take: boolean, out: string[]): void {
  if (typeof value === 'string' || typeof value === 'number') {
    if (take) out.push(`${path}=${encodeURIComponent(String(value))}`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => collect(item, `${path}.${i}`, take, out));
    return;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      collect(item, path === '' ? key : `${path}.${key}`, isIdKey(key) || key === 'status', out);
    }
  }
}

/**
 * Ignisign sends no event id, so the dedupe key is derived from what the event is about:
 * `TOPIC.ACTION.MSGNATURE:` then every id-like value of `content` (keys ending in `Id`/`Ids`, `appId` aside)
 * and every `status`, as sorted `path=value` pairs. `status` makes a later change of the same request a new
 * event rather than a duplicate. Past 200 characters the tail is replaced by its SHA-256.
 * A content without any id (some `APP` events) falls back to the token, so distinct deliveries stay distinct.
 */
export async function ignisignDedupeKey(payload: {
  topic: string;
  action: string;
  msgNature: string;
  content?: unknown;
  verificationToken: string;
}): Promise<string> {
  const parts: string[] = [];
  collect(payload.content, '', false, parts);
  parts.sort();
  const about = parts.length > 0 ? parts.join(',') : `token#${(await sha256Hex(payload.verificationToken)).slice(0, 32)}`;
  const key = `${payload.topic}.${payload.action}.${payload.msgNature}:${about}`;
  return key.length <= MAX_KEY_LENGTH ? key : `${key.slice(0, KEPT_HEAD)}#${await sha256Hex(key.slice(KEPT_HEAD))}`;
}
