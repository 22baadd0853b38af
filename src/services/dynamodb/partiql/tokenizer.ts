/**
 * Tokens of DynamoDB's PartiQL (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-reference.html):
 * bare names (keywords are case-insensitive), "quoted names" ("" inside stands for one "),
 * 'strings' ('' for one '), numbers (`12`, `-` is an operator, `1.5`, `1e3`, `.5`), `?`, the
 * punctuation of paths, lists `[ ]`, tuples `{ }` and bags `<< >>`, and the comparison
 * operators. `--` comments run to the end of the line and `/* *\/` comments may span lines
 * (PartiQL's lexer, https://partiql.org/assets/PartiQL-Specification.pdf section 2).
 */
import { M, notWellFormed } from './messages.js';

export type TokenType = 'name' | 'quoted' | 'string' | 'number' | 'param' | 'punct' | 'eof';

export interface Token {
  type: TokenType;
  /** The name or string's content (unquoted), the number's text, the punctuation. */
  text: string;
  start: number;
}

/**
 * Words that cannot be bare names: the statement keywords and the SQL-92 words PartiQL reserves
 * (`WHERE pad = 1` is a syntax error on AWS; `"pad"` is a name). A subset of PartiQL's list.
 */
const keywords = new Set(
  (
    'ALL AND ANY ARE AS ASC AT BAG BEGIN BETWEEN BY CASE CAST COMMIT COUNT CREATE CROSS DATE DECIMAL DELETE DESC ' +
    'DISTINCT DROP ELSE END ESCAPE EXCEPT EXISTS FALSE FROM FULL GROUP HAVING IN INNER INSERT INTERSECT ' +
    'INTO IS JOIN LEFT LIKE LIMIT MISSING NOT NULL OFFSET ON OR ORDER OUTER PAD PIVOT REMOVE RETURNING RIGHT ' +
    'SELECT SET TABLE THEN TRUE UNION UNPIVOT UPDATE USING VALUE VALUES WHEN WHERE WITH'
  ).split(' '),
);

export function isKeyword(word: string): boolean {
  return keywords.has(word.toUpperCase());
}

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}

function isNamePart(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

const twoCharacter = new Set(['<>', '!=', '<=', '>=', '<<', '>>', '||']);

/** The tokens of a statement, ending with one `eof` token. Throws AWS's syntax error. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const length = source.length;
  let i = 0;
  while (i < length) {
    const c = source.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12) {
      i++;
      continue;
    }
    if (c === 45 && source.charCodeAt(i + 1) === 45) {
      while (i < length && source.charCodeAt(i) !== 10) i++;
      continue;
    }
    if (c === 47 && source.charCodeAt(i + 1) === 42) {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) throw notWellFormed(M.invalidCharacter);
      i = end + 2;
      continue;
    }
    const start = i;
    if (isNameStart(c)) {
      while (++i < length && isNamePart(source.charCodeAt(i)));
      tokens.push({ type: 'name', text: source.slice(start, i), start });
    } else if (c === 34 || c === 39) {
      // "name" or 'string': the quote doubled stands for itself.
      const quote = source[i]!;
      let text = '';
      i++;
      for (;;) {
        if (i >= length) throw notWellFormed(M.invalidCharacter);
        const next = source.indexOf(quote, i);
        if (next < 0) throw notWellFormed(M.invalidCharacter);
        text += source.slice(i, next);
        i = next + 1;
        if (source[i] === quote) {
          text += quote;
          i++;
          continue;
        }
        break;
      }
      tokens.push({ type: c === 34 ? 'quoted' : 'string', text, start });
    } else if (isDigit(c) || (c === 46 && isDigit(source.charCodeAt(i + 1)))) {
      while (i < length && isDigit(source.charCodeAt(i))) i++;
      if (source[i] === '.') {
        i++;
        while (i < length && isDigit(source.charCodeAt(i))) i++;
      }
      if (source[i] === 'e' || source[i] === 'E') {
        let j = i + 1;
        if (source[j] === '+' || source[j] === '-') j++;
        if (isDigit(source.charCodeAt(j))) {
          i = j;
          while (i < length && isDigit(source.charCodeAt(i))) i++;
        }
      }
      tokens.push({ type: 'number', text: source.slice(start, i), start });
    } else if (c === 63) {
      i++;
      tokens.push({ type: 'param', text: '?', start });
    } else {
      const pair = source.slice(i, i + 2);
      if (twoCharacter.has(pair)) {
        i += 2;
        tokens.push({ type: 'punct', text: pair === '!=' ? '<>' : pair, start });
      } else if ('()[]{},.:;*=<>+-/%'.includes(source[i]!)) {
        i++;
        tokens.push({ type: 'punct', text: source[start]!, start });
      } else {
        throw notWellFormed(M.invalidCharacter);
      }
    }
  }
  tokens.push({ type: 'eof', text: '', start: length });
  return tokens;
}
