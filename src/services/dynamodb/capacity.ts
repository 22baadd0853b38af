/**
 * Consumed capacity as AWS counts it
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
 * a write is 1 unit per KB (rounded up) of the larger of the item before and after, for the
 * table and for each index it changes; a read is 1 unit per 4 KB (rounded up) of what was read,
 * half that when eventually consistent; transactions cost twice. Query and Scan round the sum of
 * the items they read, not each item.
 */
import type * as T from '../../generated/dynamodb/types.js';
import type { IndexDefinition, Table } from './table-model.js';

export function writeUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 1024));
}

export function readUnits(bytes: number, consistent: boolean): number {
  const units = Math.max(1, Math.ceil(bytes / 4096));
  return consistent ? units : units / 2;
}

/** The capacity one table (and its indexes) consumed in one request. */
export class CapacityTally {
  table = 0;
  readonly global = new Map<string, number>();
  readonly local = new Map<string, number>();

  addIndex(index: IndexDefinition, units: number): void {
    const map = index.global ? this.global : this.local;
    map.set(index.name, (map.get(index.name) ?? 0) + units);
  }

  total(): number {
    let sum = this.table;
    for (const units of this.global.values()) sum += units;
    for (const units of this.local.values()) sum += units;
    return sum;
  }

  /** The ConsumedCapacity member, or undefined when the request did not ask (NONE). */
  output(
    table: Table,
    mode: T.ReturnConsumedCapacity | undefined,
    kind: 'read' | 'write',
  ): T.ConsumedCapacity | undefined {
    if (mode !== 'TOTAL' && mode !== 'INDEXES') return undefined;
    const total = this.total();
    const out: T.ConsumedCapacity = { TableName: table.name, CapacityUnits: total };
    if (kind === 'read') out.ReadCapacityUnits = total;
    else out.WriteCapacityUnits = total;
    if (mode === 'INDEXES') {
      out.Table = { CapacityUnits: this.table };
      if (this.global.size > 0) out.GlobalSecondaryIndexes = capacityMap(this.global);
      if (this.local.size > 0) out.LocalSecondaryIndexes = capacityMap(this.local);
    }
    return out;
  }
}

function capacityMap(map: Map<string, number>): Record<string, T.Capacity> {
  const out: Record<string, T.Capacity> = {};
  for (const [name, units] of map) out[name] = { CapacityUnits: units };
  return out;
}
