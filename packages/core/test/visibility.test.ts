/**
 * Failures are visible by default: the default logger, errors serialised whole (jsonLogger and pino), refusals at a
 * bounded rate with counts, dead letters with the command that replays them, events nobody handles.
 */
import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CountersignError, createReceiver, jsonLogger, memoryQueue, type Logger } from '@countersign/core';
import { delivery, headers, toy } from './toy-provider.js';

const CHILD = fileURLToPath(new URL('./visibility.child.ts', import.meta.url));

interface Line {
  level: string;
  msg: string;
  [field: string]: unknown;
}

function recorder(): Logger & { lines: Line[] } {
  const lines: Line[] = [];
  const at =
    (level: string) =>
    (obj: object, msg?: string): void =>
      void lines.push({ ...(obj as Record<string, unknown>), level, msg: msg ?? '' });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('a receiver with nothing configured (default logger, as a process)', () => {
  it('prints every failed attempt on stderr with message, code and stack, the dead letter with its replay hint, a missing handler once, and refusals at a bounded rate', async () => {
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      execFile(process.execPath, ['--conditions=source', '--import', 'tsx', CHILD], { timeout: 60_000 }, (error, out, err) =>
        error ? reject(new Error(`${error.message}\n${err}`)) : resolve({ stdout: out, stderr: err }),
      );
    });
    expect(JSON.parse(stdout)).toEqual({ dead: ['toy:evt-fails'] });
    const lines = stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Line);
    // Warnings and errors only: nothing at info or debug.
    expect(new Set(lines.map((l) => l.level))).toEqual(new Set(['warn', 'error']));

    const failures = lines.filter((l) => l.id === 'toy:evt-fails');
    expect(failures.map((l) => [l.level, l.attempt, l.willRetry])).toEqual([
      ['error', 1, true],
      ['error', 2, true],
      ['error', 3, false],
    ]);
    for (const failure of failures) {
      expect(failure.err).toMatchObject({ type: 'Error', message: 'the archive is down', code: 'ARCHIVE_DOWN' });
      expect((failure.err as { stack: string }).stack).toContain('visibility.child.ts');
    }
    const last = failures[2] as Line;
    expect(last.deadLetter).toBe(true);
    expect(last.replay).toBe('receiver.replay("toy:evt-fails")');
    expect(last.msg).toContain('toy:evt-fails is a dead letter now. Replay it with: receiver.replay("toy:evt-fails")');

    const unhandled = lines.filter((l) => l.msg.startsWith('no handler for'));
    expect(unhandled).toHaveLength(1);
    expect(unhandled[0]).toMatchObject({ level: 'warn', endpoint: 'toy', event: 'PONG', id: 'toy:evt-unhandled-1' });
    expect(unhandled[0]?.msg).toContain("on('toy:PONG', ...)");

    // 40 refused deliveries: 5 lines, the fifth saying that further ones are counted; close() writes the count.
    const refused = lines.filter((l) => l.code === 'AUTH_INVALID');
    expect(refused).toHaveLength(6);
    expect(refused.slice(0, 5).every((l) => l.level === 'warn' && l.msg.startsWith('bad token') && l.status === 401)).toBe(true);
    expect(refused[4]?.msg).toContain('further ones within 60 s are counted, not logged');
    expect(refused[5]).toMatchObject({ level: 'warn', suppressed: 35, endpoint: 'toy' });
  }, 60_000);
});

