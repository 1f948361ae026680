import type { Readable } from 'node:stream';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { adapterRoute, type AdapterOptions, type AnyReceiver } from '@countersign/core';
import { nodePeerCertificate } from '@countersign/node';

export interface CountersignFastifyOptions extends AdapterOptions {
  receiver: Pick<AnyReceiver, 'handle'>;
  /** Fastify's own register option: endpoints are served at `<prefix>/:endpoint`. */
  prefix?: string | undefined;
  /** One endpoint for every request: the plugin then serves `<prefix>` and the paths below it. */
  endpoint?: string | undefined;
}

const plugin: FastifyPluginAsync<CountersignFastifyOptions> = async (fastify, { receiver, endpoint }) => {
  // Fastify applies `prefix` itself: the name is the path below it, or `endpoint`.
  const route = adapterRoute('@countersign/fastify', { endpoint }, (path) => path.slice(fastify.prefix.length)) as (path: string) => string;

  // Scoped to this plugin's context: the body reaches the core as the untouched request stream (the core
  // enforces the size limit and verifies the exact bytes), while the app keeps its own JSON parsing elsewhere.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  /** One delivery through the core, its body as a stream, the answer written back. */
  async function serve(request: FastifyRequest, reply: FastifyReply, body: Readable | undefined): Promise<FastifyReply> {
    // The path below the prefix as sent (Fastify's params are URL-decoded; the core matches `/<name>` literally).
    const mark = request.url.indexOf('?');
    const path = mark === -1 ? request.url : request.url.slice(0, mark);
    const query = mark === -1 ? '' : request.url.slice(mark + 1);
    const answer = await receiver.handle({
      method: request.method,
      endpoint: route(path),
      query,
      headers: request.headers,
      body,
      peerCertificate: nodePeerCertificate(request.raw),
      remoteAddress: request.raw.socket.remoteAddress,
    });
    // A body not read to its end (413, or the budget ran out mid-body): close the connection rather than read on.
    if (!request.raw.complete) reply.header('connection', 'close');
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  }

  // Every method reaches the core, which answers the handshake (GET/HEAD), deliveries (POST) and a coded 405 for the rest.
  for (const path of endpoint === undefined ? ['/:endpoint'] : ['/', '/*']) {
    fastify.all<{ Body: Readable | undefined }>(path, (request, reply) => serve(request, reply, request.body));
  }

  // Fastify refuses some requests before any parser runs (an empty or unparsable Content-Type): let the core answer
  // them too, from the untouched request stream, so the sender gets countersign's coded answer and a delivery the
  // provider can verify is not lost to a header the platform wrote oddly.
  fastify.setErrorHandler((error: FastifyError, request, reply) => {
    if (typeof error.code === 'string' && error.code.startsWith('FST_ERR_CTP_') && !request.raw.readableEnded) return serve(request, reply, request.raw);
    return reply.send(error);
  });
};

/**
 * Fastify 5 plugin: `fastify.register(countersign, { receiver, prefix: '/webhooks' })` serves `<prefix>/:endpoint`.
 * It stays encapsulated (`encapsulate: true`): its content-type parser never leaks to the app's other routes.
 */
export const countersign = fp(plugin, { fastify: '5.x', name: '@countersign/fastify', encapsulate: true });
export default countersign;
