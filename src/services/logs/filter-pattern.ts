/**
 * CloudWatch Logs filter patterns, compiled once into a matcher of event messages.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 *
 * Three forms, told apart by their first character:
 * - Text (terms-pattern.ts): `ERROR`, `ERROR Exception` (all), `?ERROR ?WARN` (any),
 *   `ERROR -WARN` (exclusions), `"exact phrase"`, `%regex%`; `""` or `" "` match everything.
 * - JSON, in braces: `{ $.level = "ERROR" }`, `{ $.latency >= 500 }`, `{ $.a[0].b != x* }`,
 *   `{ $.flag IS TRUE }`, `IS FALSE`, `IS NULL`, `NOT EXISTS`, `&&`, `||` and parentheses
 *   (`()` > `&&` > `||`). The selector must reach a value (string, number, boolean or null);
 *   an object, an array or nothing matches no comparison but NOT EXISTS.
 * - Space-delimited, in brackets: `[ip, user, ..., status = 4*, bytes > 1000]`: fields split on
 *   spaces, a `[...]` or `"..."` group being one field, `...` standing for any number of fields.
 *
 * String values may start or end with `*` (prefix, suffix, substring); a `*` inside is literal
 * ("Ev*ent will only match the actual string Ev*ent", the older page of the same guide).
 */
import { invalidFilterPattern } from './errors.js';
import { compileRegex, compileTerms } from './terms-pattern.js';

export type MessageMatcher = (message: string) => boolean;

export function compileFilterPattern(pattern: string | undefined): MessageMatcher {
  const text = (pattern ?? '').trim();
  if (text === '') return () => true;
  if (text.startsWith('{')) return compileJsonPattern(text);
  if (text.startsWith('[')) return compileDelimitedPattern(text);
  return compileTerms(text);
}

// Tokens shared by the JSON and space-delimited forms

type Token =
  | { kind: 'op'; value: string }
  | { kind: 'word'; value: string }
  | { kind: 'string'; value: string }
  | { kind: 'regex'; value: string };

const operators = ['&&', '||', '!=', '<=', '>=', '=', '<', '>', '(', ')', ',', '{', '}', '[', ']'];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index] as string;
    if (/\s/.test(char)) {
      index++;
      continue;
    }
    if (char === '"') {
      let value = '';
      index++;
      while (index < text.length && text[index] !== '"') {
        if (text[index] === '\\' && index + 1 < text.length) index++;
        value += text[index];
        index++;
      }
      if (index >= text.length) throw invalidFilterPattern('Invalid filter pattern: unterminated quoted string');
      index++;
      tokens.push({ kind: 'string', value });
      continue;
    }
    if (char === '%') {
      const close = text.indexOf('%', index + 1);
      if (close < 0) throw invalidFilterPattern('Invalid filter pattern: unterminated regular expression');
      tokens.push({ kind: 'regex', value: text.slice(index + 1, close) });
      index = close + 1;
      continue;
    }
    const op = operators.find((candidate) => text.startsWith(candidate, index));
    if (op) {
      tokens.push({ kind: 'op', value: op });
      index += op.length;
      continue;
    }
    let end = index;
    while (end < text.length && !/[\s"%&|!=<>(),{}[\]]/.test(text[end] as string)) end++;
    if (end === index) throw invalidFilterPattern(`Invalid filter pattern: unexpected character '${char}'`);
    tokens.push({ kind: 'word', value: text.slice(index, end) });
    index = end;
  }
  return tokens;
}

