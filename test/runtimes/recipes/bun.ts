// bun.ts: Bun keeps running after the answer, so no keep-alive is needed.
import { createFetchHandler } from '@countersign/fetch';
import { webhookReceiver } from './receiver.ts';

const handler = createFetchHandler(webhookReceiver(process.env), { prefix: '/webhooks' });
Bun.serve({ hostname: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 3000), fetch: (request) => handler(request) });
