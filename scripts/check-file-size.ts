/**
 * The size rule of STYLE.md: no hand-written source file over 800 lines (generated code and
 * fixtures excepted). Part of `npm run check`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const limit = 800;
const roots = ['src', 'test', 'bench', 'scripts'];
const skipped = [join('src', 'generated'), join('test', 'fixtures')];

function files(dir: string): string[] {
  if (skipped.includes(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...files(path));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

const tooLong: string[] = [];
for (const root of roots) {
  for (const file of files(root)) {
    const lines = readFileSync(file, 'utf8').split('\n').length;
    if (lines > limit) tooLong.push(`${file} (${lines} lines)`);
  }
}
if (tooLong.length > 0) {
  console.error(`files over ${limit} lines; split them by resource or concern:\n  ${tooLong.join('\n  ')}`);
  process.exit(1);
}
console.log(`check-file-size: every source file is at most ${limit} lines`);
