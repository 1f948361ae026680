import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  adobeSign,
  boldsign,
  createReceiver,
  docstudio,
  docusign,
  dropboxSign,
  ignisign,
  ignisignApi,
  memoryQueue,
  pandadoc,
  signit,
  yousign,
  type Dispatch,
  type ReceiverObserver,
} from '@countersign/core';
import { createInspector } from '@countersign/inspector';
import { createListener } from '@countersign/node';
import { fakeIgnisignApi } from '@countersign/testing';
import { CliError, EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import type { CommandContext } from './subscriptions/shared.js';

interface DevOptions {
  port: number;
  host: string;
  fail: string[];
  attempts: number;
  token?: string;
}

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
const collect = (value: string, previous: string[]): string[] => [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
const integer = (name: string, min: number, max: number) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`);
  return n;
};

/** One line per delivery on stdout: time, endpoint, event, answer, event ids. */
function consoleObserver(io: CliIo): ReceiverObserver {
  return {
    delivery(start) {
      return {
        end(result) {
          const time = start.receivedAt.toISOString().slice(11, 19);
          const events = result.events.map((e) => e.name).join(', ') || '-';
          const verdict = result.code === undefined ? `${result.response.status} ${result.outcome}` : `${result.response.status} ${result.code}`;
          const ids = result.events.map((e) => `${e.id}${e.dedupe === 'duplicate' ? ' (duplicate)' : ''}`).join(' ');
          io.out(`${time}  ${start.method} ${start.endpoint ?? start.path}  ${events}  -> ${verdict}${ids === '' ? '' : `  ${ids}`}`);
        },
      };
    },
  };
}

/** `countersign dev`: a local receiver on every platform, development credentials, the inspector page. */
export function devCommand(context: CommandContext): Command {
  return new Command('dev')
    .description('run a local receiver for every platform with development credentials, and the live inspector page')
    .addOption(new Option('--port <port>', 'port to listen on (0: any free port)').argParser(integer('--port', 0, 65535)).default(3000))
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .addOption(new Option('--fail <event>', 'make the handler of this event throw (endpoint:NAME or NAME; repeat or comma-separate), to watch retries and dead letters').argParser(collect).default([]))
    .addOption(new Option('--attempts <n>', 'attempts per event before it becomes a dead letter').argParser(integer('--attempts', 1, 20)).default(3))
    .option('--token <token>', 'require this bearer token on the inspector (16 characters or more)')
    .addHelpText(
      'after',
      `
Everything lives in this process and is forgotten when it stops: an in-memory queue (retries 1 s, 2 s, ... apart),
a stand-in of Ignisign's verification API that accepts any new token, and credentials made up for this run.
Paste the printed export line in another terminal and send deliveries with countersign send.`,
    )
    .action(async (options: DevOptions) => {
      const { io } = context;
      if (options.token !== undefined && options.token.length < 16) throw new CliError(EXIT.USAGE, '--token must be at least 16 characters.');
      const creds = {
        adobeClientId: `CBJCHBCAABAAdev${hex(8)}`,
        ignisignAppId: `appId_dev-${hex(6)}`,
        signitAppId: `dev-${hex(6)}`,
        signitSecret: hex(16),
        docstudioLogin: 'dev',
        docstudioPassword: hex(12),
        docusignHmacKey: hex(16),
        dropboxSignApiKey: hex(32),
        yousignSecret: hex(16),
        pandadocSharedKey: hex(16),
        boldsignSecret: hex(16),
      };
      const verification = await fakeIgnisignApi({ apiKey: hex(16), acceptAll: true });
      const inspector = createInspector(options.token === undefined ? {} : { token: options.token });
      const memory = memoryQueue({ attempts: options.attempts, backoff: { delayMs: 1000, factor: 2, maxDelayMs: 10_000 } });
      // Dead letters are logged with how to replay them: here, the inspector's button.
      let replayHint = 'the Replay button of the inspector';
      const queue = { ...memory, consume: (dispatch: Dispatch) => memory.consume?.((event, info) => dispatch(event, { ...info, replay: replayHint })) };
      const receiver = createReceiver({
        endpoints: {
          'adobe-sign': adobeSign({ clientIds: [creds.adobeClientId, 'UB7E5BXCXY'] }),
          ignisign: ignisign({ appId: creds.ignisignAppId, appEnv: 'DEVELOPMENT', verifyToken: ignisignApi({ apiKey: verification.apiKey, baseUrl: verification.url }) }),
          signit: signit({ appId: creds.signitAppId, appSecret: creds.signitSecret }),
          docstudio: docstudio({ login: creds.docstudioLogin, password: creds.docstudioPassword }),
          docusign: docusign({ hmacKeys: creds.docusignHmacKey }),
          'dropbox-sign': dropboxSign({ apiKey: creds.dropboxSignApiKey }),
          yousign: yousign({ secrets: creds.yousignSecret }),
          pandadoc: pandadoc({ sharedKeys: creds.pandadocSharedKey }),
          boldsign: boldsign({ secrets: creds.boldsignSecret }),
        },
        queue,
        observers: [inspector, consoleObserver(io)],
      });
      const failing = new Set(options.fail);
      receiver.onAny((event) => {
        if (failing.has(event.name) || failing.has(`${event.endpoint}:${event.name}`)) {
          throw new Error(`${event.endpoint}:${event.name} fails on purpose (countersign dev --fail)`);
        }
        io.out(`          handled ${event.id} (attempt ${event.attempt})`);
      });

      const webhooks = createListener(receiver);
      const server = createServer((req, res) => {
        const path = (req.url ?? '/').split('?', 1)[0] as string;
        if (path === '/') {
          res.writeHead(302, { location: '/inspector/' }).end();
        } else if (path === '/inspector' || path.startsWith('/inspector/')) {
          inspector.node(req, res);
        } else if (path === '/healthz') {
          void receiver.ready().then((report) => res.writeHead(report.ready ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(report)));
        } else {
          webhooks(req, res);
        }
      });
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(options.port, options.host, () => resolve());
        });
      } catch (error) {
        await verification.close();
        await receiver.close();
        throw new CliError(EXIT.UNREACHABLE, `cannot listen on ${options.host}:${options.port}: ${error instanceof Error ? error.message : String(error)} (--port 0 takes any free port)`);
      }
      const { port } = server.address() as AddressInfo;
      const host = options.host.includes(':') ? `[${options.host}]` : options.host;
      const base = `http://${host}:${port}`;
      replayHint = `the Replay button at ${base}/inspector/`;
      io.out(`countersign dev: a receiver for every platform, with credentials made up for this run (development only)`);
      io.out('');
      io.out(`  inspector  ${base}/inspector/${options.token === undefined ? '' : `#token=${options.token}`}`);
      io.out(`  endpoints  ${base}/webhooks/adobe-sign, /webhooks/ignisign, /webhooks/signit, /webhooks/docstudio,`);
      io.out('             /webhooks/docusign, /webhooks/dropbox-sign, /webhooks/yousign, /webhooks/pandadoc, /webhooks/boldsign');
      io.out('');
      io.out('  In another terminal:');
      io.out(
        `    export ADOBE_SIGN_CLIENT_IDS=${creds.adobeClientId} IGNISIGN_APP_ID=${creds.ignisignAppId} IGNISIGN_APP_ENV=DEVELOPMENT SIGNIT_APPS=${creds.signitAppId}:${creds.signitSecret} DOCSTUDIO_LOGIN=${creds.docstudioLogin} DOCSTUDIO_PASSWORD=${creds.docstudioPassword}` +
          ` DOCUSIGN_HMAC_KEYS=${creds.docusignHmacKey} DROPBOX_SIGN_API_KEY=${creds.dropboxSignApiKey} YOUSIGN_SECRETS=${creds.yousignSecret} PANDADOC_SHARED_KEYS=${creds.pandadocSharedKey} BOLDSIGN_SECRETS=${creds.boldsignSecret}`,
      );
      io.out(`    countersign send docstudio COMPLETED --to ${base}`);
      io.out(`    countersign send adobe-sign AGREEMENT_WORKFLOW_COMPLETED --to ${base}`);
      io.out(`    countersign send ignisign SIGNATURE_REQUEST.LAUNCHED --to ${base}`);
      io.out(`    countersign send signit envelopeCompleted --to ${base}`);
      io.out(`    countersign send docusign envelope-completed --to ${base}`);
      io.out(`    countersign send dropbox-sign signature_request_all_signed --to ${base}`);
      io.out(`    countersign send yousign signer.done --to ${base}`);
      io.out(`    countersign send pandadoc document_state_changed --to ${base}`);
      io.out(`    countersign send boldsign Completed --to ${base}`);
      io.out('');
      io.out(`  Failing on purpose: ${failing.size === 0 ? 'nothing (--fail <event> to watch retries and dead letters)' : [...failing].join(', ')}; ${options.attempts} attempt(s) per event. Ctrl-C stops.`);
      io.out('');

      await new Promise<void>((resolve) => {
        const stop = (): void => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      io.err('countersign dev: stopping');
      inspector.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await receiver.close();
      await verification.close();
    });
}
