/**
 * Table operations: create, describe, update, delete, list, limits, endpoints and time to live.
 *
 * AWS creates a table asynchronously (CREATING, then ACTIVE). Nimbus creates it at once and says
 * CREATING in CreateTable's answer (as AWS does: test_table_crud) and ACTIVE from then on, so
 * that SDK waiters (`waitUntilTableExists`) return on their first DescribeTable.
 */
import { randomUUID } from 'node:crypto';
import { ValidationException } from '../../errors/common.js';
import {
  LimitExceededException,
  ResourceInUseException,
  ResourceNotFoundException,
} from '../../generated/dynamodb/errors.js';
import type { DynamodbOperations } from '../../generated/dynamodb/operations.js';
import type * as T from '../../generated/dynamodb/types.js';
import type { RequestContext } from '../service-types.js';
import type { Purger } from './purger.js';
import { type DynamodbState, locateTable } from './state.js';
import { closeStreams, openStream } from './streams/lifecycle.js';
import { checkCreateTable, checkGlobalIndex, checkThroughputBounds, checkUpdateTable } from './table-checks.js';
import {
  describeTable,
  type Phase,
  parseTable,
  type StoredIndex,
  type StoredThroughput,
  type Table,
  type TableDefinition,
} from './table-model.js';
import { backfillExpiries } from './ttl.js';
import { backfillIndex } from './writes.js';

const invalid = 'One or more parameter values were invalid: ';
/** A region holds at most 2,500 tables (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html). */
const maxTables = 2500;

/**
 * The model lets TableName be an ARN (1 to 1,024 characters), so a new table's name is checked
 * here, in the words the model's TableName constraints had (dynalite's validations/createTable.js).
 */
function checkTableName(name: string): void {
  const problems: string[] = [];
  if (!/^[a-zA-Z0-9_.-]+$/.test(name)) problems.push('Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+');
  if (name.length < 3) problems.push('Member must have length greater than or equal to 3');
  if (name.length > 255) problems.push('Member must have length less than or equal to 255');
  if (problems.length === 0) return;
  const list = problems.map((problem) => `Value '${name}' at 'tableName' failed to satisfy constraint: ${problem}`);
  throw new ValidationException(
    `${list.length} validation error${list.length > 1 ? 's' : ''} detected: ${list.join('; ')}`,
  );
}

function storedThroughput(throughput: T.ProvisionedThroughput | undefined): StoredThroughput {
  return {
    ReadCapacityUnits: throughput?.ReadCapacityUnits ?? 0,
    WriteCapacityUnits: throughput?.WriteCapacityUnits ?? 0,
    NumberOfDecreasesToday: 0,
  };
}

/** A stream label is the time the stream was enabled, as AWS writes it: `2026-01-01T00:00:00.000`. */
function streamLabel(now: number): string {
  return new Date(now).toISOString().replace('Z', '');
}

export function describe(
  state: DynamodbState,
  table: Table,
  phase: Phase,
  extras: Partial<Parameters<typeof describeTable>[2]> = {},
) {
  return describeTable(table, phase, {
    counts: state.store.counts(table.id),
    indexCounts: (id) => state.store.indexCounts(id),
    ...extras,
  });
}

function reloadTable(state: DynamodbState, table: Table): Table {
  const row = state.store.table(table.account, table.region, table.name);
  if (!row) throw new ResourceNotFoundException(`Requested resource not found: Table: ${table.name} not found`);
  return parseTable(row);
}

function mergedDefinitions(current: readonly T.AttributeDefinition[], added: readonly T.AttributeDefinition[] = []) {
  const out = [...current];
  for (const definition of added) {
    const existing = out.find((d) => d.AttributeName === definition.AttributeName);
    if (!existing) out.push(definition);
    else if (existing.AttributeType !== definition.AttributeType) {
      throw new ValidationException(
        `${invalid}Attribute ${definition.AttributeName} is already defined with type ${existing.AttributeType}`,
      );
    }
  }
  return out;
}

