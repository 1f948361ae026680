/**
 * The acceptance path of a failing handler on BullMQ with nothing configured: every attempt on stderr, then a
 * dead letter with the command that replays it; `countersign dead-letters list | show | replay` with that very
 * command (and the id printed there) gets it handled. Then `replay --all` and `purge`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../src/index.js';
import { REDIS_URL, requireRedis, uniqueName } from '../../../test/production/redis-available.js';
import { cleanEnv, runCli, until } from './support.js';

const redisUp = await requireRedis('the dead-letters commands against a BullMQ queue');
const CHILD = fileURLToPath(new URL('./dead-letter.child.ts', import.meta.url));
const PASSWORD = 'dead-letters-test-Pa55';

/** The words of a command as a POSIX shell splits them (plain words and single-quoted ones are all the hint uses). */
function shellWords(command: string): string[] {
  const words: string[] = [];
  for (const [, quoted, plain] of command.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)) words.push(quoted !== undefined ? quoted.replace(/'\\''/g, "'") : (plain as string));
  return words;
}

describe.runIf(redisUp)('a failing handler on BullMQ, then countersign dead-letters', () => {
  const queueName = uniqueName('cs-dead-letters');
  const prefix = uniqueName('cs-dl');
  const okFile = join(mkdtempSync(join(tmpdir(), 'countersign-dl-')), 'ok');
  let child: ChildProcess;
  let url: string;
  const stdout: string[] = [];
  let stderr = '';
  const flags = ['--redis', REDIS_URL, '--queue', queueName, '--prefix', prefix];

  beforeAll(async () => {
    child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CHILD], {
      env: { ...cleanEnv(), REDIS_URL, COUNTERSIGN_QUEUE: queueName, BULLMQ_PREFIX: prefix, DOCSTUDIO_PASSWORD: PASSWORD, HANDLER_OK_FILE: okFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    createInterface({ input: child.stdout! }).on('line', (line) => stdout.push(line));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    expect(await until(() => stdout.some((l) => l.startsWith('{"listening"')), 30_000), stderr).toBe(true);
    url = `http://127.0.0.1:${(JSON.parse(stdout[0] as string) as { listening: number }).listening}`;
  }, 60_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  const errorLines = (): Array<Record<string, unknown>> =>
    stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.level === 'error');

  it('shows every attempt on stderr, then the dead letter with its replay command; that command gets it handled', async () => {
    const sent = await runCli(['send', 'docstudio', 'COMPLETED', '--to', `${url}/webhooks/docstudio`, '--login', 'hooks', '--password', PASSWORD], {});
    expect(sent.code).toBe(EXIT.OK);
    expect(await until(() => errorLines().length === 3, 20_000), stderr).toBe(true);
    const lines = errorLines();
    expect(lines.map((l) => [l.attempt, l.willRetry, (l.err as { message: string }).message.startsWith('the archive refused')])).toEqual([
      [1, true, true],
      [2, true, true],
      [3, false, true],
    ]);
    const dead = lines[2] as { id: string; msg: string; replay: string; deadLetter: boolean };
    expect(dead.deadLetter).toBe(true);
    expect(dead.id).toMatch(/^docstudio:[0-9a-f-]{36}:COMPLETED:/);
    expect(dead.msg).toContain(`${dead.id} is a dead letter now. Replay it with: countersign dead-letters replay`);
    expect(dead.replay).toContain(`--queue ${queueName} --prefix ${prefix}`);

    const list = await runCli(['dead-letters', 'list', '--redis', REDIS_URL, '--queue', queueName, '--prefix', prefix], {});
    expect(list.code).toBe(EXIT.OK);
    expect(list.stdout).toContain(`${dead.id}  docstudio:COMPLETED  attempts 3  failed `);
    expect(list.stdout).toContain(`1 dead letter(s) in queue ${queueName}.`);
    const show = await runCli(['dead-letters', 'show', dead.id, ...flags], {});
    expect(show.code).toBe(EXIT.OK);
    expect(JSON.parse(show.stdout)).toMatchObject({ id: dead.id, attempts: 3, event: { endpoint: 'docstudio', name: 'COMPLETED' }, error: { message: expect.stringContaining('the archive refused') } });

    // The handler works again; replay with the words the log printed (Redis from REDIS_URL, as a shell would have it).
    writeFileSync(okFile, 'ok');
    const [program, ...args] = shellWords(dead.replay);
    expect(program).toBe('countersign');
    const replayed = await runCli(args, { REDIS_URL });
    expect([replayed.code, replayed.stdout]).toEqual([EXIT.OK, `Replayed ${dead.id}: back in queue ${queueName} for a fresh round of attempts.`]);
    expect(await until(() => stdout.includes(JSON.stringify({ handled: dead.id })), 20_000)).toBe(true);
    expect((await runCli(['dead-letters', 'list', ...flags], {})).stdout).toBe(`No dead letters in queue ${queueName} (${REDIS_URL}).`);
    const again = await runCli(['dead-letters', 'replay', dead.id, ...flags], {});
    expect([again.code, again.stderr]).toEqual([EXIT.FAILED, expect.stringContaining('No dead letter (failed job) with id')]);
  }, 60_000);

  it('replay --all and purge (asks first; --yes in scripts)', async () => {
    const { rmSync } = await import('node:fs');
    rmSync(okFile, { force: true });
    for (let i = 0; i < 3; i++) expect((await runCli(['send', 'docstudio', 'COMPLETED', '--to', url, '--login', 'hooks', '--password', PASSWORD], {})).code).toBe(EXIT.OK);
    const deadCount = async (): Promise<number> => (JSON.parse((await runCli(['dead-letters', 'list', '--json', ...flags], {})).stdout) as { total: number }).total;
    const waitFor = async (n: number): Promise<void> => {
      for (let i = 0; i < 200 && (await deadCount()) !== n; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await deadCount()).toBe(n);
    };
    await waitFor(3);
    const all = await runCli(['dead-letters', 'replay', '--all', ...flags], {});
    expect(all.stdout).toContain(`3 dead letter(s) of queue ${queueName} replayed.`);
    await waitFor(3); // they fail again, the handler still refuses
    const refused = await runCli(['dead-letters', 'purge', ...flags], {});
    expect([refused.code, refused.stderr]).toEqual([EXIT.USAGE, expect.stringContaining('--yes')]);
    const purged = await runCli(['dead-letters', 'purge', '--yes', ...flags], {});
    expect(purged.stdout).toBe(`Deleted 3 dead letter(s) of queue ${queueName}.`);
    expect(await deadCount()).toBe(0);
    const unreachable = await runCli(['dead-letters', 'list', '--redis', 'redis://:hunter2@127.0.0.1:9', '--queue', queueName], {});
    expect(unreachable.code).toBe(EXIT.UNREACHABLE);
    expect(unreachable.stderr).toContain('redis://:***@127.0.0.1:9');
    expect(unreachable.stderr).not.toContain('hunter2');
  }, 60_000);
});
