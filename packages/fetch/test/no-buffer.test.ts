import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { loadFixtures } from '../../../test/conformance/fixtures.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const child = fileURLToPath(new URL('./no-buffer.child.ts', import.meta.url));

it('serves every provider fixture with Buffer gone from the global scope of all but Node internals (a Workers/Deno-like runtime)', async () => {
  const fixtures = loadFixtures();
  const api = await fixtures.startIgnisignApi();
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=source', '--import', 'tsx', child], {
      cwd: repo,
      env: { ...process.env, IGNISIGN_API_URL: api.url, IGNISIGN_API_KEY: api.apiKey },
    });
    const result = JSON.parse(stdout) as {
      bufferType: string;
      touchedBy: string[];
      answers: Array<{ endpoint: string; status: number; body: string }>;
      dispatched: Array<{ endpoint: string; name: string; id: string }>;
    };
    expect(result.bufferType).toBe('undefined');
    // Our code never even looks for Buffer (dependencies may feature-detect it and must then cope without).
    expect(result.touchedBy.filter((frame) => /packages\/(core|fetch)\/src\//.test(frame))).toEqual([]);
    expect(result.answers.map((a) => [a.endpoint, a.status])).toEqual(fixtures.cases.map((f) => [f.endpoint, f.status]));
    expect(result.dispatched.map((d) => [d.endpoint, d.name])).toEqual(fixtures.cases.filter((f) => f.answeredOnly !== true).map((f) => [f.endpoint, f.name]));
    // The Ignisign tokens really were checked remotely, through fetch, from the Buffer-less process.
    expect(api.calls.filter((call) => call.isValid === true)).toHaveLength(fixtures.cases.filter((f) => f.provider === 'ignisign').length);
  } finally {
    await api.close();
  }
});
