/**
 * Text filter patterns, for unstructured events, and the `%regex%` subset all forms share.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 *
 * - Terms are case-sensitive and match anywhere in the message: `ERROR` matches
 *   "Exiting with ERRORCODE: -1" and `Exception` "Caught IllegalArgumentException" (the
 *   guide's examples).
 * - Space-separated terms must all appear; `?term`s are alternatives, of which one must appear;
 *   `-term`s must not appear. (How `?` terms combine with plain ones the guide does not say:
 *   here both hold.) A `-` standing alone excludes the term after it (`"ERROR" - "Exiting"`,
 *   the older page of the guide).
 * - A term with a character other than a letter, a digit or `_` must be quoted; unquoted, AWS
 *   refuses it with "Invalid character(s) in term" (quoted from AWS by
 *   ministryofjustice/modernisation-platform-environments PR #5137).
 * - `"a phrase"` matches its exact text; `" "` matches every event (the guide's "match
 *   everything").
 * - `%regex%`: letters, digits, `_#=@/;,-:` and the operators `^$?[]{}|\*+.`; no parentheses,
 *   no multi-byte characters.
 */
import { invalidFilterPattern } from './errors.js';

interface Term {
  kind: 'required' | 'optional' | 'excluded';
  test: (message: string) => boolean;
}

const regexCharacters = /^[A-Za-z0-9_#=@/;,\-:^$?[\]{}|\\*+.]*$/;

/** `%...%`'s body as a RegExp, refused when it uses what AWS's subset does not have. */
export function compileRegex(body: string): RegExp {
  if (body === '' || !regexCharacters.test(body)) {
    throw invalidFilterPattern(`Invalid regex: ${body}`);
  }
  try {
    return new RegExp(body);
  } catch {
    throw invalidFilterPattern(`Invalid regex: ${body}`);
  }
}

const termCharacters = /^[\p{L}\p{N}_]+$/u;

export function compileTerms(pattern: string): (message: string) => boolean {
  const terms: Term[] = [];
  let index = 0;
  let pendingExclusion = false;
  while (index < pattern.length) {
    const char = pattern[index] as string;
    if (/\s/.test(char)) {
      index++;
      continue;
    }
    let kind: Term['kind'] = pendingExclusion ? 'excluded' : 'required';
    pendingExclusion = false;
    if (char === '-' || char === '?') {
      const next = pattern[index + 1];
      if (char === '-' && (next === undefined || /\s/.test(next))) {
        pendingExclusion = true;
        index++;
        continue;
      }
      kind = char === '-' ? 'excluded' : 'optional';
      index++;
    }
    const start = pattern[index];
    if (start === '"') {
      const { text, end } = readQuoted(pattern, index);
      index = end;
      terms.push({ kind, test: text.trim() === '' ? () => true : (message) => message.includes(text) });
    } else if (start === '%') {
      const close = pattern.indexOf('%', index + 1);
      if (close < 0) throw invalidFilterPattern('Invalid filter pattern: unterminated regular expression');
      const regex = compileRegex(pattern.slice(index + 1, close));
      index = close + 1;
      terms.push({ kind, test: (message) => regex.test(message) });
    } else {
      let end = index;
      while (end < pattern.length && !/\s/.test(pattern[end] as string)) end++;
      const word = pattern.slice(index, end);
      if (!termCharacters.test(word)) throw invalidFilterPattern('Invalid character(s) in term');
      index = end;
      terms.push({ kind, test: (message) => message.includes(word) });
    }
  }
  if (pendingExclusion) throw invalidFilterPattern('Invalid character(s) in term');
  const required = terms.filter((term) => term.kind === 'required');
  const optional = terms.filter((term) => term.kind === 'optional');
  const excluded = terms.filter((term) => term.kind === 'excluded');
  return (message) =>
    required.every((term) => term.test(message)) &&
    (optional.length === 0 || optional.some((term) => term.test(message))) &&
    !excluded.some((term) => term.test(message));
}

/** A `"..."` starting at `start`; `\"` and `\\` stand for themselves. */
function readQuoted(pattern: string, start: number): { text: string; end: number } {
  let text = '';
  let index = start + 1;
  while (index < pattern.length && pattern[index] !== '"') {
    if (pattern[index] === '\\' && index + 1 < pattern.length) index++;
    text += pattern[index];
    index++;
  }
  if (index >= pattern.length) throw invalidFilterPattern('Invalid filter pattern: unterminated quoted string');
  return { text, end: index + 1 };
}
