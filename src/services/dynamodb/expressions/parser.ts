/**
 * Recursive-descent parsers for condition (and filter and key condition), update and projection
 * expressions. Grammar: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html,
 * .../Expressions.UpdateExpressions.html and .../Expressions.ProjectionExpressions.html.
 *
 * A syntax error names the first token that cannot continue the expression and the text from
 * the token before it to the token after it, as AWS does: `attribute_type()` fails with
 * token ")" near "()", `l[a]` with token "a" near "[a]" (messages quoted by emulators' tests
 * that mirror AWS; dynalite's test/scan.js lists expressions that must fail this way).
 *
 * A "(" opens either a condition or an operand; which one is decided before descending by
 * looking inside the parentheses (a comparator or AND/OR/NOT/BETWEEN/IN at their own depth, or
 * a boolean function call filling them, make a condition), so that parsing never backtracks.
 */
import type { CallNode, Comparator, Node, PathNode, RawName, UpdateAction, UpdateSection, ValueNode } from './ast.js';
import { type Token, tokenize } from './tokenizer.js';

/** A syntax error; the caller adds "Invalid <Parameter>: ". */
export class ExpressionError extends Error {}

const conditionKeywords = new Set(['AND', 'OR', 'NOT', 'BETWEEN', 'IN']);
const updateKeywords = new Set(['SET', 'REMOVE', 'ADD', 'DELETE']);
const comparators = new Set(['=', '<>', '<', '<=', '>', '>=']);
/** Functions that are conditions by themselves (the rest, size and the update ones, are operands). */
export const booleanFunctions = new Set([
  'attribute_exists',
  'attribute_not_exists',
  'attribute_type',
  'begins_with',
  'contains',
]);

export interface ParsedUpdate {
  actions: UpdateAction[];
  /** How many times each section keyword appeared (each may appear once). */
  sections: UpdateSection[];
}

class Parser {
  private readonly tokens: Token[];
  private position = 0;
  private readonly match: Int32Array;
  private readonly conditionInside: Uint8Array;
  redundantParentheses = false;

  constructor(
    private readonly source: string,
    private readonly keywords: ReadonlySet<string>,
  ) {
    this.tokens = tokenize(source);
    const count = this.tokens.length;
    this.match = new Int32Array(count).fill(-1);
    this.conditionInside = new Uint8Array(count);
    const open: number[] = [];
    for (let i = 0; i < count; i++) {
      const token = this.tokens[i]!;
      if (token.type === 'punct') {
        if (token.text === '(') open.push(i);
        else if (token.text === ')') {
          const start = open.pop();
          if (start !== undefined) {
            this.match[start] = i;
            this.match[i] = start;
          }
        } else if (comparators.has(token.text) && open.length > 0) this.conditionInside[open.at(-1)!] = 1;
      } else if (token.type === 'name' && open.length > 0 && conditionKeywords.has(token.text.toUpperCase())) {
        this.conditionInside[open.at(-1)!] = 1;
      }
    }
    // "((x))" around anything but a function's own parentheses: AWS refuses it
    // (dynalite test/scan.js, "should return ValidationException for redundant parentheses").
    for (let i = 0; i + 1 < count; i++) {
      if (!this.isPunct(i, '(') || !this.isPunct(i + 1, '(')) continue;
      if (i > 0 && this.isName(this.tokens[i - 1]!)) continue;
      const close = this.match[i + 1]!;
      if (close !== -1 && this.match[i] === close + 1) this.redundantParentheses = true;
    }
  }

  private isPunct(index: number, text: string): boolean {
    const token = this.tokens[index]!;
    return token.type === 'punct' && token.text === text;
  }

  private get current(): Token {
    return this.tokens[this.position]!;
  }

  private peek(offset = 1): Token {
    return this.tokens[Math.min(this.position + offset, this.tokens.length - 1)]!;
  }

