import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = fileURLToPath(new URL('..', import.meta.url));

describe('README', () => {
  it('its offline example runs as written', async () => {
    const code = /```ts\n([\s\S]*?)```/.exec(readFileSync(`${dir}/README.md`, 'utf8'))?.[1];
    expect(code).toBeDefined();
    const { stdout } = await run(process.execPath, ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', code as string], { cwd: dir, timeout: 60_000 });
    expect(stdout).toContain('1 done, 0 failed.');
    expect(stdout).toContain('apply -> 0');
    expect(stdout).toContain('0 mismatch(es)');
    expect(stdout).toContain('check -> 0');
    expect(stdout).not.toContain('a-long-secret');
  });
});