describe('refusals caused by senders', () => {
  it('are logged at most 5 times a minute per endpoint and code, with the count of the others on the next line', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const logger = recorder();
    const receiver = createReceiver({ endpoints: { toy: toy() }, logger, queue: memoryQueue() });
    const forged = { method: 'POST', endpoint: 'toy', headers: { ...headers, 'x-token': 'forged' }, body: '{}' };
    for (let i = 0; i < 12; i++) expect((await receiver.handle(forged)).status).toBe(401);
    for (let i = 0; i < 3; i++) expect((await receiver.handle({ ...delivery('x'), body: '{"event":' })).status).toBe(400);
    for (let i = 0; i < 7; i++) expect((await receiver.handle({ ...delivery('x'), endpoint: `/nowhere-${i}` })).status).toBe(404);
    const count = (code: string): number => logger.lines.filter((l) => l.code === code).length;
    expect([count('AUTH_INVALID'), count('BODY_MALFORMED_JSON'), count('ENDPOINT_NOT_FOUND')]).toEqual([5, 3, 5]);

    vi.setSystemTime(Date.now() + 61_000);
    await receiver.handle(forged);
    const next = logger.lines.filter((l) => l.code === 'AUTH_INVALID').at(-1) as Line;
    expect(next).toMatchObject({ suppressed: 7, endpoint: 'toy', status: 401 });
    expect(next.msg).toContain('7 more like it were counted, not logged, in the window before');
    await receiver.close();
    // close() reports what the last window counted and did not write.
    expect(logger.lines.filter((l) => l.code === 'ENDPOINT_NOT_FOUND').at(-1)).toMatchObject({ suppressed: 2 });
  });

  it('are not rate-limited when the fault is on this side (5xx): each is an error line', async () => {
    const logger = recorder();
    const receiver = createReceiver({
      endpoints: { toy: toy() },
      logger,
      queue: { ...memoryQueue(), enqueue: () => Promise.reject(new Error('disk on fire')) },
    });
    for (let i = 0; i < 8; i++) expect((await receiver.handle(delivery(`q-${i}`))).status).toBe(503);
    const errors = logger.lines.filter((l) => l.code === 'QUEUE_UNAVAILABLE');
    expect(errors).toHaveLength(8);
    expect(errors.every((l) => l.level === 'error' && (l.err as Error).message === 'disk on fire')).toBe(true);
  });
});

describe('errors in log lines', () => {
  function capture(): { lines: string[]; restore(): void } {
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((line: unknown) => void lines.push(String(line)));
    return { lines, restore: () => spy.mockRestore() };
  }

  it('jsonLogger writes a CountersignError with its message, code, stack and cause (not what toJSON answers senders)', () => {
    const out = capture();
    try {
      const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
      jsonLogger('warn').error({ err: new CountersignError('QUEUE_UNAVAILABLE', 'The queue failed', { cause }) }, 'refused');
    } finally {
      out.restore();
    }
    const line = JSON.parse(out.lines[0] as string) as { err: Record<string, unknown> };
    expect(line.err).toMatchObject({ type: 'CountersignError', message: 'The queue failed', code: 'QUEUE_UNAVAILABLE' });
    expect(line.err.stack).toMatch(/^CountersignError: The queue failed\n\s+at /);
    expect(line.err.cause).toMatchObject({ type: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:6379', code: 'ECONNREFUSED' });
  });

  it('jsonLogger survives a cycle (an error that is its own cause, an object that contains itself) and stays one line', () => {
    const out = capture();
    try {
      const looping = new Error('loops');
      (looping as { cause?: unknown }).cause = looping;
      const selfish: Record<string, unknown> = {};
      selfish.self = selfish;
      jsonLogger('warn').error({ err: looping }, 'cause cycle');
      jsonLogger('warn').warn({ selfish }, 'object cycle');
    } finally {
      out.restore();
    }
    expect(out.lines).toHaveLength(2);
    const [first, second] = out.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toMatchObject({ msg: 'cause cycle', err: { message: 'loops', cause: { message: 'loops' } } });
    expect(second).toMatchObject({ level: 'warn', msg: 'object cycle', unserialisable: expect.stringContaining('circular') });
  });

  it('pino writes a failing handler the receiver reports with its message, code and stack', async () => {
    const chunks: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString('utf8'));
        done();
      },
    });
    const queue = memoryQueue({ attempts: 1 });
    const receiver = createReceiver({ endpoints: { toy: toy() }, logger: pino({ level: 'warn' }, sink), queue });
    receiver.on('toy:PING', () => {
      throw new CountersignError('HANDLER_FAILED', 'the CRM refused the update');
    });
    await receiver.handle(delivery('pino-1'));
    await queue.idle();
    await receiver.close();
    const lines = chunks.join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const failed = lines.find((l) => l.id === 'toy:pino-1') as { err: Record<string, unknown>; msg: string; level: number };
    expect(failed.level).toBe(50);
    expect(failed.err).toMatchObject({ type: 'CountersignError', message: 'the CRM refused the update', code: 'HANDLER_FAILED' });
    expect(failed.err.stack).toContain('visibility.test.ts');
    expect(failed.msg).toContain('dead letter');
  });
});
