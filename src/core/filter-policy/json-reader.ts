/**
 * A streaming JSON reader that behaves like Jackson's ReaderBasedJsonParser, the parser that SNS
 * (its ObjectMapper, then AWS's event-ruler) and EventBridge (event-ruler) run over filter policies
 * and event patterns. AWS's error messages quote Jackson: its wording, and the line and column of
 * its "current location", which depends on how far Jackson has read when a check fails:
 * - after a field name it has also read the colon and the start of the value (the opening quote of
 *   a string, a whole number or literal, the bracket of an array or object);
 * - a string value is read to its closing quote only when its text is asked for;
 * - an unexpected character is reported at its own column, an unrecognized token after it.
 * Every column in shared/aws-reference/recorded-responses/services/sns/test_sns_filter_policy
 * .snapshot.json and services/events/test_events_patterns.snapshot.json follows these rules.
 * Like Jackson's ObjectMapper.readTree (FAIL_ON_TRAILING_TOKENS off), nothing after the first root
 * value is read.
 */

export const Token = {
  StartObject: 1,
  EndObject: 2,
  StartArray: 3,
  EndArray: 4,
  FieldName: 5,
  String: 6,
  NumberInt: 7,
  NumberFloat: 8,
  True: 9,
  False: 10,
  Null: 11,
} as const;
export type Token = (typeof Token)[keyof typeof Token];

/** A Jackson parse error: `message` is Jackson's getMessage(), the reason and then its location. */
export class JsonLocatedError extends Error {
  constructor(
    readonly reason: string,
    /** `\n at [Source: ...; line: L, column: C]`, or '' for errors Jackson raises without one. */
    readonly location: string,
  ) {
    super(reason + location);
  }
}

const ROOT = 0;
const ARRAY = 1;
const OBJECT = 2;
const typeDesc = ['root', 'Array', 'Object'];

interface Scope {
  kind: number;
  entries: number;
  line: number;
  column: number;
}

// Jackson's StreamReadConstraints defaults (2.15+).
const maxNestingDepth = 1000;
const maxNumberLength = 1000;
// Jackson quotes at most 500 characters of the source in a location.
const maxSourceSnippet = 500;
const validValues = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

export class JsonReader {
  private ptr = 0;
  private line = 1;
  private lineStart = 0;
  private readonly scopes: Scope[] = [{ kind: ROOT, entries: 0, line: 1, column: 0 }];
  private current: Token | null = null;
  private pending: Token | null = null;
  private name = '';
  /** Offset just after the opening quote of a string value whose text is not read yet, else -1. */
  private stringStart = -1;
  private stringValue = '';
  private numberText = '';
  private readonly sourceDesc: string;

  /** `includeSource`: quote the text in locations (event-ruler) or REDACT it (SNS's ObjectMapper). */
  constructor(
    private readonly text: string,
    includeSource: boolean,
  ) {
    this.sourceDesc = includeSource
      ? describeSource(text)
      : 'REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)';
  }

  /** The next token, or null after the root value's end (or for an empty text). */
  nextToken(): Token | null {
    if (this.current === Token.FieldName) {
      this.current = this.pending;
      this.pending = null;
      return this.current;
    }
    if (this.stringStart >= 0) this.finishString();
    const scope = this.scopes[this.scopes.length - 1] as Scope;
    if (scope.kind === ROOT && scope.entries > 0) return (this.current = null);
    let c = this.skipWhitespace();
    if (c < 0) {
      if (scope.kind !== ROOT) this.eofInScope(scope);
      return (this.current = null);
    }
    if (c === 0x5d || c === 0x7d) {
      this.current = this.closeScope(c, scope);
      return this.current;
    }
    if (scope.entries > 0) {
      if (c !== 0x2c) this.unexpected(c, `was expecting comma to separate ${typeDesc[scope.kind]} entries`);
      this.ptr++;
      c = this.skipWhitespace();
      if (c < 0) this.fail(`Unexpected end-of-input within/between ${typeDesc[scope.kind]} entries`);
    }
    scope.entries++;
    if (scope.kind === OBJECT) {
      this.readFieldName(c, scope);
      return (this.current = Token.FieldName);
    }
    this.current = this.readValueStart(c, scope);
    return this.current;
  }

  /** The current field name (event-ruler's getCurrentName after a FIELD_NAME). */
  currentName(): string {
    return this.name;
  }

