// app/api/webhooks/[endpoint]/route.ts: Next.js. `after` keeps each delivery's handlers running after the answer.
import { after } from 'next/server';
import { createFetchHandler, type FetchHandler } from '@countersign/fetch';
import { webhookReceiver } from '@/receiver';

// Created on the first request: `next build` loads this module without the runtime's settings.
let handler: FetchHandler | undefined;
const webhooks = (request: Request) => (handler ??= createFetchHandler(webhookReceiver(process.env), { waitUntil: after }))(request);
export { webhooks as GET, webhooks as POST };
