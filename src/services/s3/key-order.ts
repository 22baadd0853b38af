/**
 * The order of S3 keys as the store keeps them: SQLite compares TEXT by its UTF-8 bytes, which is
 * code point order, and listings merge and bound key ranges in the same order.
 */
import { compareCodePoints } from '../../core/code-point-order.js';

/** The smallest string greater than every string that starts with `prefix` ('' for no prefix: no bound). */
export function prefixEnd(prefix: string): string {
  if (prefix === '') return '\u{10FFFF}\u{10FFFF}';
  return prefix + '\u{10FFFF}';
}

/** Two runs in (key, id descending) order merged into one, at most `limit` long. */
export function mergeVersions<Row extends { key: string; id: number }>(a: Row[], b: Row[], limit: number): Row[] {
  if (b.length === 0) return a.length > limit ? a.slice(0, limit) : a;
  if (a.length === 0) return b.length > limit ? b.slice(0, limit) : b;
  const out: Row[] = [];
  let i = 0;
  let j = 0;
  while (out.length < limit && (i < a.length || j < b.length)) {
    const x = a[i];
    const y = b[j];
    const order = x === undefined || y === undefined ? 0 : compareKeys(x.key, y.key);
    if (y === undefined || (x !== undefined && (order < 0 || (order === 0 && x.id > y.id)))) {
      out.push(x as Row);
      i++;
    } else {
      out.push(y);
      j++;
    }
  }
  return out;
}

/** Keys in SQLite's order (the bytes of their UTF-8), not JavaScript's UTF-16 order. */
export const compareKeys = compareCodePoints;
