import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import {
  adapterRoute,
  clientCertificateError,
  CountersignError,
  errorResponse,
  notUnderPrefix,
  type AdapterOptions,
  type AnyReceiver,
  type ClientCertificateRequirement,
  type PeerCertificate,
  type WebhookResponse,
} from '@countersign/core';

export type { ClientCertificateRequirement } from '@countersign/core';

export interface ListenerOptions extends AdapterOptions {
  /** Path prefix this listener owns; requests go to `<prefix>/<endpoint>`. Default `/webhooks`. */
  prefix?: string | undefined;
  /**
   * Refuse (403) requests whose TLS client certificate does not match, before the pipeline runs.
   * @deprecated Set `clientCertificate` on the endpoint (`adobeSign({ clientCertificate })`, any built-in provider):
   * checked in the core, the same behind every adapter, and per endpoint.
   */
  requireClientCertificate?: ClientCertificateRequirement;
}

export type Listener = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

/**
 * Write the answer. With its length known, Node sends head and body in one write instead of chunked encoding.
 * When the body was not read to its end (413, a refusal before reading, or the time budget ran out while the sender
 * was still sending), the connection is closed after the answer instead of reading on: a dribbling sender holds nothing.
 */
export function writeNodeResponse(req: IncomingMessage, res: ServerResponse, answer: WebhookResponse): void {
  const headers: Record<string, string | number> = { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) };
  if (!req.complete) headers['connection'] = 'close';
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}

function refuse(req: IncomingMessage, res: ServerResponse, error: CountersignError): void {
  writeNodeResponse(req, res, errorResponse(error));
}

/** The TLS client certificate of a request's connection, as the core takes it (undefined over plain HTTP). */
export function nodePeerCertificate(req: IncomingMessage): PeerCertificate | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  const cert = socket.encrypted ? socket.getPeerCertificate?.() : undefined;
  if (!cert?.fingerprint256) return undefined;
  return { fingerprint256: cert.fingerprint256, subject: cert.subject as PeerCertificate['subject'], authorized: socket.authorized === true };
}

/**
 * A listener for `http.createServer` / `https.createServer`, also usable as connect-style middleware:
 * requests outside `prefix` go to `next()` when there is one, else get a coded 404.
 */
export function createListener(receiver: Pick<AnyReceiver, 'handle'>, options: ListenerOptions = {}): Listener {
  const prefix = options.prefix ?? '/webhooks';
  const route = adapterRoute('createListener', { prefix, endpoint: options.endpoint });
  const required = options.requireClientCertificate;
  return (req, res, next) => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const endpoint = route(path);
    if (endpoint === undefined) {
      if (next) return next();
      return refuse(req, res, notUnderPrefix(path, prefix.replace(/\/+$/, '')));
    }
    const cert = nodePeerCertificate(req);
    const certError = required && clientCertificateError(cert, required);
    if (certError) return refuse(req, res, new CountersignError('AUTH_FORBIDDEN', certError));
    // The core reads `req` itself and stops at the size limit. It matches `/<name>` literally: `<prefix>/x/<name>`
    // and encoded names are 404s.
    const request = {
      method: req.method ?? 'GET',
      endpoint,
      query: query === -1 ? '' : url.slice(query + 1),
      headers: req.headers,
      body: req,
      peerCertificate: cert,
      remoteAddress: req.socket.remoteAddress,
    };
    receiver
      .handle(request)
      .then((answer) => writeNodeResponse(req, res, answer))
      .catch((error: unknown) => (next ? next(error) : res.destroy(error instanceof Error ? error : undefined)));
  };
}
