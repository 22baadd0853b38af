/**
 * What every DynamoDB operation works with: the store, the clock, and the table a request names
 * (by name or by ARN: AWS takes either in TableName since 2024,
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html#DDB-GetItem-request-TableName).
 */
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import { ResourceNotFoundException } from '../../generated/dynamodb/errors.js';
import type { Database } from '../../state/database.js';
import type { RequestContext, ServiceDeps } from '../service-types.js';
import { DynamodbStore } from './store.js';
import { StreamStore } from './streams/store.js';
import { parseTable, type Table } from './table-model.js';
import type { ChangeListener } from './writes.js';

/** Where a TableName (or table ARN) points. */
export function locateTable(ctx: RequestContext, nameOrArn: string): { account: string; region: string; name: string } {
  if (nameOrArn.startsWith('arn:')) {
    const match = /^arn:aws[\w-]*:dynamodb:([a-z0-9-]+):(\d{12}):table\/([^/]+)$/.exec(nameOrArn);
    if (match) return { region: match[1] as string, account: match[2] as string, name: match[3] as string };
  }
  return { account: ctx.account, region: ctx.region, name: nameOrArn };
}

/** Item operations on a missing table say only this (test_batch_write_not_existing_table). */
export function resourceNotFound(): ResourceNotFoundException {
  return new ResourceNotFoundException('Requested resource not found');
}

/** Table operations name the table (test_table_crud, delete-non-existent-table). */
export function tableNotFound(name: string): ResourceNotFoundException {
  return new ResourceNotFoundException(`Requested resource not found: Table: ${name} not found`);
}

export class DynamodbState {
  readonly store: DynamodbStore;
  /** Streams, their records and TTL's expiry index (streams/store.ts). */
  readonly streams: StreamStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly db: Database;
  /** Told of every item change, in the write's transaction (writes.ts). */
  readonly changeListeners: ChangeListener[] = [];

  constructor(deps: ServiceDeps) {
    this.db = deps.db;
    this.store = new DynamodbStore(deps.db);
    this.streams = new StreamStore(deps.db);
    this.clock = deps.clock;
    this.logger = deps.logger;
  }

  now(): number {
    return this.clock.now();
  }

  /** The table, or undefined. */
  findTable(ctx: RequestContext, nameOrArn: string): Table | undefined {
    const { account, region, name } = locateTable(ctx, nameOrArn);
    const row = this.store.table(account, region, name);
    return row ? parseTable(row) : undefined;
  }

  /** The table an item operation names; "Requested resource not found" when there is none. */
  itemTable(ctx: RequestContext, nameOrArn: string): Table {
    const table = this.findTable(ctx, nameOrArn);
    if (!table) throw resourceNotFound();
    return table;
  }

  /** The table a table operation names; "...: Table: X not found" when there is none. */
  namedTable(ctx: RequestContext, nameOrArn: string): Table {
    const table = this.findTable(ctx, nameOrArn);
    if (!table) throw tableNotFound(locateTable(ctx, nameOrArn).name);
    return table;
  }
}
