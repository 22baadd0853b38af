/**
 * A restore makes a new table: the source's key schema, attribute definitions, indexes,
 * throughput and encryption (each of which the request may override), then its items. Tags,
 * streams, TTL and recovery settings are not restored, as on AWS
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_RestoreTableFromBackup.html).
 *
 * The table is made by CreateTable itself (tables.ts), so that its checks and its row are the
 * ones every table has; the items are then copied by INSERT ... SELECT (store.ts), and index
 * entries either copied (an index the restore keeps as it was) or built from the items.
 */
import type * as T from '../../../generated/dynamodb/types.js';
import type { RequestContext } from '../../service-types.js';
import type { DynamodbState } from '../state.js';
import type { StoredIndex, StoredThroughput, TableDefinition } from '../table-model.js';
import { parseTable, type Table } from '../table-model.js';
import { backfillIndex } from '../writes.js';
import { tableAlreadyExists } from './errors.js';
import type { Counts } from './store.js';

/** What the two restore operations may override. */
export type RestoreOverrides = Pick<
  T.RestoreTableFromBackupInput,
  | 'BillingModeOverride'
  | 'GlobalSecondaryIndexOverride'
  | 'LocalSecondaryIndexOverride'
  | 'ProvisionedThroughputOverride'
  | 'OnDemandThroughputOverride'
  | 'SSESpecificationOverride'
>;

export type CreateTable = (ctx: RequestContext, input: T.CreateTableInput) => T.CreateTableOutput;

/** Where the items come from: a copy of them, and of the index entries it can give. */
export interface ItemSource {
  copyItems(tableId: number): Counts;
  /** Copies the entries of an index that is kept as it was; undefined when it cannot. */
  copyIndex?(index: StoredIndex, indexId: number): Counts | undefined;
}

function throughput(stored: StoredThroughput | undefined): T.ProvisionedThroughput {
  return { ReadCapacityUnits: stored?.ReadCapacityUnits ?? 0, WriteCapacityUnits: stored?.WriteCapacityUnits ?? 0 };
}

function sameIndex(a: StoredIndex, b: StoredIndex): boolean {
  return (
    JSON.stringify(a.KeySchema) === JSON.stringify(b.KeySchema) &&
    JSON.stringify(a.Projection) === JSON.stringify(b.Projection)
  );
}

function createInput(name: string, source: TableDefinition, overrides: RestoreOverrides): T.CreateTableInput {
  const billing = overrides.BillingModeOverride ?? source.BillingMode;
  const provisioned = billing === 'PROVISIONED';
  const tableThroughput = overrides.ProvisionedThroughputOverride ?? throughput(source.ProvisionedThroughput);
  const input: T.CreateTableInput = {
    TableName: name,
    AttributeDefinitions: source.AttributeDefinitions,
    KeySchema: source.KeySchema,
    BillingMode: billing,
  };
  if (provisioned) input.ProvisionedThroughput = tableThroughput;
  const gsis: T.GlobalSecondaryIndex[] =
    overrides.GlobalSecondaryIndexOverride ??
    source.GlobalSecondaryIndexes.map((index) => {
      const out: T.GlobalSecondaryIndex = {
        IndexName: index.IndexName,
        KeySchema: index.KeySchema,
        Projection: index.Projection,
      };
      if (provisioned) {
        const own = throughput(index.ProvisionedThroughput);
        out.ProvisionedThroughput = own.ReadCapacityUnits > 0 ? own : tableThroughput;
      }
      if (index.OnDemandThroughput) out.OnDemandThroughput = index.OnDemandThroughput;
      return out;
    });
  if (gsis.length > 0) input.GlobalSecondaryIndexes = gsis;
  const lsis: T.LocalSecondaryIndex[] =
    overrides.LocalSecondaryIndexOverride ??
    source.LocalSecondaryIndexes.map((index) => ({
      IndexName: index.IndexName,
      KeySchema: index.KeySchema,
      Projection: index.Projection,
    }));
  if (lsis.length > 0) input.LocalSecondaryIndexes = lsis;
  const sse = overrides.SSESpecificationOverride ?? source.SSESpecification;
  if (sse) input.SSESpecification = sse;
  const onDemand = overrides.OnDemandThroughputOverride ?? source.OnDemandThroughput;
  if (onDemand) input.OnDemandThroughput = onDemand;
  if (source.TableClass) input.TableClass = source.TableClass;
  return input;
}

/**
 * Creates `name` from `source` and fills it; answers CreateTable's TableDescription (CREATING,
 * as AWS answers a restore) with the RestoreSummary.
 */
export function restoreTable(
  state: DynamodbState,
  ctx: RequestContext,
  createTable: CreateTable,
  name: string,
  source: { definition: TableDefinition; summary: T.RestoreSummary },
  overrides: RestoreOverrides,
  items: ItemSource,
): T.TableDescription {
  if (state.findTable(ctx, name)) throw tableAlreadyExists(name);
  const created = createTable(ctx, createInput(name, source.definition, overrides));
  const row = state.store.table(ctx.account, ctx.region, name);
  if (!row) throw new Error('dynamodb: the restored table is missing');
  const restored: T.RestoreSummary = source.summary;
  const definition: TableDefinition = {
    ...(JSON.parse(row.definition) as TableDefinition),
    RestoreSummary: {
      ...(restored.SourceBackupArn ? { SourceBackupArn: restored.SourceBackupArn } : {}),
      ...(restored.SourceTableArn ? { SourceTableArn: restored.SourceTableArn } : {}),
      RestoreDateTime: (restored.RestoreDateTime as Date).getTime(),
    },
  };
  state.store.updateDefinition(row, JSON.stringify(definition));
  const table: Table = parseTable(state.store.table(ctx.account, ctx.region, name) ?? row);
  const counts = items.copyItems(table.id);
  state.store.addCounts(table.id, counts.n, counts.bytes);
  const sourceIndexes = new Map(
    [...source.definition.GlobalSecondaryIndexes, ...source.definition.LocalSecondaryIndexes].map((index) => [
      index.IndexName,
      index,
    ]),
  );
  for (const index of table.indexes) {
    const before = sourceIndexes.get(index.name);
    const copied = before && sameIndex(before, index.stored) ? items.copyIndex?.(before, index.id) : undefined;
    if (copied) state.store.addIndexCounts(index.id, copied.n, copied.bytes);
    else backfillIndex(state, table, index);
  }
  return { ...created.TableDescription, RestoreSummary: source.summary };
}
