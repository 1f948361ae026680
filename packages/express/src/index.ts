import type { IncomingMessage, ServerResponse } from 'node:http';
import { CountersignError, errorResponse, type BodyInput, type AnyReceiver } from '@countersign/core';
import { nodePeerCertificate, writeNodeResponse } from '@countersign/node';

/** What the middleware needs of a receiver. */
export type ExpressReceiver = Pick<AnyReceiver, 'handle' | 'logger'>;

export interface CountersignExpressOptions {
  /** Endpoint name to use for every request, when the route path does not end with it. */
  endpoint?: string;
}

/** The parts of an Express 4 or 5 request the middleware reads. */
export type ExpressLikeRequest = IncomingMessage & {
  body?: unknown;
  params?: Record<string, string | undefined>;
  path?: string;
  originalUrl?: string;
  baseUrl?: string;
};

export type CountersignMiddleware = (req: ExpressLikeRequest, res: ServerResponse, next: (error?: unknown) => void) => void;

const alreadyParsed = (): CountersignError =>
  new CountersignError(
    'BODY_ALREADY_PARSED',
    'A body parser (express.json(), express.text(), express.urlencoded() or similar) consumed the request before countersign could read the exact bytes it must verify. ' +
      'Mount countersign before the body parser (app.use("/webhooks", countersign(receiver)) above app.use(express.json())), ' +
      'or use express.raw({ type: "*/*", limit: "10mb" }) on the webhook route.',
  );

function pathOf(url: string): string {
  const query = url.search(/[?#]/);
  return query === -1 ? url : url.slice(0, query);
}

function queryOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? '' : (url.slice(query + 1).split('#', 1)[0] as string);
}

/**
 * The endpoint as sent, never URL-decoded or normalised (the core matches `/<name>` literally): below the mount path
 * with `app.use('/webhooks', ...)` (Express 4 would collapse `//name` into `/name`), the last segment with a
 * `:endpoint` route.
 */
function endpointOf(req: ExpressLikeRequest): string {
  const path = pathOf(req.originalUrl ?? req.url ?? '');
  if (req.params?.endpoint !== undefined) return path.slice(path.lastIndexOf('/') + 1);
  const base = req.baseUrl ?? '';
  return path.startsWith(base) ? path.slice(base.length) : (req.path ?? path);
}

/**
 * Express 4/5 middleware: `app.use('/webhooks', countersign(receiver))` or `app.all('/webhooks/:endpoint', countersign(receiver))`.
 * It answers every request routed to it (an unknown endpoint gets the core's coded 404); it never calls `next()` except on an internal error.
 */
export function countersign(receiver: ExpressReceiver, options: CountersignExpressOptions = {}): CountersignMiddleware {
  return (req, res, next) => {
    // If a body parser got there first, exact bytes (express.raw()) are fine, anything else cannot be verified.
    // Otherwise the core reads the stream itself, stopping at the size limit.
    let body: BodyInput;
    if (req.body instanceof Uint8Array) {
      body = req.body;
    } else if (req.readableEnded) {
      const error = alreadyParsed();
      receiver.logger.error({ code: error.code }, error.message);
      return writeNodeResponse(req, res, errorResponse(error));
    } else {
      body = req;
    }
    const endpoint = options.endpoint ?? endpointOf(req);
    receiver
      .handle({
        method: req.method ?? 'GET',
        endpoint,
        query: queryOf(req.originalUrl ?? req.url ?? ''),
        headers: req.headers,
        body,
        peerCertificate: nodePeerCertificate(req),
        remoteAddress: req.socket.remoteAddress,
      })
      .then((answer) => writeNodeResponse(req, res, answer))
      .catch(next);
  };
}
