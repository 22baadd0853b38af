/**
 * PartiQL trees turned into what the rest of DynamoDB runs on: constant expressions into
 * AttributeValues (parameters bound), WHERE conditions into condition expressions and SET /
 * REMOVE clauses into update expressions, every name and value a placeholder, so that the one
 * expression engine (expressions/index.ts) checks and evaluates them as it does UpdateItem's.
 *
 * Mapping (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-functions.html,
 * .../ql-operators.html): `x IS [NOT] MISSING` is attribute_not_exists / attribute_exists, `x IS
 * NULL` (and the other IS types) attribute_type, `IN [..]` the expression IN, `set_add(p, <<..>>)`
 * ADD and `set_delete` DELETE, `list_append` and `if_not_exists` themselves.
 */
import type { AttributeValue } from '../../../generated/dynamodb/types.js';
import { type Condition, parseExpressions, type Update } from '../expressions/index.js';
import { attributeType } from '../values/attribute-values.js';
import type { Expr, PathStep, UpdateAction } from './ast.js';
import { invalid, M } from './messages.js';

/** `a.b[0]`, the way an error or an alias names a path. */
export function pathText(steps: readonly PathStep[]): string {
  return steps.map((step, i) => (typeof step === 'number' ? `[${step}]` : i === 0 ? step : `.${step}`)).join('');
}

/** The AttributeValue of a constant expression (literal, `?`, list, bag, tuple), or undefined. */
export function constantOf(expr: Expr, parameters: readonly AttributeValue[], under = ''): AttributeValue | undefined {
  switch (expr.kind) {
    case 'literal':
      return structuredClone(expr.value);
    case 'param':
      return structuredClone(parameters[expr.index]);
    case 'list': {
      const items: AttributeValue[] = [];
      for (const item of expr.items) {
        const value = constantOf(item, parameters, under);
        if (value === undefined) return undefined;
        items.push(value);
      }
      return { L: items };
    }
    case 'bag':
      return bagOf(expr.items, parameters, under);
    case 'tuple': {
      const map: Record<string, AttributeValue> = {};
      for (const { key, value } of expr.entries) {
        const name = constantOf(key, parameters, under);
        if (name === undefined) return undefined;
        if (name.S === undefined) throw invalid(M.tupleKey(typeName(name), under || 'item'));
        // `'a': MISSING` leaves the attribute out, as PartiQL's MISSING does in a tuple.
        if (value.kind === 'missing') continue;
        const member = constantOf(value, parameters, under ? `${under}.${name.S}` : name.S);
        if (member === undefined) return undefined;
        map[name.S] = member;
      }
      return { M: map };
    }
    default:
      return undefined;
  }
}

function typeName(value: AttributeValue): string {
  const type = attributeType(value);
  return type === 'S' ? 'STRING' : type === 'N' ? 'NUMBER' : type === 'BOOL' ? 'BOOL' : (type ?? 'MISSING');
}

/** `<<'a', 'b'>>`: a string, number or binary set (binaries come only from parameters). */
function bagOf(items: Expr[], parameters: readonly AttributeValue[], under: string): AttributeValue | undefined {
  if (items.length === 0) throw invalid(M.emptyBag);
  const values: AttributeValue[] = [];
  for (const item of items) {
    const value = constantOf(item, parameters, under);
    if (value === undefined) return undefined;
    values.push(value);
  }
  const first = attributeType(values[0]!);
  if ((first !== 'S' && first !== 'N' && first !== 'B') || values.some((v) => attributeType(v) !== first)) {
    throw invalid(M.bagType);
  }
  if (first === 'S') return { SS: values.map((v) => v.S!) };
  if (first === 'N') return { NS: values.map((v) => v.N!) };
  return { BS: values.map((v) => v.B!) };
}

const isTypes: Record<string, string> = {
  NULL: 'NULL',
  BOOLEAN: 'BOOL',
  BOOL: 'BOOL',
  BLOB: 'B',
  STRING: 'S',
  NUMERIC: 'N',
  NUMBER: 'N',
  STRUCT: 'M',
  TUPLE: 'M',
  LIST: 'L',
};

const conditionFunctions = new Set([
  'begins_with',
  'contains',
  'attribute_type',
  'attribute_exists',
  'attribute_not_exists',
  'size',
]);

/** Builds one request's expressions: names as #n0, #n1..., values as :v0, :v1... */
export class ExpressionBuilder {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, AttributeValue> = {};
  private readonly nameOf = new Map<string, string>();
  private valueCount = 0;

  constructor(private readonly parameters: readonly AttributeValue[]) {}

  path(steps: readonly PathStep[]): string {
    return steps
      .map((step) => {
        if (typeof step === 'number') return `[${step}]`;
        let placeholder = this.nameOf.get(step);
        if (!placeholder) {
          placeholder = `#n${this.nameOf.size}`;
          this.nameOf.set(step, placeholder);
          this.names[placeholder] = step;
        }
        return `.${placeholder}`;
      })
      .join('')
      .slice(1);
  }

