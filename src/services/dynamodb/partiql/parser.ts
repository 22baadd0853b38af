/**
 * A recursive-descent parser for the PartiQL statements DynamoDB runs
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-reference.statements.html):
 *
 *   SELECT (* | expr [, expr]...) FROM table[.index] [WHERE cond] [ORDER BY key [ASC|DESC] [, ...]]
 *   INSERT INTO table VALUE {'name': value, ...}
 *   UPDATE table (SET path = value [, ...] | REMOVE path [, ...])... WHERE cond [RETURNING (ALL|MODIFIED) (OLD|NEW) *]
 *   DELETE FROM table WHERE cond [RETURNING ALL OLD *]
 *   EXISTS (SELECT ...)                  (ExecuteTransaction only)
 *
 * Precedence, loosest first, as PartiQL's: OR, AND, NOT, the predicates (comparisons, IS, IN,
 * BETWEEN), + and -, unary minus, then a primary with its path steps. A statement may end with
 * one `;`. Syntax errors are ValidationException "Statement wasn't well formed, can't be
 * processed: <reason>" (messages.ts says which reasons are AWS's).
 */
import type { AttributeValue } from '../../../generated/dynamodb/types.js';
import type {
  Comparator,
  Expr,
  ParsedStatement,
  PathStep,
  Returning,
  SelectStatement,
  Statement,
  UpdateAction,
} from './ast.js';
import { invalid, M, notWellFormed } from './messages.js';
import { isKeyword, type Token, tokenize } from './tokenizer.js';

const comparators = new Set(['=', '<>', '<', '<=', '>', '>=']);

class Parser {
  private position = 0;
  parameters = 0;
  writesIndex = false;

  constructor(private readonly tokens: Token[]) {}

  private get token(): Token {
    return this.tokens[this.position]!;
  }

  private next(): Token {
    const token = this.token;
    if (token.type !== 'eof') this.position++;
    return token;
  }

  /** Whether the current token is the keyword (or contextual word) `word`. */
  private isWord(word: string, offset = 0): boolean {
    const token = this.tokens[this.position + offset]!;
    return token.type === 'name' && token.text.toUpperCase() === word;
  }

  private isPunct(text: string): boolean {
    return this.token.type === 'punct' && this.token.text === text;
  }

