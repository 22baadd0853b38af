/**
 * What a WHERE clause says about keys.
 *
 * - A write (UPDATE, DELETE) and an EXISTS name one item: every key attribute fixed by an
 *   equality among the clause's top-level ANDs; the other terms are the write's condition
 *   ("Where clause does not contain a mandatory equality on all key attributes" otherwise).
 * - A SELECT is a Query when the clause fixes the partition key with `=`, `IN` or an OR of
 *   equalities (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-reference.select.html:
 *   "the WHERE clause condition must specify a partition key. Use the equality or IN
 *   operator"); a condition on the sort key bounds each partition's range. Otherwise it is a Scan.
 *   Either way the whole clause still filters every item read, so that the key range only saves
 *   reading, never changes the answer.
 */
import type { AttributeValue } from '../../../generated/dynamodb/types.js';
import type { KeyCondition } from '../expressions/index.js';
import type { Item } from '../item-codec.js';
import type { KeyAttribute } from '../table-model.js';
import { attributeType } from '../values/attribute-values.js';
import { valuesEqual } from '../values/compare.js';
import type { Comparator, Expr } from './ast.js';
import { invalid, M } from './messages.js';
import { constantOf, inMembers } from './translate.js';

/** The top-level AND terms of a condition. */
export function conjuncts(expr: Expr | undefined): Expr[] {
  if (!expr) return [];
  if (expr.kind === 'and') return [...conjuncts(expr.left), ...conjuncts(expr.right)];
  return [expr];
}

/** The AND of terms again (undefined for none). */
export function conjunction(terms: readonly Expr[]): Expr | undefined {
  let out: Expr | undefined;
  for (const term of terms) out = out ? { kind: 'and', left: out, right: term } : term;
  return out;
}

function attributeName(expr: Expr): string | undefined {
  return expr.kind === 'path' && expr.steps.length === 1 && typeof expr.steps[0] === 'string'
    ? expr.steps[0]
    : undefined;
}

const flipped: Record<Comparator, Comparator> = { '=': '=', '<>': '<>', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** `name op constant` (or `constant op name`, flipped), for the named attribute. */
function comparison(
  term: Expr,
  name: string,
  parameters: readonly AttributeValue[],
): { op: Comparator; value: AttributeValue } | undefined {
  if (term.kind !== 'compare') return undefined;
  if (attributeName(term.left) === name) {
    const value = constantOf(term.right, parameters);
    return value ? { op: term.op, value } : undefined;
  }
  if (attributeName(term.right) === name) {
    const value = constantOf(term.left, parameters);
    return value ? { op: flipped[term.op], value } : undefined;
  }
  return undefined;
}

/** The item a write or EXISTS names, and the rest of its WHERE clause as its condition. */
export function itemKey(
  keySchema: readonly KeyAttribute[],
  where: Expr,
  parameters: readonly AttributeValue[],
  message: string,
): { key: Item; rest: Expr | undefined } {
  const key: Item = {};
  const rest: Expr[] = [];
  for (const term of conjuncts(where)) {
    let matched = false;
    for (const attribute of keySchema) {
      const found = comparison(term, attribute.name, parameters);
      if (found?.op !== '=') continue;
      const seen = key[attribute.name];
      if (seen && !valuesEqual(seen, found.value)) throw invalid(M.multipleKeyConditions(attribute.name));
      key[attribute.name] = found.value;
      matched = true;
      break;
    }
    if (!matched) rest.push(term);
  }
  if (keySchema.some((attribute) => key[attribute.name] === undefined)) throw invalid(message);
  return { key, rest: conjunction(rest) };
}

/** The partitions (one Query each) and the sort key range a SELECT reads, or undefined for a Scan. */
export interface QueryPlan {
  hashValues: AttributeValue[];
  range: KeyCondition['range'];
}

/** A Query reads at most this many partitions (ql-operators.html: "at max 50 hash attribute values"). */
const maxPartitions = 50;

function hashValuesOf(
  term: Expr,
  hash: KeyAttribute,
  parameters: readonly AttributeValue[],
): AttributeValue[] | undefined {
  const equal = comparison(term, hash.name, parameters);
  if (equal) return equal.op === '=' ? [equal.value] : undefined;
  if (term.kind === 'in' && !term.negated && attributeName(term.operand) === hash.name) {
    return inMembers(term.list, parameters);
  }
  if (term.kind === 'or') {
    const left = hashValuesOf(term.left, hash, parameters);
    const right = left && hashValuesOf(term.right, hash, parameters);
    return left && right ? [...left, ...right] : undefined;
  }
  return undefined;
}

function rangeOf(
  term: Expr,
  range: KeyAttribute,
  parameters: readonly AttributeValue[],
): KeyCondition['range'] | undefined {
  const compared = comparison(term, range.name, parameters);
  if (compared)
    return compared.op === '<>' ? undefined : { name: range.name, op: compared.op, values: [compared.value] };
  if (term.kind === 'between' && !term.negated && attributeName(term.operand) === range.name) {
    const low = constantOf(term.low, parameters);
    const high = constantOf(term.high, parameters);
    return low && high ? { name: range.name, op: 'BETWEEN', values: [low, high] } : undefined;
  }
  if (term.kind === 'call' && term.name === 'begins_with' && term.args.length === 2) {
    const [path, prefix] = term.args as [Expr, Expr];
    const value = attributeName(path) === range.name ? constantOf(prefix, parameters) : undefined;
    return value ? { name: range.name, op: 'BEGINS_WITH', values: [value] } : undefined;
  }
  return undefined;
}

/** How a SELECT on a table or index of this key schema reads. */
export function planSelect(
  keySchema: readonly KeyAttribute[],
  where: Expr | undefined,
  parameters: readonly AttributeValue[],
): QueryPlan | undefined {
  const [hash, range] = keySchema as [KeyAttribute, KeyAttribute | undefined];
  const terms = conjuncts(where);
  let hashValues: AttributeValue[] | undefined;
  for (const term of terms) {
    hashValues = hashValuesOf(term, hash, parameters);
    if (hashValues) break;
  }
  if (!hashValues) return undefined;
  // A value of another type than the key's can match no item: it needs no Query.
  const distinct: AttributeValue[] = [];
  for (const value of hashValues) {
    if (attributeType(value) !== hash.type) continue;
    if (!distinct.some((seen) => valuesEqual(seen, value))) distinct.push(value);
  }
  if (distinct.length > maxPartitions) throw invalid(M.tooManyReads);
  let rangeCondition: KeyCondition['range'];
  if (range) {
    for (const term of terms) {
      const found = rangeOf(term, range, parameters);
      // begins_with on a number key is no range (the filter still applies it: it matches nothing).
      if (found?.op === 'BEGINS_WITH' && range.type === 'N') continue;
      if (found?.values.every((value) => attributeType(value) === range.type)) {
        rangeCondition = found;
        break;
      }
    }
  }
  return { hashValues: distinct, range: rangeCondition };
}
