/**
 * A table as it is kept (the definition JSON of its row) and as the item code sees it (parsed
 * once per row: key attributes with their types, indexes with their projections), and the
 * TableDescription that DescribeTable, CreateTable, UpdateTable and DeleteTable answer.
 *
 * Shapes follow what AWS answered in shared/aws-reference/recorded-responses/services/dynamodb/
 * test_dynamodb.snapshot.json (test_table_crud, test_gsi_with_billing_mode): ProvisionedThroughput
 * 0/0 and BillingModeSummary for on-demand tables, WarmThroughput on DescribeTable only (the
 * provisioned units, or 12000/4000 on demand), DeleteTable without the key schema.
 */
import type * as T from '../../generated/dynamodb/types.js';
import type { Counts, TableRow } from './store.js';

export interface StoredThroughput {
  ReadCapacityUnits: number;
  WriteCapacityUnits: number;
  NumberOfDecreasesToday: number;
  LastIncreaseAt?: number;
  LastDecreaseAt?: number;
}

export interface StoredIndex {
  /** The index's id in dynamodb_indexes: its entries and counts. */
  id: number;
  IndexName: string;
  KeySchema: T.KeySchemaElement[];
  Projection: T.Projection;
  ProvisionedThroughput?: StoredThroughput;
  OnDemandThroughput?: T.OnDemandThroughput;
}

/** What a table row's `definition` column holds. */
export interface TableDefinition {
  TableId: string;
  /** Epoch milliseconds of the Nimbus clock. */
  CreatedAt: number;
  AttributeDefinitions: T.AttributeDefinition[];
  KeySchema: T.KeySchemaElement[];
  BillingMode: T.BillingMode;
  LastUpdateToPayPerRequestAt?: number;
  ProvisionedThroughput: StoredThroughput;
  GlobalSecondaryIndexes: StoredIndex[];
  LocalSecondaryIndexes: StoredIndex[];
  StreamSpecification?: T.StreamSpecification;
  LatestStreamLabel?: string;
  DeletionProtectionEnabled: boolean;
  TableClass?: T.TableClass;
  SSESpecification?: T.SSESpecification;
  TimeToLive?: { AttributeName: string; Enabled: boolean };
  OnDemandThroughput?: T.OnDemandThroughput;
  WarmThroughput?: T.WarmThroughput;
  /** For a table made by a restore: where from, and when (epoch ms). */
  RestoreSummary?: { SourceBackupArn?: string; SourceTableArn?: string; RestoreDateTime: number };
}

export interface KeyAttribute {
  name: string;
  type: 'S' | 'N' | 'B';
}

export interface IndexDefinition {
  id: number;
  name: string;
  global: boolean;
  arn: string;
  keySchema: KeyAttribute[];
  hash: KeyAttribute;
  range: KeyAttribute | undefined;
  projection: T.ProjectionType;
  /** For INCLUDE: the non-key attributes it keeps. */
  included: ReadonlySet<string>;
  /** Every attribute name the index keeps besides ALL: its keys, the table's keys, INCLUDE's. */
  kept: ReadonlySet<string>;
  stored: StoredIndex;
}

export interface Table {
  row: TableRow;
  id: number;
  account: string;
  region: string;
  name: string;
  arn: string;
  definition: TableDefinition;
  keySchema: KeyAttribute[];
  hash: KeyAttribute;
  range: KeyAttribute | undefined;
  /** Key attribute names of the table. */
  keyNames: string[];
  indexes: IndexDefinition[];
  indexByName: ReadonlyMap<string, IndexDefinition>;
}

export function tableArn(region: string, account: string, name: string): string {
  return `arn:aws:dynamodb:${region}:${account}:table/${name}`;
}

function keyAttributes(schema: readonly T.KeySchemaElement[], definitions: readonly T.AttributeDefinition[]) {
  return schema.map((element) => {
    const definition = definitions.find((d) => d.AttributeName === element.AttributeName);
    return { name: element.AttributeName, type: (definition?.AttributeType ?? 'S') as KeyAttribute['type'] };
  });
}

