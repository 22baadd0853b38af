/**
 * Primary and index keys: checking an item's or a Key's key attributes against a schema in AWS's
 * words, and turning key values into the bytes the store orders by.
 *
 * Error texts: dynalite's db/index.js (validateKey, validateItem, checkKeySize), whose tests ran
 * against AWS; shared/aws-reference/recorded-responses/services/dynamodb/test_dynamodb.snapshot.json
 * (test_batch_write_not_matching_schema: "The provided key element does not match the schema").
 * The secondary-index empty-value text is AWS's since empty non-key strings were allowed
 * (https://aws.amazon.com/about-aws/whats-new/2020/05/amazon-dynamodb-now-supports-empty-values-for-non-key-string-and-binary-attributes-in-dynamodb-tables/).
 */
import { ValidationException } from '../../errors/common.js';
import type { AttributeValue } from '../../generated/dynamodb/types.js';
import type { IndexKey, StoredKey } from './store.js';
import type { IndexDefinition, KeyAttribute, Table } from './table-model.js';
import { encodeSortableNumber } from './values/numbers.js';

export type Item = Record<string, AttributeValue>;

const empty: Buffer = Buffer.alloc(0);

/** "The provided key element does not match the schema" */
export function keyMismatch(): ValidationException {
  return new ValidationException('The provided key element does not match the schema');
}

/** The bytes of one key value (its type already checked): UTF-8, the bytes, or a sortable number. */
export function keyBytes(type: 'S' | 'N' | 'B', value: AttributeValue): Buffer {
  if (type === 'S') return Buffer.from(value.S as string, 'utf8');
  if (type === 'N') return encodeSortableNumber(value.N as string);
  return Buffer.from(value.B as Uint8Array);
}

/**
 * A 32-bit hash of a partition key's bytes (FNV-1a, then murmur3's finalizer to spread the low
 * bits): Scans walk items in this order, and a parallel Scan's segment is a range of it.
 */
export function partitionHash(bytes: Buffer): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    hash ^= bytes[i] as number;
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** 2^32: the partition hashes are [0, hashSpace). */
export const hashSpace = 0x1_0000_0000;

function typeOf(value: AttributeValue): string {
  for (const name in value) if ((value as Record<string, unknown>)[name] !== undefined) return name;
  return '';
}

function isEmptyValue(type: 'S' | 'N' | 'B', value: AttributeValue): boolean {
  if (type === 'S') return value.S === '';
  if (type === 'B') return (value.B as Uint8Array).length === 0;
  return false;
}

function checkKeySize(attribute: KeyAttribute, bytes: Buffer, isHash: boolean): void {
  if (attribute.type === 'N') return;
  if (isHash && bytes.length > 2048) {
    throw new ValidationException(
      'One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes',
    );
  }
  if (!isHash && bytes.length > 1024) {
    throw new ValidationException(
      'One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes',
    );
  }
}

function encode(table: Table, item: Item): StoredKey {
  const pk = keyBytes(table.hash.type, item[table.hash.name] as AttributeValue);
  checkKeySize(table.hash, pk, true);
  let sk = empty;
  if (table.range) {
    sk = keyBytes(table.range.type, item[table.range.name] as AttributeValue);
    checkKeySize(table.range, sk, false);
  }
  return { h: partitionHash(pk), pk, sk };
}

/**
 * The stored key of a `Key` member (GetItem, DeleteItem, UpdateItem, batch and transaction keys):
 * exactly the key attributes, each of its defined type, none empty.
 */
export function keyFromKey(table: Table, key: Item): StoredKey {
  let count = 0;
  for (const _ in key) count++;
  if (count !== table.keySchema.length) throw keyMismatch();
  for (const attribute of table.keySchema) {
    const value = key[attribute.name];
    if (value === undefined || typeOf(value) !== attribute.type) throw keyMismatch();
    if (isEmptyValue(attribute.type, value)) {
      throw new ValidationException(
        `One or more parameter values were invalid: The AttributeValue for a key attribute cannot contain an empty ${attribute.type === 'S' ? 'string' : 'binary'} value. Key: ${attribute.name}`,
      );
    }
  }
  return encode(table, key);
}

/**
 * The stored key of a whole item (PutItem, an UpdateItem's result): its key attributes present,
 * typed as defined and not empty, and its index key attributes, where present, typed as their
 * index needs.
 */
export function keyFromItem(table: Table, item: Item): StoredKey {
  for (const attribute of table.keySchema) {
    const value = item[attribute.name];
    if (value === undefined) {
      throw new ValidationException(
        `One or more parameter values were invalid: Missing the key ${attribute.name} in the item`,
      );
    }
    const actual = typeOf(value);
    if (actual !== attribute.type) {
      throw new ValidationException(
        `One or more parameter values were invalid: Type mismatch for key ${attribute.name} expected: ${attribute.type} actual: ${actual}`,
      );
    }
    if (isEmptyValue(attribute.type, value)) {
      throw new ValidationException(
        `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty ${attribute.type === 'S' ? 'string' : 'binary'} value. Key: ${attribute.name}`,
      );
    }
  }
  checkIndexKeys(table, item);
  return encode(table, item);
}

function checkIndexKeys(table: Table, item: Item): void {
  for (const index of table.indexes) {
    for (const attribute of index.keySchema) {
      const value = item[attribute.name];
      if (value === undefined) continue;
      const actual = typeOf(value);
      if (actual !== attribute.type) {
        throw new ValidationException(
          `One or more parameter values were invalid: Type mismatch for Index Key ${attribute.name} Expected: ${attribute.type} Actual: ${actual} IndexName: ${index.name}`,
        );
      }
      if (isEmptyValue(attribute.type, value)) {
        throw new ValidationException(
          `One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty ${attribute.type === 'S' ? 'string' : 'binary'} value. IndexName: ${index.name}, IndexKey: ${attribute.name}`,
        );
      }
    }
  }
}

/** Where an item sits in an index, or undefined when it lacks one of the index's key attributes (a sparse index). */
export function indexKeyOf(index: IndexDefinition, item: Item, tableKey: StoredKey): IndexKey | undefined {
  // An item without the index's key attributes, or with them of another type (possible only for
  // items written before a GSI was added), is not in the index.
  const hashValue = item[index.hash.name];
  if (hashValue?.[index.hash.type] === undefined) return undefined;
  let sk = empty;
  if (index.range) {
    const rangeValue = item[index.range.name];
    if (rangeValue?.[index.range.type] === undefined) return undefined;
    sk = keyBytes(index.range.type, rangeValue);
  }
  const pk = keyBytes(index.hash.type, hashValue);
  return { h: partitionHash(pk), pk, sk, tpk: tableKey.pk, tsk: tableKey.sk };
}

/** The key attributes of an item under a table's schema (for LastEvaluatedKey, ItemCollectionMetrics, Keys). */
export function keyAttributes(table: Table, item: Item): Item {
  const out: Item = {};
  for (const attribute of table.keySchema) {
    const value = item[attribute.name];
    if (value !== undefined) out[attribute.name] = value;
  }
  return out;
}
