// app/api/edge/webhooks/[endpoint]/route.ts: the same route on Next.js's edge runtime.
import { after } from 'next/server';
import { createFetchHandler, type FetchHandler } from '@countersign/fetch';
import { webhookReceiver } from '@/receiver';

export const runtime = 'edge';

// Created on the first request: `next build` loads this module without the runtime's settings.
let handler: FetchHandler | undefined;
const webhooks = (request: Request) => (handler ??= createFetchHandler(webhookReceiver(process.env), { waitUntil: after }))(request);
export { webhooks as GET, webhooks as POST };