class Tokens {
  #index = 0;
  constructor(readonly list: Token[]) {}
  peek(offset = 0): Token | undefined {
    return this.list[this.#index + offset];
  }
  next(): Token {
    const token = this.list[this.#index++];
    if (!token) throw invalidFilterPattern('Invalid filter pattern: unexpected end of pattern');
    return token;
  }
  isOp(value: string): boolean {
    const token = this.peek();
    return token?.kind === 'op' && token.value === value;
  }
  expectOp(value: string): void {
    const token = this.next();
    if (token.kind !== 'op' || token.value !== value) {
      throw invalidFilterPattern(`Invalid filter pattern: expected '${value}' but found '${token.value}'`);
    }
  }
  done(): boolean {
    return this.#index >= this.list.length;
  }
}

/** A comparison's right-hand side, compiled. */
type ValueTest = (value: unknown) => boolean;

const numberPattern = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function numeric(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && numberPattern.test(value)) return Number(value);
  return undefined;
}

/** `*` at the start or end of a string value is a wildcard; anywhere else it is itself. */
function wildcardTest(literal: string): (text: string) => boolean {
  if (literal === '*') return () => true;
  const starts = literal.startsWith('*');
  const ends = literal.length > 1 && literal.endsWith('*');
  const core = literal.slice(starts ? 1 : 0, ends ? -1 : undefined);
  if (starts && ends) return (text) => text.includes(core);
  if (starts) return (text) => text.endsWith(core);
  if (ends) return (text) => text.startsWith(core);
  return (text) => text === core;
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function compileComparison(op: string, token: Token): ValueTest {
  if (token.kind === 'op') throw invalidFilterPattern(`Invalid filter pattern: unexpected '${token.value}'`);
  const literal = token.value;
  const relational = op === '<' || op === '>' || op === '<=' || op === '>=';
  if (relational) {
    if (token.kind !== 'word' || !numberPattern.test(literal)) {
      throw invalidFilterPattern(`Invalid filter pattern: '${literal}' is not a number`);
    }
    const bound = Number(literal);
    return (value) => {
      const number = numeric(value);
      if (number === undefined) return false;
      if (op === '<') return number < bound;
      if (op === '>') return number > bound;
      if (op === '<=') return number <= bound;
      return number >= bound;
    };
  }
  let equal: ValueTest;
  if (token.kind === 'regex') {
    const regex = compileRegex(literal);
    equal = (value) => {
      const text = asText(value);
      return text !== undefined && regex.test(text);
    };
  } else if (token.kind === 'word' && numberPattern.test(literal)) {
    const number = Number(literal);
    equal = (value) => (typeof value === 'number' ? value === number : asText(value) === literal);
  } else {
    const matches = wildcardTest(literal);
    const everything = token.kind === 'word' && literal === '*';
    equal = (value) => {
      if (everything) return value !== undefined;
      const text = asText(value);
      return text !== undefined && matches(text);
    };
  }
  return op === '!=' ? (value) => value !== undefined && !equal(value) : equal;
}

// JSON patterns

type JsonTest = (document: unknown) => boolean;

/** `$.a.b[0].c` -> its steps. */
function parseSelector(text: string): Array<string | number> {
  if (!text.startsWith('$')) throw invalidFilterPattern(`Invalid filter pattern: '${text}' is not a selector`);
  const steps: Array<string | number> = [];
  const step = /\.([A-Za-z0-9_\-@$:]+)|\[(\d+)\]/y;
  let index = 1;
  while (index < text.length) {
    step.lastIndex = index;
    const match = step.exec(text);
    if (!match) throw invalidFilterPattern(`Invalid filter pattern: '${text}' is not a selector`);
    steps.push(match[1] !== undefined ? match[1] : Number(match[2]));
    index = step.lastIndex;
  }
  return steps;
}

/** The value a selector reaches; undefined when it reaches nothing. */
function select(document: unknown, steps: Array<string | number>): unknown {
  let node = document;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(node)) return undefined;
      node = node[step];
    } else {
      if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
      if (!Object.hasOwn(node, step)) return undefined;
      node = (node as Record<string, unknown>)[step];
    }
  }
  return node;
}

