/** The reference receiver on plain node:http: same environment, routes and stdout as examples/express. */
import { createServer } from 'node:http';
import { createListener } from '@countersign/node';
import { closeOnSignals, createExampleReceiver, startupFailure, type ExampleReceiver } from '@countersign/example-express/receiver';

let example: ExampleReceiver;
try {
  example = createExampleReceiver();
} catch (error) {
  startupFailure(error);
}
const { receiver, production } = example;

const webhooks = createListener(receiver, { prefix: '/webhooks' });
const server = createServer((req, res) => {
  webhooks(req, res, () => {
    if (req.method === 'GET' && req.url === '/healthz') {
      void receiver.ready().then((report) => {
        res.writeHead(report.ready ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(report));
      });
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'NOT_FOUND', message: `Nothing at ${req.url}` } }));
  });
});

server.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : undefined;
  receiver.logger.info({ port, endpoints: Object.keys(receiver.endpoints), production }, `listening on http://127.0.0.1:${port}`);
});
closeOnSignals(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await receiver.close();
});
