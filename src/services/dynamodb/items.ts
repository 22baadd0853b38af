/**
 * Single-item operations: PutItem, GetItem, UpdateItem, DeleteItem. Each reads the item's current
 * image, checks its condition against it, and writes through `writeItem` (writes.ts), in the
 * request's savepoint.
 *
 * The write steps are exported for BatchWriteItem and TransactWriteItems, which apply the same
 * checks item by item.
 */
import { ValidationException } from '../../errors/common.js';
import type { DynamodbOperations } from '../../generated/dynamodb/operations.js';
import type * as T from '../../generated/dynamodb/types.js';
import { RawJson } from '../../protocol/raw-json.js';
import type { RequestContext } from '../service-types.js';
import { CapacityTally, readUnits } from './capacity.js';
import { applyUpdate, type Condition, evaluateCondition, type Update } from './expressions/index.js';
import type { Item } from './item-codec.js';
import { keyAttributes, keyFromItem, keyFromKey } from './keys.js';
import {
  checkKeyValues,
  checkOldOrNone,
  conditionFailed,
  expressionsOf,
  projector,
  updateReturnValues,
} from './requests.js';
import type { DynamodbState } from './state.js';
import type { StoredKey } from './store.js';
import type { Table } from './table-model.js';
import { validateItem } from './values/attribute-values.js';
import { ITEM_TOO_LARGE, itemSize, MAX_ITEM_SIZE, UPDATED_ITEM_TOO_LARGE } from './values/item-size.js';
import { readItem, type StoredItem, writeItem } from './writes.js';

/** A write checked and ready: where, what was there, what will be. */
export interface PreparedWrite {
  table: Table;
  key: StoredKey;
  old: StoredItem | undefined;
  next: { item: Item; size: number } | undefined;
}

/** The checks of a PutItem's item: valid values (numbers made canonical), keys, size. */
export function preparePut(table: Table, item: Item): { key: StoredKey; size: number } {
  validateItem(item);
  const key = keyFromItem(table, item);
  const size = itemSize(item);
  if (size > MAX_ITEM_SIZE) throw new ValidationException(ITEM_TOO_LARGE);
  return { key, size };
}

/** The stored key of a Key member, its values checked. */
export function prepareKey(table: Table, key: Item): StoredKey {
  checkKeyValues(key);
  return keyFromKey(table, key);
}

/** Whether the current image passes a condition (none: always). */
export function passes(condition: Condition | undefined, old: StoredItem | undefined): boolean {
  return condition === undefined || evaluateCondition(condition, old?.item);
}

/** The new image of an UpdateItem: the update applied to the old image (or to the key alone). */
export function updatedImage(table: Table, key: Item, update: Update | undefined, old: StoredItem | undefined) {
  const base = old?.item ?? key;
  const item = update ? applyUpdate(update, old?.item, key) : { ...base };
  keyFromItem(table, item);
  const size = itemSize(item);
  if (size > MAX_ITEM_SIZE) throw new ValidationException(UPDATED_ITEM_TOO_LARGE);
  return { item, size };
}

/** ItemCollectionMetrics: only tables with local secondary indexes have item collections. */
export function collectionMetrics(
  table: Table,
  wanted: T.ReturnItemCollectionMetrics | undefined,
  item: Item | undefined,
): T.ItemCollectionMetrics | undefined {
  if (wanted !== 'SIZE' || !item || !table.indexes.some((index) => !index.global)) return undefined;
  const hash = item[table.hash.name];
  if (!hash) return undefined;
  return { ItemCollectionKey: { [table.hash.name]: hash }, SizeEstimateRangeGB: [0, 1] };
}

function withCapacity<Out extends { ConsumedCapacity?: T.ConsumedCapacity }>(
  out: Out,
  tally: CapacityTally,
  table: Table,
  mode: T.ReturnConsumedCapacity | undefined,
  kind: 'read' | 'write',
): Out {
  const capacity = tally.output(table, mode, kind);
  if (capacity) out.ConsumedCapacity = capacity;
  return out;
}

