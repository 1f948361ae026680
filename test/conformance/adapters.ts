/**
 * Every adapter the conformance suite runs against, each started on 127.0.0.1:0 with its endpoints under
 * `/webhooks/<name>`. A new adapter gets the whole suite by adding one entry here.
 */
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import type { AnyReceiver } from '@countersign/core';
import { countersign as expressCountersign } from '@countersign/express';
import { countersign as fastifyCountersign } from '@countersign/fastify';
import { createFetchHandler } from '@countersign/fetch';
import { createListener } from '@countersign/node';
import { listen } from './support.js';

export interface RunningAdapter {
  /** Base URL: endpoints are `<url>/<name>`. */
  url: string;
  close(): Promise<void>;
}

export interface Adapter {
  name: string;
  start(receiver: Pick<AnyReceiver, 'handle' | 'logger'>): Promise<RunningAdapter>;
}

/** Both Express majors, loaded side by side (`express4` is an npm alias of express@4). */
type ExpressApp = http.RequestListener & { use(path: string, handler: ReturnType<typeof expressCountersign>): ExpressApp };
const load = createRequire(import.meta.url);
const express5 = load('express') as () => ExpressApp;
const express4 = load('express4') as () => ExpressApp;

/** The request body as a Web stream; cancelling it (the core stops at its size limit) drains the rest, as servers do. */
function requestBody(req: http.IncomingMessage): ReadableStream<Uint8Array> {
  const chunks = req.iterator({ destroyOnReturn: false });
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = (await chunks.next()) as IteratorResult<Buffer>;
      if (done) controller.close();
      else controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    },
    async cancel() {
      await chunks.return?.();
      req.resume();
    },
  });
}

/** node:http -> Fetch `Request` -> node:http, the way @hono/node-server and friends serve a fetch handler. */
export function serveFetch(handler: (request: Request) => Promise<Response>): http.RequestListener {
  return (req, res) => {
    const headers = new Headers();
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string);
    const body = req.method === 'GET' || req.method === 'HEAD' ? null : requestBody(req);
    const init = { method: req.method, headers, body, duplex: 'half' };
    handler(new Request(`http://${req.headers.host}${req.url}`, init as RequestInit))
      .then(async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(new Uint8Array(await response.arrayBuffer()));
      })
      .catch((error: unknown) => res.destroy(error as Error));
  };
}

export const adapters: Adapter[] = [
  { name: 'express 5', start: (receiver) => listen(http.createServer(express5().use('/webhooks', expressCountersign(receiver)))) },
  { name: 'express 4', start: (receiver) => listen(http.createServer(express4().use('/webhooks', expressCountersign(receiver)))) },
  {
    name: 'fastify',
    async start(receiver) {
      const app = Fastify({ forceCloseConnections: true });
      await app.register(fastifyCountersign, { receiver, prefix: '/webhooks' });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      return { url: `http://127.0.0.1:${port}/webhooks`, close: () => app.close() };
    },
  },
  { name: 'node', start: (receiver) => listen(http.createServer(createListener(receiver))) },
  { name: 'fetch', start: (receiver) => listen(http.createServer(serveFetch(createFetchHandler(receiver, { prefix: '/webhooks' })))) },
];
