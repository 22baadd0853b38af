/**
 * On-demand backups (CreateBackup, DescribeBackup, ListBackups, DeleteBackup,
 * RestoreTableFromBackup) and RestoreTableToPointInTime.
 *
 * A backup is the table's rows and index entries copied by one statement each in CreateBackup's
 * transaction (store.ts), with the table's definition and counts at that moment. AWS makes a
 * backup asynchronously: CreateBackup answers CREATING and the backup is AVAILABLE afterwards
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateBackup.html); Nimbus
 * says CREATING in that answer and AVAILABLE from then on, as tables do. Since a backup and a
 * restore are done by the time they answer, BackupInUseException never arises.
 */
import { randomBytes } from 'node:crypto';
import { ValidationException } from '../../../errors/common.js';
import { InvalidRestoreTimeException } from '../../../generated/dynamodb/errors.js';
import type * as T from '../../../generated/dynamodb/types.js';
import type { RequestContext } from '../../service-types.js';
import { type DynamodbState, locateTable } from '../state.js';
import type { Table, TableDefinition } from '../table-model.js';
import { backupNotFound, pitrUnavailable, tableNotFoundByName } from './errors.js';
import { recoveryWindow } from './pitr.js';
import { type CreateTable, restoreTable } from './restore.js';
import type { BackupRow, BackupStore } from './store.js';

/** What a backup keeps of its table besides the rows: the `source` column's JSON. */
interface BackupSource {
  definition: TableDefinition;
  tableArn: string;
  tableName: string;
}

type Phase = 'create' | 'describe' | 'delete';

/** AWS's ARNs name the time in 14 digits and 8 hex characters: `.../backup/01678793340962-cc4bfb86`. */
export function timedId(now: number): string {
  return `${String(now).padStart(14, '0')}-${randomBytes(4).toString('hex')}`;
}

function backupStatus(phase: Phase): T.BackupStatus {
  return phase === 'create' ? 'CREATING' : phase === 'delete' ? 'DELETED' : 'AVAILABLE';
}

function backupDetails(row: BackupRow, phase: Phase): T.BackupDetails {
  return {
    BackupArn: row.arn,
    BackupName: row.name,
    BackupSizeBytes: row.size_bytes,
    BackupStatus: backupStatus(phase),
    BackupType: 'USER',
    BackupCreationDateTime: new Date(row.created_at),
  };
}

function throughputOf(definition: TableDefinition, stored = definition.ProvisionedThroughput) {
  return { ReadCapacityUnits: stored?.ReadCapacityUnits ?? 0, WriteCapacityUnits: stored?.WriteCapacityUnits ?? 0 };
}

function backupDescription(row: BackupRow, phase: Phase): T.BackupDescription {
  const source = JSON.parse(row.source) as BackupSource;
  const d = source.definition;
  const table: T.SourceTableDetails = {
    TableName: source.tableName,
    TableId: d.TableId,
    TableArn: source.tableArn,
    TableSizeBytes: row.size_bytes,
    KeySchema: d.KeySchema,
    TableCreationDateTime: new Date(d.CreatedAt),
    ProvisionedThroughput: throughputOf(d),
    ItemCount: row.item_count,
    BillingMode: d.BillingMode,
  };
  if (d.OnDemandThroughput) table.OnDemandThroughput = d.OnDemandThroughput;
  const features: T.SourceTableFeatureDetails = {};
  if (d.LocalSecondaryIndexes.length > 0) {
    features.LocalSecondaryIndexes = d.LocalSecondaryIndexes.map((index) => ({
      IndexName: index.IndexName,
      KeySchema: index.KeySchema,
      Projection: index.Projection,
    }));
  }
  if (d.GlobalSecondaryIndexes.length > 0) {
    features.GlobalSecondaryIndexes = d.GlobalSecondaryIndexes.map((index) => ({
      IndexName: index.IndexName,
      KeySchema: index.KeySchema,
      Projection: index.Projection,
      ProvisionedThroughput: throughputOf(d, index.ProvisionedThroughput),
    }));
  }
  if (d.StreamSpecification?.StreamEnabled) features.StreamDescription = d.StreamSpecification;
  features.TimeToLiveDescription = d.TimeToLive?.Enabled
    ? { TimeToLiveStatus: 'ENABLED', AttributeName: d.TimeToLive.AttributeName }
    : { TimeToLiveStatus: 'DISABLED' };
  if (d.SSESpecification?.Enabled)
    features.SSEDescription = { Status: 'ENABLED', SSEType: d.SSESpecification.SSEType ?? 'KMS' };
  return { BackupDetails: backupDetails(row, phase), SourceTableDetails: table, SourceTableFeatureDetails: features };
}

function summary(row: BackupRow): T.BackupSummary {
  const source = JSON.parse(row.source) as BackupSource;
  return {
    TableName: source.tableName,
    TableId: source.definition.TableId,
    TableArn: source.tableArn,
    BackupArn: row.arn,
    BackupName: row.name,
    BackupCreationDateTime: new Date(row.created_at),
    BackupStatus: 'AVAILABLE',
    BackupType: 'USER',
    BackupSizeBytes: row.size_bytes,
  };
}

