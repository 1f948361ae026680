/** Four stand-in platforms and a real receiver (createReceiver + @countersign/express on 127.0.0.1), wired to the subscriptions. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { adobeSign, createReceiver, docstudio, ignisign, ignisignApi, memoryQueue, signit, type Logger, silentLogger } from '@countersign/core';
import { countersign } from '@countersign/express';
import {
  fakeAdobeSignApi,
  fakeDocstudioApi,
  fakeIgnisignWebhooksApi,
  fakeSignitApi,
  type FakeAdobeSignApi,
  type FakeDocstudioApi,
  type FakeIgnisignWebhooksApi,
  type FakeSignitApi,
} from '@countersign/testing';
import {
  adobeSignWebhooks,
  docstudioCallbacks,
  ignisignWebhooks,
  signitWebhooks,
  subscriptionFor,
  subscriptions,
  type SubscriptionManager,
  type SubscriptionSetup,
} from '../src/index.js';

export const DOCSTUDIO = { login: 'hooks', password: 'docstudio-Pa55-word', successCode: 202 };
export const SIGNIT_APP = { appId: '16aa4db191c3eebbcfde3dd95a1', appSecret: 'signit-app-secret-value' };
export const ENVELOPE = '7d8f0c1e-3b2a-4c5d-9e8f-0a1b2c3d4e5f';

export interface Platforms {
  docstudio: FakeDocstudioApi;
  adobe: FakeAdobeSignApi;
  signit: FakeSignitApi;
  ignisign: FakeIgnisignWebhooksApi;
  close(): Promise<void>;
}

export async function startPlatforms(): Promise<Platforms> {
  const [docstudioApi, adobe, signitApi, ignisignApiStandIn] = await Promise.all([
    fakeDocstudioApi({ token: 'docstudio-api-token-value', envelopes: [{ uuid: ENVELOPE, status: 'COMPLETED', subject: 'Contract 42' }] }),
    fakeAdobeSignApi({ accessToken: 'adobe-access-token-value', clientId: 'CBJCHBCAABAAapiclient0001' }),
    fakeSignitApi({ apiKey: 'signit-api-key', apiSecret: 'signit-api-secret-value', userId: 'user-1' }),
    fakeIgnisignWebhooksApi({ apiKey: 'ignisign-api-key-value' }),
  ]);
  return {
    docstudio: docstudioApi,
    adobe,
    signit: signitApi,
    ignisign: ignisignApiStandIn,
    close: async () => {
      await Promise.all([docstudioApi.close(), adobe.close(), signitApi.close(), ignisignApiStandIn.close()]);
    },
  };
}

export interface RunningReceiver {
  url: string;
  /** Names of the events handled, in order. */
  handled: string[];
  close(): Promise<void>;
}

/** The receiver the platforms deliver to. `adobeClientIds` defaults to the Acrobat Sign stand-in's client id. */
export async function startReceiver(platforms: Platforms, overrides: { adobeClientIds?: string[]; docstudioSuccessCode?: number; port?: number } = {}): Promise<RunningReceiver> {
  const queue = memoryQueue();
  const receiver = createReceiver({
      logger: silentLogger,
    endpoints: {
      docstudio: docstudio({ ...DOCSTUDIO, successCode: overrides.docstudioSuccessCode ?? DOCSTUDIO.successCode }),
      'adobe-sign': adobeSign({ clientIds: overrides.adobeClientIds ?? [platforms.adobe.clientId] }),
      signit: signit(SIGNIT_APP),
      ignisign: ignisign({
        appId: platforms.ignisign.appId,
        appEnv: platforms.ignisign.appEnv,
        verifyToken: ignisignApi({ apiKey: platforms.ignisign.apiKey, baseUrl: platforms.ignisign.url }),
      }),
    },
    queue,
  });
  const handled: string[] = [];
  receiver.onAny((event) => {
    handled.push(`${event.endpoint}:${event.name}`);
  });
  const app = express();
  app.use('/webhooks', countersign(receiver));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(overrides.port ?? 0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    handled,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await receiver.close();
    },
  };
}

/** The subscriptions of the four endpoints, with every platform's API client. */
export function setupFor(platforms: Platforms, publicUrl: string, overrides: Partial<SubscriptionSetup['endpoints']> = {}, logger?: Logger): SubscriptionSetup {
  const common = logger === undefined ? {} : { logger };
  return {
    publicUrl,
    endpoints: {
      docstudio: subscriptionFor('docstudio', DOCSTUDIO),
      'adobe-sign': subscriptionFor('adobe-sign', { clientIds: [platforms.adobe.clientId] }),
      signit: subscriptionFor('signit', {}),
      ignisign: subscriptionFor('ignisign', {}),
      ...overrides,
    } as SubscriptionSetup['endpoints'],
    clients: {
      docstudio: docstudioCallbacks({ baseUrl: platforms.docstudio.url, token: platforms.docstudio.token, mailbox: platforms.docstudio.mailbox, ...common }),
      'adobe-sign': adobeSignWebhooks({ baseUrl: platforms.adobe.url, accessToken: platforms.adobe.accessToken, ...common }),
      signit: signitWebhooks({ baseUrl: platforms.signit.url, apiKey: platforms.signit.apiKey, apiSecret: platforms.signit.apiSecret, userId: platforms.signit.userId, ...common }),
      ignisign: ignisignWebhooks({ baseUrl: platforms.ignisign.url, apiKey: platforms.ignisign.apiKey, appId: platforms.ignisign.appId, appEnv: platforms.ignisign.appEnv, ...common }),
    },
  };
}

export function manager(platforms: Platforms, publicUrl: string, overrides: Partial<SubscriptionSetup['endpoints']> = {}): SubscriptionManager {
  return subscriptions(setupFor(platforms, publicUrl, overrides));
}

/** A logger that keeps every record as one JSON line. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const write = (level: string) => (obj: object, msg?: string): void => {
    lines.push(JSON.stringify({ level, ...obj, msg }));
  };
  return { lines, debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
