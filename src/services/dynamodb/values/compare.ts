/**
 * Equality and order of attribute values, as conditions and key ranges use them.
 * - Equality is deep: sets ignore order, numbers compare by value, lists by position, maps by key.
 * - Order (`<`, `<=`, `>`, `>=`, BETWEEN) exists for N, S and B only, between values of one type:
 *   numbers by value, strings by UTF-8 bytes (code points), binaries bytewise
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html#Expressions.OperatorsAndFunctions.Comparators).
 *
 * Numbers are expected in canonical form (values/numbers.ts): the provider stores items so and
 * the expression engine normalizes ExpressionAttributeValues when it parses them.
 */

import { compareCodePoints } from '../../../core/code-point-order.js';
import type { AttributeValue } from '../../../generated/dynamodb/types.js';
import { compareNumbers } from './numbers.js';

/** Compares strings by code point, which is UTF-8 byte order (UTF-16 code units differ above U+D7FF). */
export const compareStrings = compareCodePoints;

export function compareBinaries(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/**
 * Order of two values of the same scalar type N, S or B; undefined when they are of other or
 * different types (a comparison with them is false, never an error, at evaluation time).
 */
export function compareValues(a: AttributeValue, b: AttributeValue): number | undefined {
  if (a.S !== undefined) return b.S !== undefined ? compareStrings(a.S, b.S) : undefined;
  if (a.N !== undefined) return b.N !== undefined ? compareNumbers(a.N, b.N) : undefined;
  if (a.B !== undefined) return b.B !== undefined ? compareBinaries(a.B, b.B) : undefined;
  return undefined;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** Deep equality as `=` and `<>` see it. */
export function valuesEqual(a: AttributeValue, b: AttributeValue): boolean {
  if (a.S !== undefined) return a.S === b.S;
  if (a.N !== undefined) return b.N !== undefined && (a.N === b.N || compareNumbers(a.N, b.N) === 0);
  if (a.BOOL !== undefined) return a.BOOL === b.BOOL;
  if (a.NULL !== undefined) return b.NULL !== undefined;
  if (a.B !== undefined) return b.B !== undefined && bytesEqual(a.B, b.B);
  if (a.M !== undefined) {
    const other = b.M;
    if (other === undefined) return false;
    let count = 0;
    for (const name in a.M) {
      const value = other[name];
      if (value === undefined || !valuesEqual(a.M[name]!, value)) return false;
      count++;
    }
    return Object.keys(other).length === count;
  }
  if (a.L !== undefined) {
    const other = b.L;
    if (other === undefined || other.length !== a.L.length) return false;
    for (let i = 0; i < other.length; i++) if (!valuesEqual(a.L[i]!, other[i]!)) return false;
    return true;
  }
  if (a.SS !== undefined) return b.SS !== undefined && sameMembers(a.SS, b.SS);
  if (a.NS !== undefined) return b.NS !== undefined && sameMembers(a.NS, b.NS);
  if (a.BS !== undefined) {
    if (b.BS === undefined || a.BS.length !== b.BS.length) return false;
    return sameMembers(a.BS.map(binaryKey), b.BS.map(binaryKey));
  }
  return false;
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  if (a.length === 1) return a[0] === b[0];
  const members = new Set(a);
  for (const member of b) if (!members.has(member)) return false;
  return true;
}

/** A string that identifies a binary's bytes, for set membership. */
export function binaryKey(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** Whether a set value (SS, NS or BS) holds a scalar of its element type. */
export function setHas(set: AttributeValue, member: AttributeValue): boolean {
  if (set.SS !== undefined) return member.S !== undefined && set.SS.includes(member.S);
  if (set.NS !== undefined) return member.N !== undefined && set.NS.includes(member.N);
  if (set.BS !== undefined) {
    if (member.B === undefined) return false;
    for (const element of set.BS) if (bytesEqual(element, member.B)) return true;
  }
  return false;
}