/** The attribute definitions the table's keys and remaining indexes still use, in their order. */
function usedDefinitions(definition: TableDefinition): T.AttributeDefinition[] {
  const used = new Set<string>();
  for (const key of definition.KeySchema) used.add(key.AttributeName);
  for (const index of [...definition.GlobalSecondaryIndexes, ...definition.LocalSecondaryIndexes]) {
    for (const key of index.KeySchema) used.add(key.AttributeName);
  }
  return definition.AttributeDefinitions.filter((d) => used.has(d.AttributeName));
}

function updateThroughput(stored: StoredThroughput, wanted: T.ProvisionedThroughput, now: number): StoredThroughput {
  const next = {
    ...stored,
    ReadCapacityUnits: wanted.ReadCapacityUnits,
    WriteCapacityUnits: wanted.WriteCapacityUnits,
  };
  if (wanted.ReadCapacityUnits > stored.ReadCapacityUnits || wanted.WriteCapacityUnits > stored.WriteCapacityUnits) {
    next.LastIncreaseAt = now;
  }
  if (wanted.ReadCapacityUnits < stored.ReadCapacityUnits || wanted.WriteCapacityUnits < stored.WriteCapacityUnits) {
    next.LastDecreaseAt = now;
    next.NumberOfDecreasesToday = stored.NumberOfDecreasesToday + 1;
  }
  return next;
}

function unchangedThroughput(current: StoredThroughput, wanted: T.ProvisionedThroughput): ValidationException {
  return new ValidationException(
    `The provisioned throughput for the table will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the table: ${current.ReadCapacityUnits}. Requested ReadCapacityUnits: ${wanted.ReadCapacityUnits}. Current WriteCapacityUnits provisioned for the table: ${current.WriteCapacityUnits}. Requested WriteCapacityUnits: ${wanted.WriteCapacityUnits}. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.`,
  );
}

interface IndexChanges {
  creating: Set<string>;
  deleting: StoredIndex[];
  created: StoredIndex[];
}

function applyIndexUpdates(
  state: DynamodbState,
  table: Table,
  definition: TableDefinition,
  input: T.UpdateTableInput,
): IndexChanges {
  const changes: IndexChanges = { creating: new Set(), deleting: [], created: [] };
  for (const update of input.GlobalSecondaryIndexUpdates ?? []) {
    if (update.Create) {
      const create = update.Create;
      if (table.indexByName.has(create.IndexName)) {
        throw new ValidationException(`${invalid}Index with name ${create.IndexName} already exists`);
      }
      if (definition.GlobalSecondaryIndexes.length >= 20) {
        throw new LimitExceededException(`${invalid}GlobalSecondaryIndex count exceeds the per-table limit of 20`);
      }
      checkGlobalIndex(
        create,
        definition.AttributeDefinitions.map((d) => d.AttributeName),
        definition.BillingMode,
      );
      const stored: StoredIndex = {
        id: state.store.insertIndex(table.id, create.IndexName),
        IndexName: create.IndexName,
        KeySchema: create.KeySchema,
        Projection: create.Projection,
        ProvisionedThroughput: storedThroughput(create.ProvisionedThroughput),
      };
      if (create.OnDemandThroughput) stored.OnDemandThroughput = create.OnDemandThroughput;
      definition.GlobalSecondaryIndexes.push(stored);
      changes.creating.add(create.IndexName);
      changes.created.push(stored);
    } else if (update.Delete) {
      const name = update.Delete.IndexName;
      const at = definition.GlobalSecondaryIndexes.findIndex((index) => index.IndexName === name);
      if (at < 0) throw new ResourceNotFoundException(`Requested resource not found: Index: ${name} not found`);
      const [removed] = definition.GlobalSecondaryIndexes.splice(at, 1);
      if (removed) {
        state.store.dropIndex(removed.id);
        changes.deleting.push(removed);
      }
    } else if (update.Update) {
      const name = update.Update.IndexName;
      const index = definition.GlobalSecondaryIndexes.find((i) => i.IndexName === name);
      if (!index) throw new ResourceNotFoundException(`Requested resource not found: Index: ${name} not found`);
      const wanted = update.Update.ProvisionedThroughput;
      if (wanted) {
        if (definition.BillingMode === 'PAY_PER_REQUEST') {
          throw new ValidationException(
            `${invalid}ProvisionedThroughput should not be specified for index: ${name} when BillingMode is PAY_PER_REQUEST`,
          );
        }
        checkThroughputBounds(wanted);
        index.ProvisionedThroughput = updateThroughput(
          index.ProvisionedThroughput ?? storedThroughput(undefined),
          wanted,
          state.now(),
        );
      }
      if (update.Update.OnDemandThroughput) index.OnDemandThroughput = update.Update.OnDemandThroughput;
    }
  }
  definition.AttributeDefinitions = usedDefinitions(definition);
  return changes;
}