export function itemOperations(state: DynamodbState) {
  return {
    putItem(ctx, input) {
      checkOldOrNone(input.ReturnValues);
      const table = state.itemTable(ctx, input.TableName);
      const { condition } = expressionsOf('PutItem', input, table);
      const { key, size } = preparePut(table, input.Item);
      const old = readItem(state, table, key);
      if (!passes(condition, old)) throw conditionFailed(input.ReturnValuesOnConditionCheckFailure, old?.item);
      const tally = writeItem(state, table, key, old, { item: input.Item, size });
      const out: T.PutItemOutput = {};
      if (input.ReturnValues === 'ALL_OLD' && old) out.Attributes = old.item;
      const metrics = collectionMetrics(table, input.ReturnItemCollectionMetrics, input.Item);
      if (metrics) out.ItemCollectionMetrics = metrics;
      return withCapacity(out, tally, table, input.ReturnConsumedCapacity, 'write');
    },

    getItem(ctx, input) {
      const table = state.itemTable(ctx, input.TableName);
      const { projection } = expressionsOf('GetItem', input, table);
      const key = prepareKey(table, input.Key);
      const project = projector(projection);
      const out: T.GetItemOutput = {};
      let size = 0;
      if (!project && ctx.rawJson) {
        // Bound for the JSON serializer: the stored text is the answer (protocol/raw-json.ts).
        const row = state.store.getItem(table.id, key);
        if (row) out.Item = new RawJson(row.item) as unknown as Item;
        size = row?.size ?? 0;
      } else {
        const found = readItem(state, table, key);
        if (found) out.Item = project ? project(found.item) : found.item;
        size = found?.size ?? 0;
      }
      const tally = new CapacityTally();
      tally.table = readUnits(size, input.ConsistentRead === true);
      return withCapacity(out, tally, table, input.ReturnConsumedCapacity, 'read');
    },

    updateItem(ctx, input) {
      const table = state.itemTable(ctx, input.TableName);
      const { condition, update } = expressionsOf('UpdateItem', input, table);
      const key = prepareKey(table, input.Key);
      const old = readItem(state, table, key);
      if (!passes(condition, old)) throw conditionFailed(input.ReturnValuesOnConditionCheckFailure, old?.item);
      const next = updatedImage(table, keyAttributes(table, input.Key), update, old);
      const tally = writeItem(state, table, key, old, next);
      const out: T.UpdateItemOutput = {};
      const attributes = updateReturnValues(input.ReturnValues, update, old?.item, next.item);
      if (attributes) out.Attributes = attributes;
      const metrics = collectionMetrics(table, input.ReturnItemCollectionMetrics, next.item);
      if (metrics) out.ItemCollectionMetrics = metrics;
      return withCapacity(out, tally, table, input.ReturnConsumedCapacity, 'write');
    },

    deleteItem(ctx, input) {
      checkOldOrNone(input.ReturnValues);
      const table = state.itemTable(ctx, input.TableName);
      const { condition } = expressionsOf('DeleteItem', input, table);
      const key = prepareKey(table, input.Key);
      const old = readItem(state, table, key);
      if (!passes(condition, old)) throw conditionFailed(input.ReturnValuesOnConditionCheckFailure, old?.item);
      const tally = writeItem(state, table, key, old, undefined);
      const out: T.DeleteItemOutput = {};
      if (input.ReturnValues === 'ALL_OLD' && old) out.Attributes = old.item;
      const metrics = collectionMetrics(table, input.ReturnItemCollectionMetrics, old?.item ?? input.Key);
      if (metrics) out.ItemCollectionMetrics = metrics;
      return withCapacity(out, tally, table, input.ReturnConsumedCapacity, 'write');
    },
  } satisfies Partial<DynamodbOperations<RequestContext>>;
}