  value(value: AttributeValue): string {
    const placeholder = `:v${this.valueCount++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  /** An operand of a condition or of a SET: a path, a constant, size() or (SET) a function. */
  operand(expr: Expr, inUpdate: boolean): string {
    if (expr.kind === 'path') return this.path(expr.steps);
    if (expr.kind === 'missing') throw invalid(M.missingCompare);
    if (expr.kind === 'call') {
      if (expr.name === 'size' && expr.args.length === 1) return `size(${this.operand(expr.args[0]!, inUpdate)})`;
      if (inUpdate && (expr.name === 'list_append' || expr.name === 'if_not_exists')) {
        return `${expr.name}(${expr.args.map((arg) => this.operand(arg, true)).join(', ')})`;
      }
      throw invalid(M.unrecognizedFunction(expr.name));
    }
    if (expr.kind === 'arith') {
      if (!inUpdate) throw invalid(M.conditionOperator(expr.op));
      return `${this.operand(expr.left, true)} ${expr.op} ${this.operand(expr.right, true)}`;
    }
    const constant = constantOf(expr, this.parameters);
    if (constant === undefined) throw invalid(M.whereBoolean);
    return this.value(constant);
  }

  /** A WHERE condition as a condition expression. */
  condition(expr: Expr): string {
    switch (expr.kind) {
      case 'and':
      case 'or':
        return `(${this.condition(expr.left)}) ${expr.kind.toUpperCase()} (${this.condition(expr.right)})`;
      case 'not':
        return `NOT (${this.condition(expr.operand)})`;
      case 'compare':
        if (expr.left.kind === 'missing' || expr.right.kind === 'missing') throw invalid(M.missingCompare);
        return `${this.operand(expr.left, false)} ${expr.op} ${this.operand(expr.right, false)}`;
      case 'between': {
        const text = `${this.operand(expr.operand, false)} BETWEEN ${this.operand(expr.low, false)} AND ${this.operand(expr.high, false)}`;
        return expr.negated ? `NOT (${text})` : text;
      }
      case 'in': {
        const members = inMembers(expr.list, this.parameters);
        if (expr.operand.kind !== 'path' || members === undefined) throw invalid(M.inOperator);
        const text = `${this.path(expr.operand.steps)} IN (${members.map((m) => this.value(m)).join(', ')})`;
        return expr.negated ? `NOT (${text})` : text;
      }
      case 'is': {
        if (expr.operand.kind !== 'path') throw invalid(M.isOperand);
        const path = this.path(expr.operand.steps);
        if (expr.type === 'MISSING')
          return expr.negated ? `attribute_exists(${path})` : `attribute_not_exists(${path})`;
        const type = isTypes[expr.type];
        if (!type) throw invalid(M.isType(expr.type));
        const text = `attribute_type(${path}, ${this.value({ S: type })})`;
        return expr.negated ? `NOT (${text})` : text;
      }
      case 'call': {
        if (!conditionFunctions.has(expr.name) || expr.name === 'size')
          throw invalid(M.unrecognizedFunction(expr.name));
        return `${expr.name}(${expr.args.map((arg) => this.operand(arg, false)).join(', ')})`;
      }
      default:
        throw invalid(M.whereBoolean);
    }
  }

  /** SET and REMOVE actions as an update expression. */
  update(actions: readonly UpdateAction[]): string {
    const sets: string[] = [];
    const removes: string[] = [];
    const adds: string[] = [];
    const deletes: string[] = [];
    for (const action of actions) {
      const path = this.path(action.path);
      if (action.kind === 'remove') {
        removes.push(path);
        continue;
      }
      const value = action.value;
      if (value.kind === 'call' && (value.name === 'set_add' || value.name === 'set_delete')) {
        const op = value.name === 'set_add' ? 'ADD' : 'DELETE';
        if (value.args.length !== 2) throw invalid(M.setFunctionArguments(op));
        const [target, members] = value.args as [Expr, Expr];
        if (target.kind !== 'path' || pathText(target.steps) !== pathText(action.path)) {
          throw invalid(M.setFunctionFirst(op));
        }
        const set = constantOf(members, this.parameters);
        if (!set || (set.SS === undefined && set.NS === undefined && set.BS === undefined)) {
          throw invalid(M.setFunctionSecond(op));
        }
        (op === 'ADD' ? adds : deletes).push(`${path} ${this.value(set)}`);
        continue;
      }
      if (value.kind === 'missing') {
        removes.push(path);
        continue;
      }
      sets.push(`${path} = ${this.operand(value, true)}`);
    }
    const clauses: string[] = [];
    if (sets.length > 0) clauses.push(`SET ${sets.join(', ')}`);
    if (removes.length > 0) clauses.push(`REMOVE ${removes.join(', ')}`);
    if (adds.length > 0) clauses.push(`ADD ${adds.join(', ')}`);
    if (deletes.length > 0) clauses.push(`DELETE ${deletes.join(', ')}`);
    return clauses.join(' ');
  }

  /** The parsed condition and update of one statement (either may be absent). */
  parse(
    condition: string | undefined,
    update: string | undefined,
    tableKeys?: readonly string[],
  ): { condition?: Condition; update?: Update } {
    if (condition === undefined && update === undefined) return {};
    const hasNames = Object.keys(this.names).length > 0;
    const hasValues = Object.keys(this.values).length > 0;
    return parseExpressions(
      {
        ...(condition !== undefined ? { ConditionExpression: condition } : {}),
        ...(update !== undefined ? { UpdateExpression: update } : {}),
        ...(hasNames ? { ExpressionAttributeNames: this.names } : {}),
        ...(hasValues ? { ExpressionAttributeValues: this.values } : {}),
      },
      tableKeys ? { tableKeys } : {},
    );
  }
}

/** The members of an IN list: a `[...]` (or `(...)`, `<<...>>`) of constants, or a list parameter. */
export function inMembers(list: Expr, parameters: readonly AttributeValue[]): AttributeValue[] | undefined {
  if (list.kind === 'list' || list.kind === 'bag') {
    const members: AttributeValue[] = [];
    for (const item of list.items) {
      const value = constantOf(item, parameters);
      if (value === undefined) return undefined;
      members.push(value);
    }
    return members.length > 0 ? members : undefined;
  }
  const value = constantOf(list, parameters);
  return value?.L && value.L.length > 0 ? value.L : undefined;
}
