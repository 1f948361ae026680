/**
 * A development server as the inspector's tests and the docs screenshot use it: Express with countersign at
 * /webhooks and the inspector at /inspector, an in-memory queue with quick retries, and a DocStudio COMPLETED
 * handler that fails until `archiveUp(true)`.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createReceiver, docstudio, memoryQueue, signit, silentLogger } from '@countersign/core';
import { countersign } from '@countersign/express';
import { sampleDelivery, sendDelivery, type DeliveryResult, type SampleDeliveryOptions } from '@countersign/testing';
import { createInspector, type Inspector, type InspectorOptions } from '../src/index.js';

export const CREDENTIALS = {
  signit: { appId: 'inspector-app', appSecret: 'inspector-signit-secret' },
  docstudio: { login: 'hooks', password: 'inspector-docstudio-Pa55' },
};

export interface Scenario {
  url: string;
  inspector: Inspector;
  deadLetters(): Promise<string[]>;
  archiveUp(up: boolean): void;
  send(options: SampleDeliveryOptions): Promise<DeliveryResult>;
  close(): Promise<void>;
}

export async function startScenario(options: InspectorOptions = {}): Promise<Scenario> {
  const inspector = createInspector(options);
  const queue = memoryQueue({ attempts: 2, backoff: { delayMs: 20, jitter: 0 } });
  const receiver = createReceiver({
    endpoints: { signit: signit(CREDENTIALS.signit), docstudio: docstudio({ ...CREDENTIALS.docstudio, successCode: 202 }) },
    queue,
    logger: silentLogger,
    observers: [inspector],
  });
  let up = false;
  receiver.on('docstudio:COMPLETED', (event) => {
    if (!up) throw new Error(`the archive is down: ${event.payload.uuid} not stored`);
  });
  receiver.on('signit:*', () => undefined);
  const app = express();
  app.use('/webhooks', countersign(receiver));
  app.use('/inspector', inspector.node);
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    inspector,
    deadLetters: async () => (await receiver.deadLetters()).map((d) => d.id),
    archiveUp: (value) => void (up = value),
    send: async (delivery) => sendDelivery(`${url}/webhooks/${delivery.platform}`, await sampleDelivery(delivery)),
    async close() {
      inspector.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await receiver.close();
    },
  };
}