function parseIndex(
  stored: StoredIndex,
  global: boolean,
  arn: string,
  definition: TableDefinition,
  tableKeys: readonly string[],
): IndexDefinition {
  const keySchema = keyAttributes(stored.KeySchema, definition.AttributeDefinitions);
  const included = new Set(stored.Projection.NonKeyAttributes ?? []);
  return {
    id: stored.id,
    name: stored.IndexName,
    global,
    arn: `${arn}/index/${stored.IndexName}`,
    keySchema,
    hash: keySchema[0] as KeyAttribute,
    range: keySchema[1],
    projection: stored.Projection.ProjectionType ?? 'ALL',
    included,
    kept: new Set([...tableKeys, ...keySchema.map((k) => k.name), ...included]),
    stored,
  };
}

const parsed = new WeakMap<TableRow, Table>();

/** The table a row describes, parsed once per row object. */
export function parseTable(row: TableRow): Table {
  let table = parsed.get(row);
  if (table) return table;
  const definition = JSON.parse(row.definition) as TableDefinition;
  const arn = tableArn(row.region, row.account, row.name);
  const keySchema = keyAttributes(definition.KeySchema, definition.AttributeDefinitions);
  const keyNames = keySchema.map((k) => k.name);
  const indexes = [
    ...definition.GlobalSecondaryIndexes.map((index) => parseIndex(index, true, arn, definition, keyNames)),
    ...definition.LocalSecondaryIndexes.map((index) => parseIndex(index, false, arn, definition, keyNames)),
  ];
  table = {
    row,
    id: row.id,
    account: row.account,
    region: row.region,
    name: row.name,
    arn,
    definition,
    keySchema,
    hash: keySchema[0] as KeyAttribute,
    range: keySchema[1],
    keyNames,
    indexes,
    indexByName: new Map(indexes.map((index) => [index.name, index])),
  };
  parsed.set(row, table);
  return table;
}

function throughputOut(stored: StoredThroughput | undefined): T.ProvisionedThroughputDescription {
  const out: T.ProvisionedThroughputDescription = {};
  if (stored?.LastIncreaseAt !== undefined) out.LastIncreaseDateTime = new Date(stored.LastIncreaseAt);
  if (stored?.LastDecreaseAt !== undefined) out.LastDecreaseDateTime = new Date(stored.LastDecreaseAt);
  out.NumberOfDecreasesToday = stored?.NumberOfDecreasesToday ?? 0;
  out.ReadCapacityUnits = stored?.ReadCapacityUnits ?? 0;
  out.WriteCapacityUnits = stored?.WriteCapacityUnits ?? 0;
  return out;
}

/** On-demand tables and indexes warm to 12000 reads and 4000 writes a second (test_gsi_with_billing_mode). */
function warmThroughput(definition: TableDefinition, throughput: StoredThroughput | undefined) {
  if (definition.BillingMode === 'PAY_PER_REQUEST') {
    return { ReadUnitsPerSecond: 12000, WriteUnitsPerSecond: 4000, Status: 'ACTIVE' as const };
  }
  return {
    ReadUnitsPerSecond: throughput?.ReadCapacityUnits ?? 0,
    WriteUnitsPerSecond: throughput?.WriteCapacityUnits ?? 0,
    Status: 'ACTIVE' as const,
  };
}

export type Phase = 'create' | 'describe' | 'update' | 'delete';

export interface DescribeExtras {
  counts: Counts;
  indexCounts: (indexId: number) => Counts;
  /** Indexes whose creation is under way (UpdateTable's Create): CREATING in that answer. */
  creatingIndexes?: ReadonlySet<string>;
  deletingIndexes?: readonly StoredIndex[];
}