  /** Jackson's getText(): for a string value this reads it to its closing quote. */
  getText(): string {
    switch (this.current) {
      case Token.String:
        if (this.stringStart >= 0) this.finishString();
        return this.stringValue;
      case Token.FieldName:
        return this.name;
      case Token.NumberInt:
      case Token.NumberFloat:
        return this.numberText;
      case Token.StartObject:
        return '{';
      case Token.EndObject:
        return '}';
      case Token.StartArray:
        return '[';
      case Token.EndArray:
        return ']';
      case Token.True:
        return 'true';
      case Token.False:
        return 'false';
      case Token.Null:
        return 'null';
      default:
        return '';
    }
  }

  numberValue(): number {
    return Number(this.numberText);
  }

  /** Throws `reason` at the current location, as event-ruler's barf(parser, message) does. */
  fail(reason: string): never {
    throw new JsonLocatedError(reason, this.locationAt(this.ptr));
  }

  /** The location text for an offset on the current line. */
  private locationAt(offset: number): string {
    return renderLocation(this.sourceDesc, this.line, offset - this.lineStart + 1);
  }

  /** An unexpected character at `offset` (default: ptr, not yet consumed). */
  private unexpected(code: number, comment: string, offset = this.ptr): never {
    // Jackson 2.14+ reports an unexpected character at its own column (_currentLocationMinusOne).
    throw new JsonLocatedError(`Unexpected character (${charDesc(code)}): ${comment}`, this.locationAt(offset));
  }

  private skipWhitespace(): number {
    const text = this.text;
    while (this.ptr < text.length) {
      const c = text.charCodeAt(this.ptr);
      if (c === 0x20 || c === 0x09) this.ptr++;
      else if (c === 0x0a) {
        this.ptr++;
        this.line++;
        this.lineStart = this.ptr;
      } else if (c === 0x0d) {
        this.ptr++;
        if (text.charCodeAt(this.ptr) === 0x0a) this.ptr++;
        this.line++;
        this.lineStart = this.ptr;
      } else if (c < 0x20) {
        this.ptr++;
        this.fail(
          `Illegal character (${charDesc(c)}): only regular white space (\\r, \\n, \\t) is allowed between tokens`,
        );
      } else return c;
    }
    return -1;
  }

  private eofInScope(scope: Scope): never {
    const start = renderLocation(this.sourceDesc, scope.line, scope.column).slice(5);
    this.fail(`Unexpected end-of-input: expected close marker for ${typeDesc[scope.kind]} (start marker at ${start})`);
  }

  private closeScope(code: number, scope: Scope): Token {
    this.ptr++;
    const wanted = scope.kind === ARRAY ? 0x5d : 0x7d;
    if (code !== wanted) {
      const start = renderLocation(this.sourceDesc, scope.line, scope.column).slice(5);
      const expected = String.fromCharCode(wanted);
      this.fail(
        `Unexpected close marker '${String.fromCharCode(code)}': expected '${expected}' (for ${typeDesc[scope.kind]} starting at ${start})`,
      );
    }
    this.scopes.pop();
    return code === 0x5d ? Token.EndArray : Token.EndObject;
  }

  private readFieldName(code: number, scope: Scope): void {
    if (code !== 0x22) this.unexpected(code, 'was expecting double-quote to start field name');
    this.ptr++;
    this.name = this.readString(this.ptr, 'name');
    let c = this.skipWhitespace();
    if (c < 0) this.fail(`Unexpected end-of-input within/between ${typeDesc[scope.kind]} entries`);
    if (c !== 0x3a) this.unexpected(c, 'was expecting a colon to separate field name and value');
    this.ptr++;
    c = this.skipWhitespace();
    if (c < 0) this.fail(`Unexpected end-of-input within/between ${typeDesc[scope.kind]} entries`);
    this.pending = this.readValueStart(c, scope);
  }

  /** Reads the start of a value (ptr at its first character), as Jackson does before returning its token. */
  private readValueStart(code: number, scope: Scope): Token {
    switch (code) {
      case 0x22:
        this.ptr++;
        this.stringStart = this.ptr;
        return Token.String;
      case 0x5b:
        this.ptr++;
        this.push(ARRAY);
        return Token.StartArray;
      case 0x7b:
        this.ptr++;
        this.push(OBJECT);
        return Token.StartObject;
      case 0x74:
        this.literal('true');
        return Token.True;
      case 0x66:
        this.literal('false');
        return Token.False;
      case 0x6e:
        this.literal('null');
        return Token.Null;
      default:
        if (code === 0x2d || (code >= 0x30 && code <= 0x39)) return this.readNumber(scope);
        return this.oddValue(code, scope);
    }
  }

