/** The reference receiver: Express 5 with countersign mounted at /webhooks. */
import express from 'express';
import { countersign } from '@countersign/express';
import { closeOnSignals, createExampleReceiver, startupFailure, type ExampleReceiver } from './receiver.js';

let example: ExampleReceiver;
try {
  example = createExampleReceiver();
} catch (error) {
  startupFailure(error);
}
const { receiver, production } = example;

const app = express();
// countersign reads the raw body itself: mount it before any body parser.
app.use('/webhooks', countersign(receiver));
app.use(express.json()); // the rest of the app keeps its JSON parsing
app.get('/healthz', async (_req, res) => {
  const report = await receiver.ready();
  res.status(report.ready ? 200 : 503).json(report);
});

const port = Number(process.env.PORT ?? 3000);
const server = app.listen(port, process.env.HOST ?? '127.0.0.1', () => {
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  receiver.logger.info({ port: actual, endpoints: Object.keys(receiver.endpoints), production }, `listening on http://127.0.0.1:${actual}`);
});
closeOnSignals(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await receiver.close();
});