function applyBilling(state: DynamodbState, definition: TableDefinition, input: T.UpdateTableInput): void {
  const mode = input.BillingMode ?? definition.BillingMode;
  const now = state.now();
  if (mode === 'PAY_PER_REQUEST' && input.ProvisionedThroughput) {
    throw new ValidationException(
      `${invalid}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST`,
    );
  }
  if (mode === 'PAY_PER_REQUEST' && definition.BillingMode !== 'PAY_PER_REQUEST') {
    definition.BillingMode = 'PAY_PER_REQUEST';
    definition.LastUpdateToPayPerRequestAt = now;
    definition.ProvisionedThroughput = {
      ...definition.ProvisionedThroughput,
      ReadCapacityUnits: 0,
      WriteCapacityUnits: 0,
    };
    for (const index of definition.GlobalSecondaryIndexes) index.ProvisionedThroughput = storedThroughput(undefined);
    return;
  }
  const wanted = input.ProvisionedThroughput;
  if (mode === 'PROVISIONED' && definition.BillingMode !== 'PROVISIONED') {
    definition.BillingMode = 'PROVISIONED';
    if (wanted) definition.ProvisionedThroughput = updateThroughput(definition.ProvisionedThroughput, wanted, now);
    const unset = definition.GlobalSecondaryIndexes.filter(
      (index) =>
        !input.GlobalSecondaryIndexUpdates?.some((u) => u.Update?.IndexName === index.IndexName) &&
        !input.GlobalSecondaryIndexUpdates?.some((u) => u.Create?.IndexName === index.IndexName),
    );
    if (unset.length > 0) {
      throw new ValidationException(
        `${invalid}ProvisionedThroughput must be specified for index: ${unset.map((i) => i.IndexName).join(',')}`,
      );
    }
    return;
  }
  if (wanted) {
    const current = definition.ProvisionedThroughput;
    if (
      current.ReadCapacityUnits === wanted.ReadCapacityUnits &&
      current.WriteCapacityUnits === wanted.WriteCapacityUnits &&
      !input.GlobalSecondaryIndexUpdates?.length
    ) {
      throw unchangedThroughput(current, wanted);
    }
    definition.ProvisionedThroughput = updateThroughput(current, wanted, now);
  }
}

function applyStream(
  state: DynamodbState,
  table: Table,
  definition: TableDefinition,
  stream: T.StreamSpecification,
): void {
  if (stream.StreamEnabled) {
    if (definition.StreamSpecification?.StreamEnabled) {
      throw new ValidationException(`Table already has an enabled stream`);
    }
    definition.StreamSpecification = { StreamEnabled: true, StreamViewType: stream.StreamViewType };
    const keys = { ...table, keySchema: definition.KeySchema };
    definition.LatestStreamLabel = openStream(state, keys, stream.StreamViewType, streamLabel(state.now()));
  } else {
    // The label stays: AWS keeps LatestStreamArn after a stream is disabled.
    definition.StreamSpecification = undefined;
    closeStreams(state, table.id);
  }
}

