// deno.ts: `deno run --allow-net --allow-env deno.ts`. Deno keeps running after the answer: no keep-alive needed.
import { createFetchHandler } from '@countersign/fetch';
import { webhookReceiver } from './receiver.ts';

const handler = createFetchHandler(webhookReceiver(Deno.env.toObject()), { prefix: '/webhooks' });
Deno.serve({ hostname: Deno.env.get('HOST') ?? '127.0.0.1', port: Number(Deno.env.get('PORT') ?? 3000) }, (request) => handler(request));
