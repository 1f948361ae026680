import type { IncomingMessage, ServerResponse } from 'node:http';
import { adapterRoute, CountersignError, errorResponse, type AdapterOptions, type BodyInput, type AnyReceiver } from '@countersign/core';
import { nodePeerCertificate, writeNodeResponse } from '@countersign/node';

/** What the middleware needs of a receiver. */
export type ExpressReceiver = Pick<AnyReceiver, 'handle' | 'logger'>;

export interface CountersignExpressOptions extends AdapterOptions {
  /**
   * Serve only `<prefix>/<name>` below the mount point (`app.use(countersign(receiver, { prefix: '/webhooks' }))`),
   * passing other requests to `next()`. Default: the mount point is the prefix (`app.use('/webhooks', ...)`), or the
   * `:endpoint` route segment is the name.
   */
  prefix?: string | undefined;
  /** Endpoint name to use for every request, when the route path does not end with it. */
  endpoint?: string | undefined;
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

/** The path below the mount point, as sent (Express 4 would collapse `//name` into `/name` in `req.path`). */
function belowMount(req: ExpressLikeRequest): string {
  const path = pathOf(req.originalUrl ?? req.url ?? '');
  const base = req.baseUrl ?? '';
  return path.startsWith(base) ? path.slice(base.length) : (req.path ?? path);
}

/**
 * The endpoint as sent, never URL-decoded or normalised (the core matches `/<name>` literally): below the mount path
 * with `app.use('/webhooks', ...)`, the last segment with a `:endpoint` route.
 */
function endpointOf(req: ExpressLikeRequest): string {
  if (req.params?.endpoint === undefined) return belowMount(req);
  const path = pathOf(req.originalUrl ?? req.url ?? '');
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Express 4/5 middleware: `app.use('/webhooks', countersign(receiver))` or `app.all('/webhooks/:endpoint', countersign(receiver))`.
 * It answers every request routed to it (an unknown endpoint gets the core's coded 404); it calls `next()` only for a
 * path outside `prefix` and on an internal error.
 */
export function countersign(receiver: ExpressReceiver, options: CountersignExpressOptions = {}): CountersignMiddleware {
  const route = options.prefix === undefined && options.endpoint === undefined ? undefined : adapterRoute('countersign (express)', options);
  return (req, res, next) => {
    const endpoint = route === undefined ? endpointOf(req) : route(belowMount(req));
    if (endpoint === undefined) return next(); // outside `prefix`: not a webhook
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