export function tableOperations(state: DynamodbState, purger: Purger) {
  return {
    createTable(ctx, input) {
      const { account, region, name } = locateTable(ctx, input.TableName);
      checkTableName(name);
      checkCreateTable(input);
      if (state.store.table(account, region, name)) throw new ResourceInUseException(`Table already exists: ${name}`);
      if (state.store.tableCount(account, region) >= maxTables) {
        throw new LimitExceededException(
          `Subscriber limit exceeded: You have exceeded the maximum number of tables allowed: ${maxTables}`,
        );
      }
      const now = state.now();
      const billing = input.BillingMode ?? 'PROVISIONED';
      const definition: TableDefinition = {
        TableId: randomUUID(),
        CreatedAt: now,
        AttributeDefinitions: input.AttributeDefinitions ?? [],
        KeySchema: input.KeySchema ?? [],
        BillingMode: billing,
        ProvisionedThroughput: storedThroughput(input.ProvisionedThroughput),
        GlobalSecondaryIndexes: [],
        LocalSecondaryIndexes: [],
        DeletionProtectionEnabled: input.DeletionProtectionEnabled ?? false,
      };
      if (billing === 'PAY_PER_REQUEST') definition.LastUpdateToPayPerRequestAt = now;
      if (input.StreamSpecification?.StreamEnabled) {
        definition.StreamSpecification = input.StreamSpecification;
        definition.LatestStreamLabel = streamLabel(now);
      }
      if (input.TableClass) definition.TableClass = input.TableClass;
      if (input.SSESpecification) definition.SSESpecification = input.SSESpecification;
      if (input.OnDemandThroughput) definition.OnDemandThroughput = input.OnDemandThroughput;
      if (input.WarmThroughput) definition.WarmThroughput = input.WarmThroughput;
      const id = state.store.insertTable({
        account,
        region,
        name,
        definition: JSON.stringify(definition),
        tags: JSON.stringify(input.Tags ?? []),
      });
      for (const index of input.GlobalSecondaryIndexes ?? []) {
        const stored: StoredIndex = {
          id: state.store.insertIndex(id, index.IndexName),
          IndexName: index.IndexName,
          KeySchema: index.KeySchema,
          Projection: index.Projection,
          ProvisionedThroughput: storedThroughput(index.ProvisionedThroughput),
        };
        if (index.OnDemandThroughput) stored.OnDemandThroughput = index.OnDemandThroughput;
        definition.GlobalSecondaryIndexes.push(stored);
      }
      if (definition.StreamSpecification?.StreamEnabled && definition.LatestStreamLabel) {
        const keys = { id, account, region, name, keySchema: definition.KeySchema };
        const view = definition.StreamSpecification.StreamViewType;
        definition.LatestStreamLabel = openStream(state, keys, view, definition.LatestStreamLabel, now);
      }
      for (const index of input.LocalSecondaryIndexes ?? []) {
        definition.LocalSecondaryIndexes.push({
          id: state.store.insertIndex(id, index.IndexName),
          IndexName: index.IndexName,
          KeySchema: index.KeySchema,
          Projection: index.Projection,
        });
      }
      const row = state.store.table(account, region, name);
      if (!row) throw new Error('dynamodb: the table just created is missing');
      state.store.updateDefinition(row, JSON.stringify(definition));
      const table = parseTable(state.store.table(account, region, name) ?? row);
      return { TableDescription: describe(state, table, 'create') };
    },

    describeTable(ctx, input) {
      return { Table: describe(state, state.namedTable(ctx, input.TableName), 'describe') };
    },

    updateTable(ctx, input) {
      checkUpdateTable(input);
      const table = state.namedTable(ctx, input.TableName);
      const definition = structuredClone(table.definition);
      definition.AttributeDefinitions = mergedDefinitions(definition.AttributeDefinitions, input.AttributeDefinitions);
      applyBilling(state, definition, input);
      const changes = applyIndexUpdates(state, table, definition, input);
      if (input.StreamSpecification) applyStream(state, table, definition, input.StreamSpecification);
      if (input.DeletionProtectionEnabled !== undefined)
        definition.DeletionProtectionEnabled = input.DeletionProtectionEnabled;
      if (input.TableClass) definition.TableClass = input.TableClass;
      if (input.SSESpecification) definition.SSESpecification = input.SSESpecification;
      if (input.OnDemandThroughput) definition.OnDemandThroughput = input.OnDemandThroughput;
      if (input.WarmThroughput) definition.WarmThroughput = input.WarmThroughput;
      state.store.updateDefinition(table.row, JSON.stringify(definition));
      const updated = reloadTable(state, table);
      for (const stored of changes.created) {
        const index = updated.indexByName.get(stored.IndexName);
        if (index) backfillIndex(state, updated, index);
      }
      if (changes.deleting.length > 0) purger.wake();
      return {
        TableDescription: describe(state, updated, 'update', {
          creatingIndexes: changes.creating,
          deletingIndexes: changes.deleting,
        }),
      };
    },

    deleteTable(ctx, input) {
      const table = state.namedTable(ctx, input.TableName);
      if (table.definition.DeletionProtectionEnabled) {
        throw new ValidationException(
          'Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.',
        );
      }
      const description = describe(state, table, 'delete');
      closeStreams(state, table.id);
      state.store.deleteTable(
        table.row,
        table.indexes.map((index) => index.id),
      );
      purger.wake();
      return { TableDescription: description };
    },

    listTables(ctx, input) {
      const limit = input.Limit ?? 100;
      const names = state.store.listTables(ctx.account, ctx.region, input.ExclusiveStartTableName ?? '', limit + 1);
      const page = names.slice(0, limit);
      const out: T.ListTablesOutput = { TableNames: page };
      if (names.length > limit) out.LastEvaluatedTableName = page[page.length - 1];
      return out;
    },

    /** AWS's default quotas (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html). */
    describeLimits() {
      return {
        AccountMaxReadCapacityUnits: 80000,
        AccountMaxWriteCapacityUnits: 80000,
        TableMaxReadCapacityUnits: 40000,
        TableMaxWriteCapacityUnits: 40000,
      };
    },

    /** The endpoint the client used: endpoint discovery must lead back to Nimbus, not to AWS. */
    describeEndpoints(ctx) {
      return { Endpoints: [{ Address: new URL(ctx.endpoint).host, CachePeriodInMinutes: 1440 }] };
    },

    updateTimeToLive(ctx, input) {
      const table = state.namedTable(ctx, input.TableName);
      const wanted = input.TimeToLiveSpecification;
      const current = table.definition.TimeToLive;
      if (wanted.Enabled && current?.Enabled) {
        throw new ValidationException(
          current.AttributeName === wanted.AttributeName
            ? 'TimeToLive is already enabled'
            : `TimeToLive is active on a different AttributeName: current AttributeName is ${current.AttributeName}`,
        );
      }
      if (!wanted.Enabled && !current?.Enabled) throw new ValidationException('TimeToLive is already disabled');
      const definition = {
        ...table.definition,
        TimeToLive: { AttributeName: wanted.AttributeName, Enabled: wanted.Enabled },
      };
      state.store.updateDefinition(table.row, JSON.stringify(definition));
      if (wanted.Enabled) backfillExpiries(state, reloadTable(state, table));
      return { TimeToLiveSpecification: wanted };
    },

    describeTimeToLive(ctx, input) {
      const ttl = state.namedTable(ctx, input.TableName).definition.TimeToLive;
      if (!ttl?.Enabled) return { TimeToLiveDescription: { TimeToLiveStatus: 'DISABLED' } };
      return { TimeToLiveDescription: { TimeToLiveStatus: 'ENABLED', AttributeName: ttl.AttributeName } };
    },
  } satisfies Partial<DynamodbOperations<RequestContext>>;
}

export type { RequestContext };
