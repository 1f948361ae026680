import { CountersignError } from './errors.js';
import type { PeerCertificate } from './types.js';

/** The TLS client certificate an endpoint requires (mutual TLS), checked by the core before authentication. */
export interface ClientCertificateRequirement {
  /** Accepted SHA-256 fingerprints (`AB:CD:...`, case and colons ignored). Pinning: the certificate need not chain to a CA. */
  fingerprint256?: string | readonly string[];
  /**
   * Subject fields that must match exactly, e.g. `{ CN: 'webhooks.adobesign.com' }`. Without a fingerprint, the TLS
   * layer must also have validated the certificate (the server's `ca` + `requestCert`).
   */
  subject?: Readonly<Record<string, string>>;
}

const normalise = (fingerprint: string): string => fingerprint.replace(/:/g, '').toUpperCase();

/** Why `cert` does not meet `required`, or `undefined` when it does. */
export function clientCertificateError(cert: PeerCertificate | undefined, required: ClientCertificateRequirement): string | undefined {
  if (cert === undefined) return 'This endpoint requires a TLS client certificate and none was presented (or the adapter cannot see it).';
  const pins = required.fingerprint256 === undefined ? [] : [required.fingerprint256].flat().map(normalise);
  if (pins.length > 0 && !pins.includes(normalise(cert.fingerprint256 ?? ''))) return 'The TLS client certificate is not one of the pinned fingerprints.';
  if (pins.length === 0 && !cert.authorized) return 'The TLS client certificate was not validated by the server (configure `ca` and `requestCert`, or pin its fingerprint).';
  for (const [field, value] of Object.entries(required.subject ?? {})) {
    if (cert.subject?.[field] !== value) return `The TLS client certificate's subject ${field} does not match.`;
  }
  return undefined;
}

/** Check a requirement at start-up: at least a fingerprint or a subject, well formed. */
export function checkClientCertificateRequirement(owner: string, required: ClientCertificateRequirement | undefined): ClientCertificateRequirement | undefined {
  if (required === undefined) return undefined;
  const pins = required.fingerprint256 === undefined ? [] : [required.fingerprint256].flat();
  const subject = Object.entries(required.subject ?? {});
  const wellFormed =
    pins.every((pin) => typeof pin === 'string' && /^[0-9A-Fa-f]{2}(:?[0-9A-Fa-f]{2}){31}$/.test(pin)) && subject.every(([, value]) => typeof value === 'string' && value !== '');
  if (!wellFormed || pins.length + subject.length === 0) {
    throw new CountersignError('CONFIG_INVALID', `${owner}: \`clientCertificate\` needs a \`fingerprint256\` (SHA-256, hex) and/or \`subject\` fields to match.`);
  }
  return required;
}
