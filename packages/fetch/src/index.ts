import { CountersignError, errorResponse, type AnyReceiver, type WebhookResponse } from '@countersign/core';

export interface FetchHandlerOptions {
  /**
   * Path prefix the handler owns (`/webhooks`): requests outside it get a coded 404. Without it the endpoint is
   * the last path segment, whatever comes before (e.g. a Next.js route `app/api/webhooks/[endpoint]/route.ts`).
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
    let endpoint = new URL(request.url).pathname;
    if (prefix !== undefined) {
      if (!endpoint.startsWith(`${prefix}/`)) {
        const error = new CountersignError('ENDPOINT_NOT_FOUND', `No webhook endpoint is served at ${endpoint}; endpoints live under ${prefix}/<name>.`);
        return toResponse(errorResponse(error));
      }
      endpoint = endpoint.slice(prefix.length);
    }
    return toResponse(await receiver.handle({ method: request.method, endpoint, headers: request.headers, body: request }));
  };
}