  private push(kind: number): void {
    if (this.scopes.length > maxNestingDepth) {
      this.fail(
        `Document nesting depth (${this.scopes.length}) exceeds the maximum allowed (${maxNestingDepth}, from \`StreamReadConstraints.getMaxNestingDepth()\`)`,
      );
    }
    this.scopes.push({ kind, entries: 0, line: this.line, column: this.ptr - this.lineStart });
  }

  private oddValue(code: number, scope: Scope): never {
    if ((code === 0x5d && scope.kind === ARRAY) || code === 0x2c || code === 0x7d) {
      this.unexpected(code, 'expected a value');
    }
    if (isIdentifierStart(code)) {
      this.ptr++;
      this.invalidToken(String.fromCharCode(code));
    }
    this.unexpected(code, `expected a valid value ${validValues}`);
  }

  /** Jackson's _reportInvalidToken: the token runs on while characters could continue a Java identifier. */
  private invalidToken(matched: string): never {
    let token = matched;
    while (this.ptr < this.text.length) {
      const c = this.text.charCodeAt(this.ptr);
      if (!isIdentifierPart(c)) break;
      this.ptr++;
      token += String.fromCharCode(c);
      if (token.length >= 256) {
        token += '...';
        break;
      }
    }
    this.fail(`Unrecognized token '${token}': was expecting ${validValues}`);
  }

  private literal(word: string): void {
    const text = this.text;
    for (let i = 1; i < word.length; i++) {
      if (text.charCodeAt(this.ptr + i) !== word.charCodeAt(i)) {
        this.ptr += i;
        this.invalidToken(word.slice(0, i));
      }
    }
    this.ptr += word.length;
    if (this.ptr < text.length) {
      const c = text.charCodeAt(this.ptr);
      if (c >= 0x30 && c !== 0x5d && c !== 0x7d && isIdentifierPart(c)) this.invalidToken(word);
    }
  }