  private isKeyword(token: Token, word: string): boolean {
    return token.type === 'name' && token.text.length === word.length && token.text.toUpperCase() === word;
  }

  private isName(token: Token): boolean {
    return token.type === 'name' && !this.keywords.has(token.text.toUpperCase());
  }

  private atPunct(text: string): boolean {
    return this.current.type === 'punct' && this.current.text === text;
  }

  fail(): never {
    const index = this.position;
    const token = this.tokens[index]!;
    const before = index > 0 ? this.tokens[index - 1]! : token;
    const after = token.type === 'eof' ? token : this.tokens[index + 1]!;
    const near = this.source.slice(before.start, after.end);
    throw new ExpressionError(`Syntax error; token: "${token.text}", near: "${near}"`);
  }

  private expectPunct(text: string): Token {
    if (!this.atPunct(text)) this.fail();
    return this.tokens[this.position++]!;
  }

  expectEnd(): void {
    if (this.current.type !== 'eof') this.fail();
  }

  // Conditions

  condition(): Node {
    let left = this.andCondition();
    while (this.isKeyword(this.current, 'OR')) {
      const token = this.tokens[this.position++]!;
      left = { kind: 'or', left, right: this.andCondition(), token };
    }
    return left;
  }

  private andCondition(): Node {
    let left = this.notCondition();
    while (this.isKeyword(this.current, 'AND')) {
      const token = this.tokens[this.position++]!;
      left = { kind: 'and', left, right: this.notCondition(), token };
    }
    return left;
  }

  private notCondition(): Node {
    if (this.isKeyword(this.current, 'NOT')) {
      const token = this.tokens[this.position++]!;
      return { kind: 'not', operand: this.notCondition(), token };
    }
    return this.primaryCondition();
  }

  private opensCondition(index: number): boolean {
    if (this.conditionInside[index]) return true;
    const close = this.match[index]!;
    if (close === -1) return true;
    if (this.isPunct(index + 1, '(') && this.match[index + 1] === close - 1) return this.opensCondition(index + 1);
    const first = this.tokens[index + 1]!;
    return (
      first.type === 'name' &&
      booleanFunctions.has(first.text) &&
      this.isPunct(index + 2, '(') &&
      this.match[index + 2] === close - 1
    );
  }

  private primaryCondition(): Node {
    if (this.atPunct('(') && this.opensCondition(this.position)) {
      this.position++;
      const inner = this.condition();
      this.expectPunct(')');
      return inner;
    }
    const left = this.operand();
    const token = this.current;
    if (token.type === 'punct' && comparators.has(token.text)) {
      this.position++;
      return { kind: 'compare', operator: token.text as Comparator, left, right: this.operand(), token };
    }
    if (this.isKeyword(token, 'BETWEEN')) {
      this.position++;
      const low = this.operand();
      if (!this.isKeyword(this.current, 'AND')) this.fail();
      this.position++;
      return { kind: 'between', operand: left, low, high: this.operand(), token };
    }
    if (this.isKeyword(token, 'IN')) {
      this.position++;
      this.expectPunct('(');
      const list = [this.operand()];
      while (this.atPunct(',')) {
        this.position++;
        list.push(this.operand());
      }
      this.expectPunct(')');
      return { kind: 'in', operand: left, list, token };
    }
    // A function call standing alone is a condition; the checks refuse the ones that are not.
    if (left.kind === 'call') return left;
    return this.fail();
  }

  /** An operand of a condition: a path, a value, a function call, or one in parentheses. */
  private operand(): Node {
    const token = this.current;
    if (this.atPunct('(')) {
      this.position++;
      const inner = this.operand();
      this.expectPunct(')');
      return inner;
    }
    if (token.type === 'attrValue') {
      this.position++;
      return this.valueNode(token);
    }
    if (this.isName(token) && this.peek().type === 'punct' && this.peek().text === '(') {
      return this.call(() => this.operand());
    }
    return this.path();
  }

