/**
 * The order of S3 keys as the store keeps them: SQLite compares TEXT by its UTF-8 bytes, which is
 * code point order, and listings merge and bound key ranges in the same order.
 */

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

/**
 * Keys in SQLite's order (the bytes of their UTF-8, which is code point order), not JavaScript's
 * (UTF-16 code units, where a surrogate pair sorts below U+E000-U+FFFF).
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** A UTF-16 code unit moved so that surrogates (code points past U+FFFF) rank above the rest. */
function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}
