/**
 * The one place an item changes: PutItem, UpdateItem, DeleteItem, BatchWriteItem and
 * TransactWriteItems all end in `writeItem`, which knows the item's old and new image together.
 * It writes the item, every index entry the change touches (deleting the old entry, writing the
 * new, in the request's transaction), the running counts, and tells the change listeners (where
 * Streams will hang on) what changed.
 */

import { CapacityTally, writeUnits } from './capacity.js';
import { decodeItem, encodeItem, type Item } from './item-codec.js';
import { indexKeyOf, keyAttributes } from './keys.js';
import type { DynamodbState } from './state.js';
import type { IndexKey, StoredKey } from './store.js';
import type { IndexDefinition, Table } from './table-model.js';
import { itemSize } from './values/item-size.js';

/** An item as read from the store: its image, its text and its size. */
export interface StoredItem {
  item: Item;
  text: string;
  size: number;
}

/** One change of one item, as Streams will want it. */
export interface ItemChange {
  table: Table;
  /** Where the item sits (TTL's expiry index names it so). */
  key: StoredKey;
  keys: Item;
  oldImage: Item | undefined;
  newImage: Item | undefined;
  /** The new image's size in bytes (0 for a delete). */
  size: number;
  /** The service that made the change, when no caller did (TTL: `dynamodb.amazonaws.com`). */
  principal?: string;
}

/** A listener of every item change (Streams, later); it runs inside the write's transaction. */
export type ChangeListener = (change: ItemChange) => void;

export function readItem(state: DynamodbState, table: Table, key: StoredKey): StoredItem | undefined {
  const row = state.store.getItem(table.id, key);
  return row ? { item: decodeItem(row.item), text: row.item, size: row.size } : undefined;
}

/** The attributes an index keeps of an item. */
export function projectForIndex(index: IndexDefinition, item: Item): Item {
  if (index.projection === 'ALL') return item;
  const out: Item = {};
  for (const name of index.kept) {
    const value = item[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function sameKey(a: IndexKey, b: IndexKey): boolean {
  return a.h === b.h && a.pk.equals(b.pk) && a.sk.equals(b.sk);
}

/**
 * Replaces (or, with `next` undefined, deletes) the item at `key`, whose current content is
 * `old`. Returns the write capacity it consumed. `principal` names the service making the change
 * when it is not a request's (TTL).
 */
export function writeItem(
  state: DynamodbState,
  table: Table,
  key: StoredKey,
  old: StoredItem | undefined,
  next: { item: Item; size: number } | undefined,
  principal?: string,
): CapacityTally {
  const store = state.store;
  const tally = new CapacityTally();
  tally.table = writeUnits(Math.max(old?.size ?? 0, next?.size ?? 0));
  if (!old && !next) return tally;
  const nextText = next ? encodeItem(next.item) : undefined;
  if (next && nextText !== undefined) store.putItem(table.id, key, nextText, next.size);
  else store.deleteItem(table.id, key);
  store.addCounts(table.id, (next ? 1 : 0) - (old ? 1 : 0), (next?.size ?? 0) - (old?.size ?? 0));
  for (const index of table.indexes) {
    const oldKey = old ? indexKeyOf(index, old.item, key) : undefined;
    const newKey = next ? indexKeyOf(index, next.item, key) : undefined;
    if (!oldKey && !newKey) continue;
    let oldSize = 0;
    if (oldKey && old) {
      oldSize = index.projection === 'ALL' ? old.size : itemSize(projectForIndex(index, old.item));
      if (!newKey || !sameKey(oldKey, newKey)) store.deleteIndexItem(index.id, oldKey);
    }
    let newSize = 0;
    if (newKey && next && nextText !== undefined) {
      const projected = projectForIndex(index, next.item);
      newSize = index.projection === 'ALL' ? next.size : itemSize(projected);
      store.putIndexItem(index.id, newKey, index.projection === 'ALL' ? nextText : encodeItem(projected), newSize);
    }
    store.addIndexCounts(index.id, (newKey ? 1 : 0) - (oldKey ? 1 : 0), newSize - oldSize);
    // An index entry that moves is a delete and a put (two writes); one that stays is one.
    const moved = oldKey && newKey && !sameKey(oldKey, newKey);
    tally.addIndex(index, writeUnits(Math.max(oldSize, newSize)) * (moved ? 2 : 1));
  }
  const listeners = state.changeListeners;
  if (listeners.length > 0) {
    const change: ItemChange = {
      table,
      key,
      keys: keyAttributes(table, (next ?? old)?.item ?? {}),
      oldImage: old?.item,
      newImage: next?.item,
      size: next?.size ?? 0,
    };
    if (principal !== undefined) change.principal = principal;
    for (const listener of listeners) listener(change);
  }
  return tally;
}

/** Fills a new GSI from the table's items, a page at a time (UpdateTable's Create). */
export function backfillIndex(state: DynamodbState, table: Table, index: IndexDefinition): void {
  let start: StoredKey | undefined;
  for (;;) {
    const rows = state.store.tableItemsAfter(table.id, start, 1000);
    let count = 0;
    let bytes = 0;
    for (const row of rows) {
      const item = decodeItem(row.item);
      const key = { h: row.h, pk: row.pk, sk: row.sk };
      const indexKey = indexKeyOf(index, item, key);
      if (!indexKey) continue;
      const projected = projectForIndex(index, item);
      const size = index.projection === 'ALL' ? row.size : itemSize(projected);
      state.store.putIndexItem(index.id, indexKey, index.projection === 'ALL' ? row.item : encodeItem(projected), size);
      count++;
      bytes += size;
    }
    if (count > 0) state.store.addIndexCounts(index.id, count, bytes);
    const last = rows[rows.length - 1];
    if (!last || rows.length < 1000) return;
    start = { h: last.h, pk: last.pk, sk: last.sk };
  }
}