  private acceptWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.position++;
    return true;
  }

  private acceptPunct(text: string): boolean {
    if (!this.isPunct(text)) return false;
    this.position++;
    return true;
  }

  private fail(): never {
    const token = this.token;
    if (token.type === 'name' && isKeyword(token.text)) throw notWellFormed(M.unexpectedKeyword);
    throw notWellFormed(M.unexpectedTerm);
  }

  private expectWord(word: string): void {
    if (!this.acceptWord(word)) this.fail();
  }

  private expectPunct(text: string): void {
    if (!this.acceptPunct(text)) this.fail();
  }

  statement(): Statement {
    let statement: Statement;
    if (this.isWord('SELECT')) statement = this.select();
    else if (this.isWord('INSERT')) statement = this.insert();
    else if (this.isWord('UPDATE')) statement = this.update();
    else if (this.isWord('DELETE')) statement = this.delete();
    else if (this.isWord('EXISTS') && this.tokens[this.position + 1]?.text === '(') {
      this.position += 2;
      if (!this.isWord('SELECT')) this.fail();
      const select = this.select();
      this.expectPunct(')');
      statement = { kind: 'exists', select };
    } else throw notWellFormed(M.expectedDml);
    this.acceptPunct(';');
    if (this.token.type !== 'eof') throw notWellFormed(M.trailing);
    return statement;
  }

  /** A table name, bare or quoted, and an index after a dot. */
  private source(): { table: string; index: string | undefined } {
    const table = this.identifier();
    let index: string | undefined;
    if (this.acceptPunct('.')) index = this.identifier();
    if (this.isWord('AS') || (this.token.type === 'name' && !isKeyword(this.token.text))) throw invalid(M.aliasing);
    return { table, index };
  }

  private identifier(): string {
    const token = this.token;
    if (token.type === 'quoted' || (token.type === 'name' && !isKeyword(token.text))) {
      this.position++;
      return token.text;
    }
    return this.fail();
  }

  private select(): SelectStatement {
    this.expectWord('SELECT');
    let projection: Expr[] | undefined;
    if (this.acceptPunct('*')) {
      if (this.isPunct(',')) throw invalid(M.starAndOthers);
    } else {
      projection = [];
      do {
        if (this.isPunct('*')) throw invalid(M.starAndOthers);
        projection.push(this.expression());
        if (this.isWord('AS')) throw invalid(M.aliasing);
      } while (this.acceptPunct(','));
    }
    this.expectWord('FROM');
    const { table, index } = this.source();
    const where = this.acceptWord('WHERE') ? this.expression() : undefined;
    const orderBy: SelectStatement['orderBy'] = [];
    if (this.acceptWord('ORDER')) {
      this.expectWord('BY');
      do {
        const name = this.identifier();
        const descending = this.acceptWord('DESC');
        if (!descending) this.acceptWord('ASC');
        orderBy.push({ name, descending });
      } while (this.acceptPunct(','));
    }
    return { kind: 'select', projection, table, index, where, orderBy };
  }

  private insert(): Statement {
    this.expectWord('INSERT');
    this.expectWord('INTO');
    const { table, index } = this.source();
    if (index !== undefined) this.writesIndex = true;
    if (this.isWord('VALUES') || this.isPunct('<<')) {
      throw invalid(
        M.unsupportedOperation(
          'Inserting multiple items in a single statement is not supported, use "INSERT INTO tableName VALUE item" instead',
        ),
      );
    }
    this.expectWord('VALUE');
    const value = this.expression();
    if (this.isWord('RETURNING')) throw invalid(M.insertReturning);
    return { kind: 'insert', table, value };
  }

  private update(): Statement {
    this.expectWord('UPDATE');
    const { table, index } = this.source();
    if (index !== undefined) this.writesIndex = true;
    const actions: UpdateAction[] = [];
    for (;;) {
      if (this.acceptWord('SET')) {
        do {
          const path = this.path();
          this.expectPunct('=');
          actions.push({ kind: 'set', path, value: this.expression() });
        } while (this.acceptPunct(','));
      } else if (this.acceptWord('REMOVE')) {
        do actions.push({ kind: 'remove', path: this.path() });
        while (this.acceptPunct(','));
      } else break;
    }
    if (actions.length === 0) this.fail();
    if (!this.acceptWord('WHERE')) {
      if (this.token.type !== 'eof' && !this.isPunct(';')) this.fail();
      throw invalid(M.incompleteKey);
    }
    const where = this.expression();
    return { kind: 'update', table, actions, where, returning: this.returning() };
  }

  private delete(): Statement {
    this.expectWord('DELETE');
    this.expectWord('FROM');
    const { table, index } = this.source();
    if (index !== undefined) this.writesIndex = true;
    if (!this.acceptWord('WHERE')) {
      if (this.token.type !== 'eof' && !this.isPunct(';')) this.fail();
      throw invalid(M.incompleteKey);
    }
    const where = this.expression();
    return { kind: 'delete', table, where, returning: this.returning() };
  }

  private returning(): Returning | undefined {
    if (!this.acceptWord('RETURNING')) return undefined;
    const which = this.acceptWord('ALL') ? 'ALL' : this.acceptWord('MODIFIED') ? 'MODIFIED' : this.fail();
    const age = this.acceptWord('OLD') ? 'OLD' : this.acceptWord('NEW') ? 'NEW' : this.fail();
    if (!this.acceptPunct('*')) throw invalid(M.returningStar);
    return `${which} ${age}` as Returning;
  }

  /** A document path: a name, then `.name`, `[n]` or `['key']` steps. */
  private path(): PathStep[] {
    const steps: PathStep[] = [this.identifier()];
    this.pathSteps(steps);
    return steps;
  }

  private pathSteps(steps: PathStep[]): void {
    for (;;) {
      if (this.acceptPunct('.')) {
        steps.push(this.identifier());
      } else if (this.acceptPunct('[')) {
        const token = this.next();
        if (token.type === 'number' && /^\d+$/.test(token.text)) steps.push(Number(token.text));
        else if (token.type === 'string') steps.push(token.text);
        else {
          this.position--;
          this.fail();
        }
        this.expectPunct(']');
      } else return;
    }
  }

  expression(): Expr {
    let left = this.conjunction();
    while (this.acceptWord('OR')) left = { kind: 'or', left, right: this.conjunction() };
    return left;
  }

  private conjunction(): Expr {
    let left = this.negation();
    while (this.acceptWord('AND')) left = { kind: 'and', left, right: this.negation() };
    return left;
  }

  private negation(): Expr {
    if (this.acceptWord('NOT')) return { kind: 'not', operand: this.negation() };
    return this.predicate();
  }

  private predicate(): Expr {
    const left = this.additive();
    if (this.token.type === 'punct' && comparators.has(this.token.text)) {
      const op = this.next().text as Comparator;
      return { kind: 'compare', op, left, right: this.additive() };
    }
    if (this.acceptWord('IS')) {
      const negated = this.acceptWord('NOT');
      const token = this.next();
      if (token.type !== 'name') {
        this.position--;
        this.fail();
      }
      return { kind: 'is', operand: left, type: token.text.toUpperCase(), negated };
    }
    const negated = this.isWord('NOT') && (this.isWord('IN', 1) || this.isWord('BETWEEN', 1));
    if (negated) this.position++;
    if (this.acceptWord('IN')) {
      // SQL's `IN (a, b)` as well as PartiQL's `IN [a, b]`.
      const list: Expr = this.acceptPunct('(') ? { kind: 'list', items: this.items(')') } : this.additive();
      return { kind: 'in', operand: left, list, negated };
    }
    if (this.acceptWord('BETWEEN')) {
      const low = this.additive();
      this.expectWord('AND');
      return { kind: 'between', operand: left, low, high: this.additive(), negated };
    }
    return left;
  }

  private additive(): Expr {
    let left = this.unary();
    while (this.isPunct('+') || this.isPunct('-')) {
      const op = this.next().text as '+' | '-';
      left = { kind: 'arith', op, left, right: this.unary() };
    }
    return left;
  }

  private unary(): Expr {
    if (this.isPunct('-') && this.tokens[this.position + 1]?.type === 'number') {
      this.position++;
      return { kind: 'literal', value: { N: `-${this.next().text}` } };
    }
    if (this.acceptPunct('+')) return this.unary();
    return this.primary();
  }

  private primary(): Expr {
    const token = this.token;
    switch (token.type) {
      case 'string':
        this.position++;
        return { kind: 'literal', value: { S: token.text } };
      case 'number':
        this.position++;
        return { kind: 'literal', value: { N: token.text } };
      case 'param':
        this.position++;
        return { kind: 'param', index: this.parameters++ };
      case 'quoted':
        return { kind: 'path', steps: this.path() };
      case 'name':
        return this.named(token);
      case 'punct':
        return this.bracketed(token.text);
      default:
        return this.fail();
    }
  }

  private named(token: Token): Expr {
    const word = token.text.toUpperCase();
    const literals: Record<string, AttributeValue> = {
      TRUE: { BOOL: true },
      FALSE: { BOOL: false },
      NULL: { NULL: true },
    };
    if (literals[word]) {
      this.position++;
      return { kind: 'literal', value: literals[word] };
    }
    if (word === 'MISSING') {
      this.position++;
      return { kind: 'missing' };
    }
    if (this.tokens[this.position + 1]?.text === '(' && this.tokens[this.position + 1]?.type === 'punct') {
      if (isKeyword(token.text)) this.fail();
      this.position += 2;
      const args: Expr[] = [];
      if (!this.acceptPunct(')')) {
        do args.push(this.expression());
        while (this.acceptPunct(','));
        this.expectPunct(')');
      }
      return { kind: 'call', name: token.text.toLowerCase(), args };
    }
    return { kind: 'path', steps: this.path() };
  }

  private bracketed(text: string): Expr {
    if (this.acceptPunct('(')) {
      const inner = this.expression();
      this.expectPunct(')');
      return inner;
    }
    if (this.acceptPunct('[')) return { kind: 'list', items: this.items(']') };
    if (this.acceptPunct('<<')) return { kind: 'bag', items: this.items('>>') };
    if (this.acceptPunct('{')) {
      const entries: { key: Expr; value: Expr }[] = [];
      if (!this.acceptPunct('}')) {
        do {
          const key = this.expression();
          this.expectPunct(':');
          entries.push({ key, value: this.expression() });
        } while (this.acceptPunct(','));
        this.expectPunct('}');
      }
      return { kind: 'tuple', entries };
    }
    void text;
    return this.fail();
  }

  private items(close: string): Expr[] {
    const items: Expr[] = [];
    if (this.acceptPunct(close)) return items;
    do items.push(this.expression());
    while (this.acceptPunct(','));
    this.expectPunct(close);
    return items;
  }
}

/** Parses one statement; throws AWS's ValidationException for a syntax error. */
export function parseStatement(source: string): ParsedStatement {
  const parser = new Parser(tokenize(source));
  const statement = parser.statement();
  return { statement, parameters: parser.parameters, writesIndex: parser.writesIndex };
}
