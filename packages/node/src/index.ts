import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { CountersignError, errorResponse, type PeerCertificate, type AnyReceiver, type WebhookResponse } from '@countersign/core';

export interface ClientCertificateRequirement {
  /** Accepted SHA-256 fingerprints (`AB:CD:...`, case and colons ignored). Pinning: the certificate need not chain to a CA. */
  fingerprint256?: string | readonly string[];
  /** Subject fields that must match exactly, e.g. `{ CN: 'webhooks.adobesign.com' }`. Without a fingerprint, the TLS layer must also have validated the certificate (`ca` + `requestCert`). */
  subject?: Readonly<Record<string, string>>;
}

export interface ListenerOptions {
  /** Path prefix this listener owns; requests go to `<prefix>/<endpoint>`. Default `/webhooks`. */
  prefix?: string;
  /** Refuse (403) requests whose TLS client certificate does not match, before the pipeline runs. */
  requireClientCertificate?: ClientCertificateRequirement;
}

export type Listener = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

/**
 * Write the answer. With its length known, Node sends head and body in one write instead of chunked encoding.
 * When the body was not read to its end (413, a refusal before reading, or the time budget ran out while the sender
 * was still sending), the connection is closed after the answer instead of reading on: a dribbling sender holds nothing.
 */
function send(req: IncomingMessage, res: ServerResponse, answer: WebhookResponse): void {
  const headers: Record<string, string | number> = { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) };
  if (!req.complete) headers['connection'] = 'close';
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}

function refuse(req: IncomingMessage, res: ServerResponse, error: CountersignError): void {
  send(req, res, errorResponse(error));
}

function peerCertificate(req: IncomingMessage): PeerCertificate | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  const cert = socket.encrypted ? socket.getPeerCertificate?.() : undefined;
  if (!cert?.fingerprint256) return undefined;
  return { fingerprint256: cert.fingerprint256, subject: cert.subject as PeerCertificate['subject'], authorized: socket.authorized === true };
}

const normalise = (fingerprint: string): string => fingerprint.replace(/:/g, '').toUpperCase();

function certificateError(cert: PeerCertificate | undefined, required: ClientCertificateRequirement): string | undefined {
  if (cert === undefined) return 'This endpoint requires a TLS client certificate and none was presented.';
  const pins = required.fingerprint256 === undefined ? [] : [required.fingerprint256].flat().map(normalise);
  if (pins.length > 0 && !pins.includes(normalise(cert.fingerprint256 ?? ''))) return 'The TLS client certificate is not one of the pinned fingerprints.';
  if (pins.length === 0 && !cert.authorized) return 'The TLS client certificate was not validated by the server (configure `ca` and `requestCert`, or pin its fingerprint).';
  for (const [field, value] of Object.entries(required.subject ?? {})) {
    if (cert.subject?.[field] !== value) return `The TLS client certificate's subject ${field} does not match.`;
  }
  return undefined;
}

/**
 * A listener for `http.createServer` / `https.createServer`, also usable as connect-style middleware:
 * requests outside `prefix` go to `next()` when there is one, else get a coded 404.
 */
export function createListener(receiver: Pick<AnyReceiver, 'handle'>, options: ListenerOptions = {}): Listener {
  const prefix = (options.prefix ?? '/webhooks').replace(/\/+$/, '');
  const required = options.requireClientCertificate;
  return (req, res, next) => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    if (!path.startsWith(`${prefix}/`)) {
      if (next) return next();
      return refuse(req, res, new CountersignError('ENDPOINT_NOT_FOUND', `No webhook endpoint is served at ${path.slice(0, 100)}; endpoints live under ${prefix}/<name>.`));
    }
    const cert = peerCertificate(req);
    const certError = required && certificateError(cert, required);
    if (certError) return refuse(req, res, new CountersignError('AUTH_FORBIDDEN', certError));
    // The core reads `req` itself and stops at the size limit. It matches `/<name>` literally: `<prefix>/x/<name>`
    // and encoded names are 404s.
    const request = {
      method: req.method ?? 'GET',
      endpoint: path.slice(prefix.length),
      query: query === -1 ? '' : url.slice(query + 1),
      headers: req.headers,
      body: req,
      peerCertificate: cert,
      remoteAddress: req.socket.remoteAddress,
    };
    receiver
      .handle(request)
      .then((answer) => send(req, res, answer))
      .catch((error: unknown) => (next ? next(error) : res.destroy(error instanceof Error ? error : undefined)));
  };
}
