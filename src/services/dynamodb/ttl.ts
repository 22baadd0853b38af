/**
 * Time to Live: items whose TTL attribute holds a Number of epoch seconds in the past are deleted
 * in the background (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html).
 *
 * - AWS deletes expired items "typically within a few days"; Nimbus sweeps every minute of Nimbus
 *   time, so an item goes within a minute after it expires (at once after a clock advance past it).
 *   Until then it reads back like any other item, as on AWS ("items that have expired, but haven't
 *   yet been deleted by TTL, still appear in reads, queries, and scans",
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html).
 * - The deletion goes through `writeItem` (indexes, counts, streams) as a service's, so that its
 *   stream record carries `userIdentity` {Service, dynamodb.amazonaws.com}.
 * - The sweep never scans a table: an expiry index (streams/store.ts, `dynamodb_ttl`) is written in
 *   each item's transaction while its table has TTL enabled, and filled from the table's items when
 *   TTL is enabled. An entry is only a hint: the sweep reads the item again and deletes it only if
 *   TTL is still enabled on the same attribute and the item's value has passed, so entries left
 *   by a disabled TTL or a deleted table are dropped when they come due.
 * - A value more than five years in the past is not deleted, as AWS documents ("items with an
 *   expiration time older than five years are not deleted", howitworks-ttl.html), nor is anything
 *   but a scalar Number.
 */
import { PeriodicSweep } from '../../core/periodic-sweep.js';
import { decodeItem, type Item } from './item-codec.js';
import type { DynamodbState } from './state.js';
import type { StoredKey } from './store.js';
import { parseTable, type Table } from './table-model.js';
import { type ItemChange, readItem, writeItem } from './writes.js';

/** Who deletes expired items, as stream records name it. */
export const ttlPrincipal = 'dynamodb.amazonaws.com';
const sweepEveryMs = 60_000;
const sweepStep = 500;
const fiveYearsSeconds = 5 * 365 * 24 * 60 * 60;

/** The epoch seconds an item expires at under the table's TTL, if it has a usable value. */
export function expiryOf(table: Table, item: Item | undefined, nowMs: number): number | undefined {
  const ttl = table.definition.TimeToLive;
  if (!item || !ttl?.Enabled) return undefined;
  const text = item[ttl.AttributeName]?.N;
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < nowMs / 1000 - fiveYearsSeconds) return undefined;
  return seconds;
}

/** The change listener that keeps the expiry index. */
export function indexExpiries(state: DynamodbState): (change: ItemChange) => void {
  return (change) => {
    if (!change.table.definition.TimeToLive?.Enabled) return;
    const now = state.now();
    const before = expiryOf(change.table, change.oldImage, now);
    const after = expiryOf(change.table, change.newImage, now);
    if (before === after) return;
    if (before !== undefined) state.streams.deleteExpiry(change.table.id, change.key, before);
    if (after !== undefined) state.streams.putExpiry(change.table.id, change.key, after);
  };
}

/** Fills the expiry index from a table's items, a page at a time (UpdateTimeToLive's enable). */
export function backfillExpiries(state: DynamodbState, table: Table): void {
  const now = state.now();
  let start: StoredKey | undefined;
  for (;;) {
    const rows = state.store.tableItemsAfter(table.id, start, 1000);
    for (const row of rows) {
      const expiry = expiryOf(table, decodeItem(row.item), now);
      if (expiry !== undefined) state.streams.putExpiry(table.id, { h: row.h, pk: row.pk, sk: row.sk }, expiry);
    }
    const last = rows[rows.length - 1];
    if (!last || rows.length < 1000) return;
    start = { h: last.h, pk: last.pk, sk: last.sk };
  }
}

/** Deletes up to one step of expired items; returns whether more may be due. */
export function sweepExpired(state: DynamodbState): boolean {
  const now = state.now();
  const due = state.streams.dueExpiries(now / 1000, sweepStep);
  const tables = new Map<number, Table | null>();
  for (const entry of due) {
    const key: StoredKey = { h: entry.h, pk: entry.pk, sk: entry.sk };
    state.streams.deleteExpiry(entry.table_id, key, entry.expires_at);
    let table = tables.get(entry.table_id);
    if (table === undefined) {
      const where = state.streams.tableName(entry.table_id);
      const row = where && state.store.table(where.account, where.region, where.name);
      table = row && row.id === entry.table_id ? parseTable(row) : null;
      tables.set(entry.table_id, table);
    }
    if (!table) continue;
    const old = readItem(state, table, key);
    const expiry = expiryOf(table, old?.item, now);
    if (!old || expiry === undefined || expiry * 1000 > now) continue;
    writeItem(state, table, key, old, undefined, ttlPrincipal);
  }
  return due.length === sweepStep;
}

/** Runs the sweep every minute of Nimbus time, each step in a transaction of its own. */
export class TtlSweeper extends PeriodicSweep {
  constructor(state: DynamodbState) {
    super(
      state.clock,
      sweepEveryMs,
      () => state.db.transaction(() => sweepExpired(state)),
      (error) => state.logger.warn(`dynamodb: the TTL sweep failed: ${error}`),
    );
  }
}