function isValueNode(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

function compileJsonPattern(text: string): MessageMatcher {
  const tokens = new Tokens(tokenize(text));
  tokens.expectOp('{');
  const test = parseOr(tokens);
  tokens.expectOp('}');
  if (!tokens.done()) throw invalidFilterPattern('Invalid filter pattern: unexpected text after }');
  return (message) => {
    const first = message.trimStart()[0];
    if (first !== '{' && first !== '[') return false;
    let document: unknown;
    try {
      document = JSON.parse(message);
    } catch {
      return false;
    }
    return test(document);
  };
}

function parseOr(tokens: Tokens): JsonTest {
  const parts = [parseAnd(tokens)];
  while (tokens.isOp('||')) {
    tokens.next();
    parts.push(parseAnd(tokens));
  }
  return parts.length === 1 ? (parts[0] as JsonTest) : (document) => parts.some((part) => part(document));
}

function parseAnd(tokens: Tokens): JsonTest {
  const parts = [parseUnary(tokens)];
  while (tokens.isOp('&&')) {
    tokens.next();
    parts.push(parseUnary(tokens));
  }
  return parts.length === 1 ? (parts[0] as JsonTest) : (document) => parts.every((part) => part(document));
}

function parseUnary(tokens: Tokens): JsonTest {
  if (tokens.isOp('(')) {
    tokens.next();
    const inner = parseOr(tokens);
    tokens.expectOp(')');
    return inner;
  }
  const selectorToken = tokens.next();
  if (selectorToken.kind !== 'word') throw invalidFilterPattern('Invalid filter pattern: expected a selector');
  let selector = selectorToken.value;
  // `$.a[0]` tokenizes as `$.a`, `[`, `0`, `]`: join the indexes back onto the selector.
  while (tokens.isOp('[')) {
    tokens.next();
    const index = tokens.next();
    tokens.expectOp(']');
    selector += `[${index.value}]`;
    const rest = tokens.peek();
    if (rest?.kind === 'word' && rest.value.startsWith('.')) selector += tokens.next().value;
  }
  const steps = parseSelector(selector);
  const next = tokens.next();
  if (next.kind === 'word' && (next.value === 'IS' || next.value === 'NOT')) {
    const what = tokens.next();
    const keyword = `${next.value} ${what.value}`;
    if (keyword === 'IS TRUE') return (document) => select(document, steps) === true;
    if (keyword === 'IS FALSE') return (document) => select(document, steps) === false;
    if (keyword === 'IS NULL') return (document) => select(document, steps) === null;
    if (keyword === 'NOT EXISTS') return (document) => select(document, steps) === undefined;
    throw invalidFilterPattern(`Invalid filter pattern: unknown condition '${keyword}'`);
  }
  if (next.kind !== 'op' || !comparisonOps.includes(next.value)) {
    throw invalidFilterPattern(`Invalid filter pattern: expected an operator after ${selector}`);
  }
  const test = compileComparison(next.value, tokens.next());
  return (document) => {
    const value = select(document, steps);
    return value !== undefined && isValueNode(value) && test(value);
  };
}

// Space-delimited patterns

interface DelimitedField {
  ellipsis: boolean;
  test: ((fields: Map<string, string>) => boolean) | undefined;
}

function compileDelimitedPattern(text: string): MessageMatcher {
  const tokens = new Tokens(tokenize(text));
  tokens.expectOp('[');
  const names: string[] = [];
  const fields: DelimitedField[] = [];
  while (!tokens.isOp(']')) {
    const name = tokens.next();
    if (name.kind !== 'word') throw invalidFilterPattern('Invalid filter pattern: expected a field name');
    if (name.value === '...') {
      fields.push({ ellipsis: true, test: undefined });
      names.push('');
    } else {
      names.push(name.value);
      fields.push({
        ellipsis: false,
        test: tokens.isOp(',') || tokens.isOp(']') ? undefined : parseFieldOr(tokens, name.value),
      });
    }
    if (tokens.isOp(',')) tokens.next();
  }
  tokens.expectOp(']');
  if (!tokens.done()) throw invalidFilterPattern('Invalid filter pattern: unexpected text after ]');
  const ellipsis = fields.findIndex((field) => field.ellipsis);
  return (message) => {
    const words = splitFields(message);
    let assigned: Array<string | undefined>;
    if (ellipsis < 0) {
      if (words.length !== fields.length) return false;
      assigned = words;
    } else {
      const after = fields.length - ellipsis - 1;
      if (words.length < fields.length - 1) return false;
      assigned = [...words.slice(0, ellipsis), undefined, ...words.slice(words.length - after)];
    }
    const values = new Map<string, string>();
    names.forEach((name, index) => {
      const value = assigned[index];
      if (name && value !== undefined) values.set(name, value);
    });
    return fields.every((field) => !field.test || field.test(values));
  };
}

/** Fields separated by spaces; `[...]` and `"..."` each one field, without their brackets or quotes. */
function splitFields(message: string): string[] {
  const fields: string[] = [];
  let index = 0;
  while (index < message.length) {
    while (message[index] === ' ') index++;
    if (index >= message.length) break;
    const open = message[index];
    const close = open === '[' ? ']' : open === '"' ? '"' : undefined;
    if (close) {
      const end = message.indexOf(close, index + 1);
      if (end > 0) {
        fields.push(message.slice(index + 1, end));
        index = end + 1;
        continue;
      }
    }
    let end = message.indexOf(' ', index);
    if (end < 0) end = message.length;
    fields.push(message.slice(index, end));
    index = end;
  }
  return fields;
}

type FieldTest = (fields: Map<string, string>) => boolean;

/**
 * A field's conditions: the first is on the field itself (`status = 4*`); those after `&&` or
 * `||` may name a field (`w1=ERROR || w1=WARN`, the guide's OR example).
 */
function parseFieldOr(tokens: Tokens, field: string): FieldTest {
  const parts = [parseFieldAnd(tokens, field)];
  while (tokens.isOp('||')) {
    tokens.next();
    parts.push(parseFieldAnd(tokens, field));
  }
  return parts.length === 1 ? (parts[0] as FieldTest) : (fields) => parts.some((part) => part(fields));
}

function parseFieldAnd(tokens: Tokens, field: string): FieldTest {
  const parts = [parseFieldCondition(tokens, field)];
  while (tokens.isOp('&&')) {
    tokens.next();
    parts.push(parseFieldCondition(tokens, field));
  }
  return parts.length === 1 ? (parts[0] as FieldTest) : (fields) => parts.every((part) => part(fields));
}

const comparisonOps = ['=', '!=', '<', '>', '<=', '>='];

function parseFieldCondition(tokens: Tokens, implicitField: string): FieldTest {
  let name = implicitField;
  const first = tokens.peek();
  const second = tokens.peek(1);
  if (first?.kind === 'word' && second?.kind === 'op' && comparisonOps.includes(second.value)) {
    name = tokens.next().value;
  }
  const op = tokens.next();
  if (op.kind !== 'op' || !comparisonOps.includes(op.value)) {
    throw invalidFilterPattern('Invalid filter pattern: expected an operator in a field condition');
  }
  const test = compileComparison(op.value, tokens.next());
  return (fields) => {
    const value = fields.get(name);
    return value !== undefined && test(value);
  };
}