  private valueNode(token: Token): ValueNode {
    return { kind: 'value', name: token.text, value: {}, token };
  }

  private call(argument: () => Node): CallNode {
    const token = this.tokens[this.position]!;
    this.position += 2;
    const args = [argument()];
    while (this.atPunct(',')) {
      this.position++;
      args.push(argument());
    }
    this.expectPunct(')');
    return { kind: 'call', name: token.text, args, token };
  }

  path(): PathNode {
    const token = this.current;
    const raw: (RawName | number)[] = [this.pathName()];
    for (;;) {
      if (this.atPunct('.')) {
        this.position++;
        raw.push(this.pathName());
      } else if (this.atPunct('[')) {
        this.position++;
        const index = this.current;
        if (index.type !== 'number') this.fail();
        this.position++;
        this.expectPunct(']');
        raw.push(Number(index.text));
      } else {
        return { kind: 'path', raw, path: [], token };
      }
    }
  }

  private pathName(): RawName {
    const token = this.current;
    if (token.type === 'attrName') {
      this.position++;
      return { text: token.text, placeholder: true, token };
    }
    if (!this.isName(token)) this.fail();
    this.position++;
    return { text: token.text, placeholder: false, token };
  }

  // Updates

  update(): ParsedUpdate {
    const actions: UpdateAction[] = [];
    const sections: UpdateSection[] = [];
    do {
      const token = this.current;
      const section = token.type === 'name' ? token.text.toUpperCase() : '';
      if (!updateKeywords.has(section)) this.fail();
      this.position++;
      sections.push(section as UpdateSection);
      do {
        actions.push(this.updateAction(section as UpdateSection));
      } while (this.atPunct(',') && ++this.position);
    } while (this.current.type !== 'eof');
    return { actions, sections };
  }

  private updateAction(section: UpdateSection): UpdateAction {
    const path = this.path();
    switch (section) {
      case 'SET':
        this.expectPunct('=');
        return { section, path, value: this.setValue() };
      case 'REMOVE':
        return { section, path };
      default: {
        const token = this.current;
        if (token.type !== 'attrValue') this.fail();
        this.position++;
        return { section, path, value: this.valueNode(token) };
      }
    }
  }

  /** The right side of SET: an operand, or two joined by + or -. */
  private setValue(): Node {
    const left = this.setOperand();
    const token = this.current;
    if (token.type === 'punct' && (token.text === '+' || token.text === '-')) {
      this.position++;
      return { kind: 'arithmetic', operator: token.text, left, right: this.setOperand(), token };
    }
    return left;
  }

  private setOperand(): Node {
    const token = this.current;
    if (this.atPunct('(')) {
      this.position++;
      const inner = this.setValue();
      this.expectPunct(')');
      return inner;
    }
    if (token.type === 'attrValue') {
      this.position++;
      return this.valueNode(token);
    }
    if (this.isName(token) && this.peek().type === 'punct' && this.peek().text === '(') {
      return this.call(() => this.setValue());
    }
    return this.path();
  }

  // Projections

  projection(): PathNode[] {
    const paths = [this.path()];
    while (this.atPunct(',')) {
      this.position++;
      paths.push(this.path());
    }
    this.expectEnd();
    return paths;
  }
}

export interface Parsed<T> {
  tree: T;
  redundantParentheses: boolean;
}

export function parseCondition(source: string): Parsed<Node> {
  const parser = new Parser(source, conditionKeywords);
  const tree = parser.condition();
  parser.expectEnd();
  return { tree, redundantParentheses: parser.redundantParentheses };
}

export function parseUpdate(source: string): Parsed<ParsedUpdate> {
  const parser = new Parser(source, updateKeywords);
  const tree = parser.update();
  return { tree, redundantParentheses: parser.redundantParentheses };
}

export function parseProjection(source: string): Parsed<PathNode[]> {
  const parser = new Parser(source, new Set());
  return { tree: parser.projection(), redundantParentheses: parser.redundantParentheses };
}
