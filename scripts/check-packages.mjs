// Checks every publishable package the way a consumer sees it: publint (package.json and files)
// and are-the-types-wrong (ESM and CommonJS resolution of the types under Node 16+/bundlers).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bin = (name) => join(root, 'node_modules', '.bin', name);
let failed = 0;
for (const dir of readdirSync(join(root, 'packages'))) {
  const cwd = join(root, 'packages', dir);
  const pkg = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'));
  if (pkg.private) continue;
  for (const [tool, args] of [
    ['publint', ['--strict', '--pack', 'npm']],
    ['attw', ['--pack', '.', '--profile', 'node16', '--format', 'table-flipped']],
  ]) {
    try {
      execFileSync(bin(tool), args, { cwd, stdio: 'pipe' });
      console.log(`ok   ${pkg.name}: ${tool}`);
    } catch (error) {
      failed++;
      console.log(`FAIL ${pkg.name}: ${tool}\n${error.stdout}${error.stderr}`);
    }
  }
}
if (failed) {
  console.log(`${failed} package check(s) failed`);
  process.exit(1);
}
