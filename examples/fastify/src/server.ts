/** The reference receiver on Fastify 5: same environment, routes and stdout as examples/express. */
import Fastify from 'fastify';
import { countersign } from '@countersign/fastify';
import { closeOnSignals, createExampleReceiver, startupFailure, type ExampleReceiver } from '@countersign/example-express/receiver';

let example: ExampleReceiver;
try {
  example = createExampleReceiver();
} catch (error) {
  startupFailure(error);
}
const { receiver, production } = example;

const app = Fastify();
await app.register(countersign, { receiver, prefix: '/webhooks' });
app.get('/healthz', async (_request, reply) => {
  const report = await receiver.ready();
  return reply.code(report.ready ? 200 : 503).send(report);
});

const address = await app.listen({ port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? '127.0.0.1' });
const bound = app.server.address();
const port = typeof bound === 'object' && bound ? bound.port : undefined;
receiver.logger.info({ port, endpoints: Object.keys(receiver.endpoints), production }, `listening on ${address}`);
closeOnSignals(async () => {
  await app.close();
  await receiver.close();
});
