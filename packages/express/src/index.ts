import type { IncomingMessage, ServerResponse } from 'node:http';
import { CountersignError, errorResponse, type BodyInput, type AnyReceiver, type WebhookResponse } from '@countersign/core';

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
};

export type CountersignMiddleware = (req: ExpressLikeRequest, res: ServerResponse, next: (error?: unknown) => void) => void;

const alreadyParsed = (): CountersignError =>
  new CountersignError(
    'BODY_ALREADY_PARSED',
    'A body parser (express.json(), express.text(), express.urlencoded() or similar) consumed the request before countersign could read the exact bytes it must verify. ' +
      'Mount countersign before the body parser (app.use("/webhooks", countersign(receiver)) above app.use(express.json())), ' +
      'or use express.raw({ type: "*/*", limit: "10mb" }) on the webhook route.',
  );

function send(res: ServerResponse, answer: WebhookResponse): void {
  // With its length known, Node sends head and body in one write instead of chunked encoding.
  res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
  res.end(answer.body);
}

/**
 * Express 4/5 middleware: `app.use('/webhooks', countersign(receiver))` or `app.all('/webhooks/:endpoint', countersign(receiver))`.
 * It answers every request routed to it (an unknown endpoint gets the core's coded 404); it never calls `next()` except on an internal error.
 */
export function countersign(receiver: ExpressReceiver, options: CountersignExpressOptions = {}): CountersignMiddleware {
  return (req, res, next) => {
    // If a body parser got there first, exact bytes (express.raw()) are fine, anything else cannot be verified.
    // Otherwise the core reads the stream itself, stopping at the size limit; the rest is drained (resume), never
    // destroyed, so a keep-alive connection stays usable after a 413.
    let body: BodyInput;
    if (req.body instanceof Uint8Array) {
      body = req.body;
    } else if (req.readableEnded) {
      const error = alreadyParsed();
      receiver.logger.error({ code: error.code, path: req.originalUrl ?? req.url }, error.message);
      return send(res, errorResponse(error));
    } else {
      body = req;
    }
    const endpoint = options.endpoint ?? req.params?.endpoint ?? req.path ?? req.url ?? '';
    receiver
      .handle({ method: req.method ?? 'GET', endpoint, headers: req.headers, body })
      .then((answer) => {
        req.resume();
        send(res, answer);
      })
      .catch(next);
  };
}
