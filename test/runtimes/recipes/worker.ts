// worker.ts: Cloudflare Workers. `waitUntil` keeps each delivery's handlers running after the answer.
import { env, waitUntil } from 'cloudflare:workers';
import { createFetchHandler } from '@countersign/fetch';
import { webhookReceiver } from './receiver.ts';

export default { fetch: createFetchHandler(webhookReceiver(env), { prefix: '/webhooks', waitUntil }) };
