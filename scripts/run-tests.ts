/**
 * Runs every compiled test file (dist/test/**\/*.test.js) with node's test runner. Node 20's
 * `--test <dir>` would also run every helper module under a `test` folder, so the files are
 * listed here instead. Extra arguments pass through (`npm test -- --test-name-pattern=IAM`);
 * arguments that end in `.test.ts` or `.test.js` pick files instead of running all.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...testFiles(path));
    else if (entry.name.endsWith('.test.js')) out.push(path);
  }
  return out.sort();
}

const args = process.argv.slice(2);
const picked = args.filter((arg) => /\.test\.(ts|js)$/.test(arg));
const flags = args.filter((arg) => !picked.includes(arg));
const all = testFiles(join('dist', 'test'));
const files =
  picked.length === 0
    ? all
    : all.filter((file) =>
        picked.some(
          (p) => relative('dist', file).replace(/\.js$/, '') === p.replace(/\.(ts|js)$/, '').replace(/^dist\//, ''),
        ),
      );
if (files.length === 0) {
  console.error('run-tests: no test files found; did the build run?');
  process.exit(1);
}
// The SDK's notice that its 2027 releases need Node 22 would fill the output of every file.
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...flags, ...files], {
  stdio: 'inherit',
  env,
});
process.exit(result.status ?? 1);