  private readNumber(scope: Scope): Token {
    const text = this.text;
    const start = this.ptr;
    let float = false;
    if (text.charCodeAt(this.ptr) === 0x2d) {
      this.ptr++;
      if (this.ptr >= text.length) this.fail('Unexpected end-of-input in a Number value');
      const c = text.charCodeAt(this.ptr);
      if (c < 0x30 || c > 0x39) {
        this.ptr++;
        this.fail(
          `Unexpected character (${charDesc(c)}) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value`,
        );
      }
    }
    if (text.charCodeAt(this.ptr) === 0x30 && isDigit(text.charCodeAt(this.ptr + 1))) {
      this.fail('Invalid numeric value: Leading zeroes not allowed');
    }
    while (isDigit(text.charCodeAt(this.ptr))) this.ptr++;
    if (text.charCodeAt(this.ptr) === 0x2e) {
      float = true;
      this.ptr++;
      this.requireDigit('Decimal point not followed by a digit');
      while (isDigit(text.charCodeAt(this.ptr))) this.ptr++;
    }
    const e = text.charCodeAt(this.ptr);
    if (e === 0x65 || e === 0x45) {
      float = true;
      this.ptr++;
      const sign = text.charCodeAt(this.ptr);
      if (sign === 0x2b || sign === 0x2d) this.ptr++;
      this.requireDigit('Exponent indicator not followed by a digit');
      while (isDigit(text.charCodeAt(this.ptr))) this.ptr++;
    }
    if (this.ptr - start > maxNumberLength) {
      this.fail(
        `Number value length (${this.ptr - start}) exceeds the maximum allowed (${maxNumberLength}, from \`StreamReadConstraints.getMaxNumberLength()\`)`,
      );
    }
    this.numberText = text.slice(start, this.ptr);
    if (scope.kind === ROOT && this.ptr < text.length) {
      const c = text.charCodeAt(this.ptr);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) {
        this.unexpected(c, 'Expected space separating root-level values');
      }
    }
    return float ? Token.NumberFloat : Token.NumberInt;
  }

  private requireDigit(comment: string): void {
    if (this.ptr >= this.text.length) this.fail('Unexpected end-of-input in a Number value');
    const c = this.text.charCodeAt(this.ptr);
    if (!isDigit(c)) {
      this.ptr++;
      this.fail(`Unexpected character (${charDesc(c)}) in numeric value: ${comment}`);
    }
  }

  private finishString(): void {
    this.stringValue = this.readString(this.stringStart, 'string value');
    this.stringStart = -1;
  }

  /** Reads a string body from `start` (after the opening quote); leaves ptr after the closing quote. */
  private readString(start: number, what: string): string {
    const text = this.text;
    const close = text.indexOf('"', start);
    if (close >= 0) {
      const plain = text.slice(start, close);
      if (!needsSlowPath(plain)) {
        this.ptr = close + 1;
        return plain;
      }
    }
    let out = '';
    let i = start;
    for (;;) {
      if (i >= text.length) {
        this.ptr = i;
        this.fail(`Unexpected end-of-input: was expecting closing quote for a ${what}`);
      }
      const c = text.charCodeAt(i++);
      if (c === 0x22) break;
      if (c === 0x5c) {
        this.ptr = i;
        out += this.readEscape();
        i = this.ptr;
      } else if (c < 0x20) {
        this.ptr = i;
        this.fail(
          `Illegal unquoted character (${charDesc(c)}): has to be escaped using backslash to be included in ${what}`,
        );
      } else out += String.fromCharCode(c);
    }
    this.ptr = i;
    return out;
  }

  private readEscape(): string {
    const text = this.text;
    if (this.ptr >= text.length) this.fail('Unexpected end-of-input in character escape sequence');
    const c = text.charCodeAt(this.ptr++);
    switch (c) {
      case 0x22:
        return '"';
      case 0x5c:
        return '\\';
      case 0x2f:
        return '/';
      case 0x62:
        return '\b';
      case 0x66:
        return '\f';
      case 0x6e:
        return '\n';
      case 0x72:
        return '\r';
      case 0x74:
        return '\t';
      case 0x75: {
        let value = 0;
        for (let k = 0; k < 4; k++) {
          if (this.ptr >= text.length) this.fail('Unexpected end-of-input in character escape sequence');
          const h = text.charCodeAt(this.ptr++);
          const digit = hexValue(h);
          if (digit < 0) this.unexpected(h, 'expected a hex-digit for character escape sequence', this.ptr - 1);
          value = (value << 4) | digit;
        }
        return String.fromCharCode(value);
      }
      default:
        this.fail(`Unrecognized character escape ${charDesc(c)}`);
    }
  }
}

/** Whether a string body has an escape or a control character (which Jackson refuses unescaped). */
function needsSlowPath(body: string): boolean {
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c === 0x5c || c < 0x20) return true;
  }
  return false;
}

/** `\n at [Source: <desc>; line: L, column: C]`, Jackson's JsonLocation in an exception message. */
export function renderLocation(sourceDesc: string, line: number, column: number): string {
  return `\n at [Source: ${sourceDesc}; line: ${line}, column: ${column}]`;
}

/** Jackson's source description for a String: the text in quotes, cut at 500 characters. */
export function describeSource(text: string): string {
  if (text.length <= maxSourceSnippet) return `(String)"${text}"`;
  return `(String)"${text.slice(0, maxSourceSnippet)}"[truncated ${text.length - maxSourceSnippet} chars]`;
}

/** Jackson's _getCharDesc. */
function charDesc(code: number): string {
  if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) return `(CTRL-CHAR, code ${code})`;
  const c = String.fromCharCode(code);
  if (code > 255) return `'${c}' (code ${code} / 0x${code.toString(16)})`;
  return `'${c}' (code ${code})`;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  return -1;
}

// Java's Character.isJavaIdentifierStart / isJavaIdentifierPart, closely enough for error texts.
const identifierStart = /[\p{L}\p{Nl}\p{Sc}\p{Pc}]/u;
const identifierPart = /[\p{L}\p{Nl}\p{Sc}\p{Pc}\p{Nd}\p{Mn}\p{Mc}\p{Cf}]/u;

function isIdentifierStart(code: number): boolean {
  return identifierStart.test(String.fromCharCode(code));
}

function isIdentifierPart(code: number): boolean {
  // Java counts the "identifier-ignorable" control characters as identifier parts too.
  if (code <= 0x08 || (code >= 0x0e && code <= 0x1b) || (code >= 0x7f && code <= 0x9f)) return true;
  return identifierPart.test(String.fromCharCode(code));
}
