// Not a recipe: recipes/worker.ts without its keep-alive, which workerd must refuse to start (workerd.test.ts).
import { env } from 'cloudflare:workers';
import { createFetchHandler } from '@countersign/fetch';
import { webhookReceiver } from './recipes/receiver.ts';

export default { fetch: createFetchHandler(webhookReceiver(env), { prefix: '/webhooks' }) };
