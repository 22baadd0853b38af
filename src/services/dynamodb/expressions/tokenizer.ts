/**
 * Tokens of the DynamoDB expression language
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.html).
 * A name starts with a letter and continues with letters, digits and underscores; `#x` and `:x`
 * continue with the same characters (`#4g`, `:_` are fine: dynalite test/scan.js, "missing
 * attribute names"). Any other character is a token of its own, so that a syntax error names it
 * the way AWS does (`__typename` fails on token "_").
 */
export type TokenType = 'name' | 'attrName' | 'attrValue' | 'number' | 'punct' | 'unknown' | 'eof';

export interface Token {
  type: TokenType;
  text: string;
  start: number;
  end: number;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isNamePart(c: number): boolean {
  return isLetter(c) || (c >= 48 && c <= 57) || c === 95;
}

/** The tokens of an expression, ending with one `eof` token. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const length = source.length;
  let i = 0;
  while (i < length) {
    const c = source.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      continue;
    }
    const start = i;
    let type: TokenType;
    if (isLetter(c)) {
      while (++i < length && isNamePart(source.charCodeAt(i)));
      type = 'name';
    } else if ((c === 35 || c === 58) && i + 1 < length && isNamePart(source.charCodeAt(i + 1))) {
      while (++i < length && isNamePart(source.charCodeAt(i)));
      type = c === 35 ? 'attrName' : 'attrValue';
    } else if (c >= 48 && c <= 57) {
      while (++i < length && source.charCodeAt(i) >= 48 && source.charCodeAt(i) <= 57);
      type = 'number';
    } else if (c === 60 && (source.charCodeAt(i + 1) === 62 || source.charCodeAt(i + 1) === 61)) {
      i += 2; // <> <=
      type = 'punct';
    } else if (c === 62 && source.charCodeAt(i + 1) === 61) {
      i += 2; // >=
      type = 'punct';
    } else if ('()[],.=<>+-'.includes(source[i]!)) {
      i++;
      type = 'punct';
    } else {
      i += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
      type = 'unknown';
    }
    tokens.push({ type, text: source.slice(start, i), start, end: i });
  }
  tokens.push({ type: 'eof', text: '<EOF>', start: length, end: length });
  return tokens;
}