/** The TableDescription of a table at one moment of its life. */
export function describeTable(table: Table, phase: Phase, extras: DescribeExtras): T.TableDescription {
  const d = table.definition;
  const status: T.TableStatus =
    phase === 'create' ? 'CREATING' : phase === 'update' ? 'UPDATING' : phase === 'delete' ? 'DELETING' : 'ACTIVE';
  const out: T.TableDescription = {};
  if (phase !== 'delete') {
    out.AttributeDefinitions = d.AttributeDefinitions;
    out.TableName = table.name;
    out.KeySchema = d.KeySchema;
    out.TableStatus = status;
    out.CreationDateTime = new Date(d.CreatedAt);
  } else {
    out.TableName = table.name;
    out.TableStatus = status;
  }
  out.ProvisionedThroughput = throughputOut(d.ProvisionedThroughput);
  out.TableSizeBytes = extras.counts.size_bytes;
  out.ItemCount = extras.counts.item_count;
  out.TableArn = table.arn;
  out.TableId = d.TableId;
  if (d.RestoreSummary) {
    // A restore is done by the time it answers, so only its own answer says it is in progress.
    out.RestoreSummary = {
      ...d.RestoreSummary,
      RestoreDateTime: new Date(d.RestoreSummary.RestoreDateTime),
      RestoreInProgress: phase === 'create',
    };
  }
  if (d.BillingMode === 'PAY_PER_REQUEST') {
    out.BillingModeSummary = { BillingMode: 'PAY_PER_REQUEST' };
    if (phase !== 'create' && d.LastUpdateToPayPerRequestAt !== undefined) {
      out.BillingModeSummary.LastUpdateToPayPerRequestDateTime = new Date(d.LastUpdateToPayPerRequestAt);
    }
  }
  if (phase !== 'delete') {
    const lsis = table.indexes.filter((index) => !index.global);
    if (lsis.length > 0) {
      out.LocalSecondaryIndexes = lsis.map((index) => {
        const counts = extras.indexCounts(index.id);
        return {
          IndexName: index.name,
          KeySchema: index.stored.KeySchema,
          Projection: index.stored.Projection,
          IndexSizeBytes: counts.size_bytes,
          ItemCount: counts.item_count,
          IndexArn: index.arn,
        };
      });
    }
    const gsis = table.indexes.filter((index) => index.global);
    const gsiOut: T.GlobalSecondaryIndexDescription[] = gsis.map((index) => {
      const counts = extras.indexCounts(index.id);
      const creating = phase === 'create' || extras.creatingIndexes?.has(index.name) === true;
      const description: T.GlobalSecondaryIndexDescription = {
        IndexName: index.name,
        KeySchema: index.stored.KeySchema,
        Projection: index.stored.Projection,
        IndexStatus: creating ? 'CREATING' : 'ACTIVE',
        ProvisionedThroughput: throughputOut(index.stored.ProvisionedThroughput),
        IndexSizeBytes: counts.size_bytes,
        ItemCount: counts.item_count,
        IndexArn: index.arn,
      };
      if (extras.creatingIndexes?.has(index.name)) description.Backfilling = false;
      if (index.stored.OnDemandThroughput) description.OnDemandThroughput = index.stored.OnDemandThroughput;
      if (phase === 'describe') description.WarmThroughput = warmThroughput(d, index.stored.ProvisionedThroughput);
      return description;
    });
    for (const deleting of extras.deletingIndexes ?? []) {
      gsiOut.push({
        IndexName: deleting.IndexName,
        KeySchema: deleting.KeySchema,
        Projection: deleting.Projection,
        IndexStatus: 'DELETING',
        ProvisionedThroughput: throughputOut(deleting.ProvisionedThroughput),
        IndexSizeBytes: 0,
        ItemCount: 0,
        IndexArn: `${table.arn}/index/${deleting.IndexName}`,
      });
    }
    if (gsiOut.length > 0) out.GlobalSecondaryIndexes = gsiOut;
    if (d.StreamSpecification?.StreamEnabled) {
      out.StreamSpecification = d.StreamSpecification;
    }
    if (d.LatestStreamLabel) {
      out.LatestStreamLabel = d.LatestStreamLabel;
      out.LatestStreamArn = `${table.arn}/stream/${d.LatestStreamLabel}`;
    }
    if (d.SSESpecification?.Enabled) {
      out.SSEDescription = {
        Status: 'ENABLED',
        SSEType: d.SSESpecification.SSEType ?? 'KMS',
        KMSMasterKeyArn: `arn:aws:kms:${table.region}:${table.account}:key/${d.SSESpecification.KMSMasterKeyId ?? '00000000-0000-4000-8000-000000000000'}`,
      };
    }
    if (d.TableClass && d.TableClass !== 'STANDARD') out.TableClassSummary = { TableClass: d.TableClass };
  }
  out.DeletionProtectionEnabled = d.DeletionProtectionEnabled;
  if (d.OnDemandThroughput) out.OnDemandThroughput = d.OnDemandThroughput;
  if (phase === 'describe') out.WarmThroughput = warmThroughput(d, d.ProvisionedThroughput);
  return out;
}
