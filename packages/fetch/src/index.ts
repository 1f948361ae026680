import { CountersignError, errorResponse, type AnyReceiver, type WebhookResponse } from '@countersign/core';

export interface FetchHandlerOptions {
  /**
   * Path prefix the handler owns (`/webhooks`): requests outside it get a coded 404, and only `<prefix>/<name>`
   * reaches an endpoint. Without it the endpoint is the last path segment, whatever comes before: mount the handler
   * behind a framework route that matches exactly one segment (a Next.js `app/api/webhooks/[endpoint]/route.ts`,
   * Hono's `/webhooks/:endpoint`). Either way names are matched literally, never URL-decoded.
   */
  prefix?: string;
}

export type FetchHandler = (request: Request) => Promise<Response>;

function toResponse(answer: WebhookResponse): Response {
  return new Response(answer.body === '' ? null : answer.body, { status: answer.status, headers: answer.headers });
}

/** A Fetch-standard handler, `(Request) => Promise<Response>`, for Next.js, Hono, Bun, Deno and Workers. Web APIs only. */
export function createFetchHandler(receiver: Pick<AnyReceiver, 'handle'>, options: FetchHandlerOptions = {}): FetchHandler {
  const prefix = options.prefix?.replace(/\/+$/, '');
  return async (request) => {
    // `pathname` keeps percent-encoding: the core matches endpoint names literally, so `adob%65` is not `adobe`.
    const url = new URL(request.url);
    const path = url.pathname;
    let endpoint: string;
    if (prefix !== undefined) {
      if (!path.startsWith(`${prefix}/`)) {
        const error = new CountersignError('ENDPOINT_NOT_FOUND', `No webhook endpoint is served at ${path.slice(0, 100)}; endpoints live under ${prefix}/<name>.`);
        request.body?.cancel().catch(() => undefined);
        return toResponse(errorResponse(error));
      }
      endpoint = path.slice(prefix.length); // `/<name>` exactly, or a 404
    } else {
      endpoint = path.slice(path.lastIndexOf('/') + 1); // the last segment: the framework's route decided the rest
    }
    const answer = await receiver.handle({ method: request.method, endpoint, query: url.search, headers: request.headers, body: request });
    // Refused before its body was read (404, 405, 429...): cancel it, so the runtime drains it and can keep the
    // connection alive for the sender's next request.
    if (!request.bodyUsed) request.body?.cancel().catch(() => undefined);
    return toResponse(answer);
  };
}