export function backupOperations(state: DynamodbState, store: BackupStore, createTable: CreateTable) {
  /** A backup of the caller's account and region (another's is not found, as on AWS). */
  function backupOf(ctx: RequestContext, arn: string): BackupRow {
    const row = store.backup(arn);
    if (!row || row.account !== ctx.account || row.region !== ctx.region) throw backupNotFound(arn);
    return row;
  }

  function sourceTable(ctx: RequestContext, nameOrArn: string): Table {
    const table = state.findTable(ctx, nameOrArn);
    if (!table) throw tableNotFoundByName(ctx, nameOrArn);
    return table;
  }

  return {
    createBackup(ctx: RequestContext, input: T.CreateBackupInput): T.CreateBackupOutput {
      const table = sourceTable(ctx, input.TableName);
      const now = state.now();
      const counts = state.store.counts(table.id);
      const source: BackupSource = { definition: table.definition, tableArn: table.arn, tableName: table.name };
      const row: Omit<BackupRow, 'id'> = {
        account: table.account,
        region: table.region,
        arn: `${table.arn}/backup/${timedId(now)}`,
        name: input.BackupName,
        table_name: table.name,
        source: JSON.stringify(source),
        created_at: now,
        size_bytes: counts.size_bytes,
        item_count: counts.item_count,
      };
      const id = store.insertBackup(
        row,
        table.id,
        table.indexes.map((index) => ({ id: index.id, name: index.name })),
      );
      return { BackupDetails: backupDetails({ ...row, id }, 'create') };
    },

    describeBackup(ctx: RequestContext, input: T.DescribeBackupInput): T.DescribeBackupOutput {
      return { BackupDescription: backupDescription(backupOf(ctx, input.BackupArn), 'describe') };
    },

    deleteBackup(ctx: RequestContext, input: T.DeleteBackupInput): T.DeleteBackupOutput {
      const row = backupOf(ctx, input.BackupArn);
      store.deleteBackup(row.id);
      return { BackupDescription: backupDescription(row, 'delete') };
    },

    listBackups(ctx: RequestContext, input: T.ListBackupsInput): T.ListBackupsOutput {
      // Only user backups exist here: SYSTEM and AWS_BACKUP filters find none.
      if (input.BackupType === 'SYSTEM' || input.BackupType === 'AWS_BACKUP') return { BackupSummaries: [] };
      const filter: { table?: string; from?: number; to?: number } = {};
      if (input.TableName !== undefined) filter.table = locateTable(ctx, input.TableName).name;
      if (input.TimeRangeLowerBound !== undefined) filter.from = input.TimeRangeLowerBound.getTime();
      if (input.TimeRangeUpperBound !== undefined) filter.to = input.TimeRangeUpperBound.getTime();
      const rows = store.listBackups(ctx.account, ctx.region, filter);
      let start = 0;
      if (input.ExclusiveStartBackupArn !== undefined) {
        start = rows.findIndex((row) => row.arn === input.ExclusiveStartBackupArn) + 1;
      }
      const limit = input.Limit ?? 100;
      const page = rows.slice(start, start + limit);
      const out: T.ListBackupsOutput = { BackupSummaries: page.map(summary) };
      if (start + limit < rows.length) out.LastEvaluatedBackupArn = page[page.length - 1]?.arn;
      return out;
    },

    restoreTableFromBackup(ctx: RequestContext, input: T.RestoreTableFromBackupInput): T.RestoreTableFromBackupOutput {
      const row = backupOf(ctx, input.BackupArn);
      const source = JSON.parse(row.source) as BackupSource;
      const description = restoreTable(
        state,
        ctx,
        createTable,
        input.TargetTableName,
        {
          definition: source.definition,
          summary: {
            SourceBackupArn: row.arn,
            SourceTableArn: source.tableArn,
            RestoreDateTime: new Date(row.created_at),
            RestoreInProgress: true,
          },
        },
        input,
        {
          copyItems: (tableId) => store.restoreItems(row.id, tableId),
          copyIndex: (index, indexId) => store.restoreIndexEntries(row.id, index.IndexName, indexId),
        },
      );
      return { TableDescription: description };
    },

    restoreTableToPointInTime(
      ctx: RequestContext,
      input: T.RestoreTableToPointInTimeInput,
    ): T.RestoreTableToPointInTimeOutput {
      const named = input.SourceTableArn ?? input.SourceTableName;
      // Not on record: AWS's text when neither names the source.
      if (named === undefined)
        throw new ValidationException('Either SourceTableArn or SourceTableName must be provided');
      const table = sourceTable(ctx, named);
      const pitr = store.pitr(table.id);
      if (!pitr) throw pitrUnavailable(table.name);
      const now = state.now();
      const window = recoveryWindow(pitr, now);
      let at: number;
      if (input.UseLatestRestorableTime) at = window.latest;
      else if (input.RestoreDateTime !== undefined) at = input.RestoreDateTime.getTime();
      // Not on record: AWS's text for a request that names no time.
      else throw new ValidationException('Either RestoreDateTime or UseLatestRestorableTime must be specified');
      if (at < window.earliest || at > window.latest) {
        // The exception's description in the API reference, as its message.
        throw new InvalidRestoreTimeException(
          'RestoreDateTime must be between EarliestRestorableDateTime and LatestRestorableDateTime',
        );
      }
      store.trimLog(table.id, window.earliest);
      const description = restoreTable(
        state,
        ctx,
        createTable,
        input.TargetTableName,
        {
          definition: table.definition,
          summary: { SourceTableArn: table.arn, RestoreDateTime: new Date(at), RestoreInProgress: true },
        },
        input,
        {
          copyItems: (tableId) => store.copyItemsAt(table.id, tableId, at),
          // The source's index entries are its items' as they are now: only a restore to now can copy them.
          copyIndex: (index, indexId) => (at >= now ? store.copyIndexEntries(index.id, indexId) : undefined),
        },
      );
      return { TableDescription: description };
    },
  };
}
