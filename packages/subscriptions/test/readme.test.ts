import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = fileURLToPath(new URL('..', import.meta.url));

describe('README', () => {
  it('its example runs as written', async () => {
    const code = /```ts\n([\s\S]*?)```/.exec(readFileSync(`${dir}/README.md`, 'utf8'))?.[1];
    expect(code).toBeDefined();
    const { stdout } = await run(process.execPath, ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', code as string], { cwd: dir, timeout: 60_000 });
    expect(stdout).toContain('  + create');
    expect(stdout).toContain('https://hooks.example.com/webhooks/docstudio\n');
    expect(stdout).toContain('events-unhandled: Subscribed but handled by nothing: WAITING, EXPIRED, CANCELLED');
  });
});
