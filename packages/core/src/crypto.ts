/**
 * Web Crypto helpers, so the core runs on Node, Workers, Deno and Bun alike. Where the runtime offers `node:crypto`
 * through `process.getBuiltinModule` (Node >= 20.16, Bun, Deno), digests and HMACs are computed with it instead:
 * synchronously, without Web Crypto's per-call job, promise and argument checks, which cost more than hashing a
 * 2 kB body (measured on Node 20: ~35 % of `receiver.handle()` for an Adobe delivery went to `subtle.digest`).
 */

const encoder = new TextEncoder();

interface NodeHash {
  update(data: Uint8Array): NodeHash;
  digest(): Uint8Array;
  digest(encoding: 'hex'): string;
}
interface NodeCrypto {
  createHash(algorithm: string): NodeHash;
  createHmac(algorithm: string, key: Uint8Array | string): NodeHash;
}

/** `node:crypto` when the runtime has it without an import (the core has no Node-only imports), else `undefined`. */
const nodeCrypto: NodeCrypto | undefined = (() => {
  try {
    const scope = globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } };
    const mod = scope.process?.getBuiltinModule?.('node:crypto') as Partial<NodeCrypto> | undefined;
    return typeof mod?.createHash === 'function' && typeof mod.createHmac === 'function' ? (mod as NodeCrypto) : undefined;
  } catch {
    return undefined;
  }
})();

const NODE_HASH: Record<string, string> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-512': 'sha512' };

/**
 * Compare two secrets in time that depends only on their lengths, never on where they differ.
 * Strings are compared as UTF-8 bytes.
 */
export function timingSafeEqual(a: Uint8Array | string, b: Uint8Array | string): boolean {
  const x = typeof a === 'string' ? encoder.encode(a) : a;
  const y = typeof b === 'string' ? encoder.encode(b) : b;
  const length = Math.max(x.byteLength, y.byteLength);
  let diff = x.byteLength ^ y.byteLength;
  for (let i = 0; i < length; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

export type HmacAlgorithm = 'SHA-1' | 'SHA-256' | 'SHA-512';

const keyCache = new Map<string, Promise<CryptoKey>>();

function importHmacKey(secret: Uint8Array | string, hash: HmacAlgorithm): Promise<CryptoKey> {
  const raw = typeof secret === 'string' ? encoder.encode(secret) : secret;
  const cacheKey = typeof secret === 'string' ? `${hash}:s:${secret}` : undefined;
  if (cacheKey !== undefined) {
    const cached = keyCache.get(cacheKey);
    if (cached) return cached;
  }
  const promise = crypto.subtle.importKey('raw', raw as BufferSource, { name: 'HMAC', hash }, false, ['sign']);
  if (cacheKey !== undefined && keyCache.size < 1000) keyCache.set(cacheKey, promise);
  return promise;
}

/** HMAC of `data` keyed with `secret`, as raw bytes. */
export async function hmac(hash: HmacAlgorithm, secret: Uint8Array | string, data: Uint8Array | string): Promise<Uint8Array> {
  if (nodeCrypto !== undefined) {
    const bytes = typeof data === 'string' ? encoder.encode(data) : data;
    const digest = nodeCrypto.createHmac(NODE_HASH[hash] as string, secret).update(bytes).digest();
    return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
  }
  const key = await importHmacKey(secret, hash);
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, bytes as BufferSource));
}

/** Bytes as lower-case hex. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** SHA-256 digest as lower-case hex. */
export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  if (nodeCrypto !== undefined) return nodeCrypto.createHash('sha256').update(bytes).digest('hex');
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource)));
}

/** Standard base64 of bytes (no `Buffer`). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Bytes of a standard or URL-safe base64 string; `undefined` when it is not base64. */
export function fromBase64(text: string): Uint8Array | undefined {
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}
