// Checks every publishable package the way a consumer sees it: publint (package.json and files),
// are-the-types-wrong (ESM and CommonJS resolution of the types under Node 16+/bundlers), and what `npm pack`
// puts in the tarball: LICENSE (the repository's), a README whose links work on the registry page, the builds,
// and the package.json fields the registry page shows (license, repository with its directory, homepage, bugs).
// `node scripts/check-packages.mjs core fetch` checks only those folders of packages/ (each must be built first).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const REPOSITORY = 'https://github.com/countersign/countersign';
const bin = (name) => join(root, 'node_modules', '.bin', name);
const license = readFileSync(join(root, 'LICENSE'), 'utf8');
let failed = 0;

/** Problems with what `npm pack` would publish for the package in `dir`. */
function packProblems(dir, cwd, pkg) {
  const problems = [];
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd, stdio: 'pipe', encoding: 'utf8' }));
  const files = new Set(packed.files.map((file) => file.path));
  for (const file of ['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts']) {
    if (!files.has(file)) problems.push(`the tarball lacks ${file}`);
  }
  if (readFileSync(join(cwd, 'LICENSE'), 'utf8') !== license) problems.push('LICENSE differs from the repository LICENSE');
  const readme = readFileSync(join(cwd, 'README.md'), 'utf8');
  for (const [, target] of readme.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (!/^(https:\/\/|#)/.test(target)) problems.push(`README.md links to ${target}, which does not resolve on the registry page (use ${REPOSITORY}/blob/main/...)`);
  }
  if (pkg.license !== 'MIT') problems.push(`license is ${pkg.license}, not MIT`);
  if (pkg.repository?.url !== `git+${REPOSITORY}.git` || pkg.repository?.directory !== `packages/${dir}`) {
    problems.push(`repository must be { type: "git", url: "git+${REPOSITORY}.git", directory: "packages/${dir}" }`);
  }
  if (!String(pkg.homepage).startsWith(REPOSITORY)) problems.push(`homepage must be under ${REPOSITORY}`);
  if (pkg.bugs?.url !== `${REPOSITORY}/issues`) problems.push(`bugs.url must be ${REPOSITORY}/issues`);
  return problems;
}

const only = process.argv.slice(2);
for (const dir of readdirSync(join(root, 'packages'))) {
  if (only.length > 0 && !only.includes(dir)) continue;
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
  const problems = packProblems(dir, cwd, pkg);
  if (problems.length === 0) console.log(`ok   ${pkg.name}: npm pack (LICENSE, README links, dist, registry fields)`);
  else {
    failed++;
    console.log(`FAIL ${pkg.name}: npm pack\n  ${problems.join('\n  ')}`);
  }
}
if (failed) {
  console.log(`${failed} package check(s) failed`);
  process.exit(1);
}
