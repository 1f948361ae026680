import { describe, expect, it } from 'vitest';
import {
  adobeSign,
  createReceiver,
  docstudio,
  ignisign,
  signit,
  type Logger,
} from '@countersign/core';
import { ADOBE_SIGN_EVENTS, ADOBE_SIGN_TOPICS } from '@countersign/core/adobe-sign';
import { DOCSTUDIO_STATUSES } from '@countersign/core/docstudio';
import { IGNISIGN_TOPICS } from '@countersign/core/ignisign';
import { SIGNIT_EVENTS, SIGNIT_TOPICS } from '@countersign/core/signit';
import { toy } from './toy-provider.js';

/** A logger that keeps what it is given. */
function recordingLogger(): Logger & { warnings: Array<{ obj: object; msg: string | undefined }> } {
  const warnings: Array<{ obj: object; msg: string | undefined }> = [];
  const ignore = (): void => undefined;
  return { warnings, debug: ignore, info: ignore, error: ignore, warn: (obj, msg) => warnings.push({ obj, msg }) };
}

function setup() {
  const logger = recordingLogger();
  const receiver = createReceiver({
    endpoints: {
      'adobe-sign': adobeSign({ clientIds: ['UB7E5BXCXY'] }),
      ignisign: ignisign({ appId: 'appId_1', appEnv: 'DEVELOPMENT', verifyToken: async () => true }),
      signit: signit({ appId: 'app', appSecret: 'secret' }),
      docstudio: docstudio({ login: 'hooks', password: 'secret' }),
      toy: toy(),
    },
    logger,
  });
  logger.warnings.length = 0; // the start-up warnings (Adobe Sign without OAuth) are not what these tests are about
  // What plain JavaScript can do: any string reaches on().
  const on = (name: string): void => {
    receiver.on(name as never, () => undefined);
  };
  return { logger, on };
}

describe('on() with a name the platform does not know (plain JavaScript)', () => {
  it('warns through the receiver logger, naming the closest known events', () => {
    const { logger, on } = setup();
    on('adobe-sign:AGREEMENT_COMPLETE');
    expect(logger.warnings).toHaveLength(1);
    const [warning] = logger.warnings;
    expect(warning?.msg).toContain('on("adobe-sign:AGREEMENT_COMPLETE"): adobe-sign knows no event or topic "AGREEMENT_COMPLETE"');
    expect(warning?.msg).toContain('"adobe-sign:AGREEMENT_WORKFLOW_COMPLETED"');
    // Letter by letter AGREEMENT_DELETED is the closest; word by word the *_COMPLETED events are.
    expect(warning?.msg).not.toContain('DELETED');
    expect(warning?.obj).toEqual({
      endpoint: 'adobe-sign',
      name: 'adobe-sign:AGREEMENT_COMPLETE',
      closest: ['adobe-sign:AGREEMENT_ACTION_COMPLETED', 'adobe-sign:AGREEMENT_WORKFLOW_COMPLETED', 'adobe-sign:AGREEMENT_PARTICIPANT_COMPLETED'],
    });
  });

  it('suggests the single closest name of each platform', () => {
    const { logger, on } = setup();
    on('adobe-sign:AGREEMENT_CRAETED');
    on('ignisign:SIGNATURE_REQUEST_LAUNCHED');
    on('signit:envelopecompleted');
    on('docstudio:COMPLETE');
    on('ignisign:SIGNATURE_REQUESTS');
    expect(logger.warnings.map((w) => (w.obj as { closest?: string[] }).closest)).toEqual([
      ['adobe-sign:AGREEMENT_CREATED'],
      ['ignisign:SIGNATURE_REQUEST.LAUNCHED'],
      ['signit:envelopeCompleted'],
      ['docstudio:COMPLETED'],
      ['ignisign:SIGNATURE_REQUEST'],
    ]);
    expect(logger.warnings[1]?.msg).toContain('Did you mean "ignisign:SIGNATURE_REQUEST.LAUNCHED"?');
  });

  it('warns without a suggestion when nothing is close', () => {
    const { logger, on } = setup();
    on('adobe-sign:HELLO_WORLD');
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]?.msg).not.toContain('Did you mean');
    expect(logger.warnings[0]?.msg).toContain('runs only if an event of exactly that name arrives');
  });

  it('stays silent for known events, topics, `*`, and providers that list no names', () => {
    const { logger, on } = setup();
    for (const name of ADOBE_SIGN_EVENTS) on(`adobe-sign:${name}`);
    for (const name of ADOBE_SIGN_TOPICS) on(`adobe-sign:${name}`);
    for (const [topic, actions] of Object.entries(IGNISIGN_TOPICS)) {
      on(`ignisign:${topic}`);
      for (const action of actions) on(`ignisign:${topic}.${action}`);
    }
    for (const name of [...SIGNIT_EVENTS, ...Object.keys(SIGNIT_TOPICS)]) on(`signit:${name}`);
    for (const name of DOCSTUDIO_STATUSES) on(`docstudio:${name}`);
    for (const endpoint of ['adobe-sign', 'ignisign', 'signit', 'docstudio', 'toy']) on(`${endpoint}:*`);
    on('toy:ANYTHING_AT_ALL');
    expect(logger.warnings).toEqual([]);
  });

  it('still refuses a name without a configured endpoint', () => {
    const { on } = setup();
    expect(() => on('adobe:AGREEMENT_CREATED')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});
