/**
 * The SQL of event source mappings and asynchronous invocation configs. A mapping is one row:
 * its configuration as AWS shows it (JSON, State and LastModified apart), whether it is enabled,
 * and for streams the position read so far (the last sequence number handled), kept in the
 * transaction that ends a batch so that a restart resumes after it. An invoke config is one row
 * per function and qualifier.
 *
 * These tables have a migration owner of their own (`lambda_esm`, tables `lambda_esm_*`), so that
 * their numbering never meets the function store's while both grow at once; the `lambda_`
 * prefix puts them in Lambda's reset and state export.
 */
import type { EventSourceMappingConfiguration, FunctionEventInvokeConfig } from '../../../generated/lambda/types.js';
import type { Database, Migration } from '../../../state/database.js';

export const migrationOwner = 'lambda_esm';

export const eventSourceMigrations: Migration[] = [
  {
    version: 1,
    sql: `
    CREATE TABLE lambda_esm_mappings (
      uuid TEXT PRIMARY KEY,
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      function_name TEXT NOT NULL,
      source_arn TEXT NOT NULL,
      kind TEXT NOT NULL,
      config TEXT NOT NULL,
      enabled INTEGER NOT NULL,
      last_modified INTEGER NOT NULL,
      position TEXT,
      created_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX lambda_esm_mappings_by_function ON lambda_esm_mappings (account, region, function_name);
    CREATE INDEX lambda_esm_mappings_by_source ON lambda_esm_mappings (source_arn);

    CREATE TABLE lambda_esm_invoke_configs (
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      function_name TEXT NOT NULL,
      qualifier TEXT NOT NULL,
      config TEXT NOT NULL,
      last_modified INTEGER NOT NULL,
      PRIMARY KEY (account, region, function_name, qualifier)
    ) WITHOUT ROWID;
    `,
  },
];

export type SourceKind = 'sqs' | 'dynamodb' | 'kinesis';

/** A mapping as the domain code sees it. */
export interface StoredMapping {
  uuid: string;
  account: string;
  region: string;
  functionName: string;
  sourceArn: string;
  kind: SourceKind;
  /** What AWS shows, but State and LastModified. */
  config: EventSourceMappingConfiguration;
  enabled: boolean;
  lastModified: number;
  position: string | undefined;
  createdAt: number;
}

interface MappingRow {
  uuid: string;
  account: string;
  region: string;
  function_name: string;
  source_arn: string;
  kind: string;
  config: string;
  enabled: number;
  last_modified: number;
  position: string | null;
  created_at: number;
}

export interface StoredInvokeConfig {
  qualifier: string;
  config: FunctionEventInvokeConfig;
  lastModified: number;
}

function fromRow(row: MappingRow): StoredMapping {
  return {
    uuid: row.uuid,
    account: row.account,
    region: row.region,
    functionName: row.function_name,
    sourceArn: row.source_arn,
    kind: row.kind as SourceKind,
    config: JSON.parse(row.config) as EventSourceMappingConfiguration,
    enabled: row.enabled === 1,
    lastModified: row.last_modified,
    position: row.position ?? undefined,
    createdAt: row.created_at,
  };
}

export class EventSourceStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
    db.migrate(migrationOwner, eventSourceMigrations);
  }

  transaction<T>(work: () => T): T {
    return this.#db.transaction(work);
  }

  mapping(uuid: string): StoredMapping | undefined {
    const row = this.#db.prepare('SELECT * FROM lambda_esm_mappings WHERE uuid = ?').get(uuid) as
      | MappingRow
      | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** Every mapping of every account (the pollers to start). */
  allMappings(): StoredMapping[] {
    return (this.#db.prepare('SELECT * FROM lambda_esm_mappings').all() as MappingRow[]).map(fromRow);
  }

  /** Whether any mapping exists (Nimbus then starts Lambda at boot). */
  static any(db: Database): boolean {
    if (!db.tablesOf('lambda_esm').includes('lambda_esm_mappings')) return false;
    return db.prepare('SELECT 1 FROM lambda_esm_mappings LIMIT 1').get() !== undefined;
  }

  /** An account's mappings in a region, in creation order, optionally of one source or function. */
  listMappings(
    account: string,
    region: string,
    filter: { sourceArn?: string; functionName?: string },
  ): StoredMapping[] {
    const rows = this.#db
      .prepare(
        `SELECT * FROM lambda_esm_mappings WHERE account = ? AND region = ?
         AND (? IS NULL OR source_arn = ?) AND (? IS NULL OR function_name = ?)
         ORDER BY created_at, uuid`,
      )
      .all(
        account,
        region,
        filter.sourceArn ?? null,
        filter.sourceArn ?? null,
        filter.functionName ?? null,
        filter.functionName ?? null,
      ) as MappingRow[];
    return rows.map(fromRow);
  }

  putMapping(mapping: StoredMapping): void {
    this.#db
      .prepare(
        `INSERT INTO lambda_esm_mappings (uuid, account, region, function_name, source_arn, kind, config, enabled, last_modified, position, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (uuid) DO UPDATE SET function_name = excluded.function_name, config = excluded.config,
           enabled = excluded.enabled, last_modified = excluded.last_modified, position = excluded.position`,
      )
      .run(
        mapping.uuid,
        mapping.account,
        mapping.region,
        mapping.functionName,
        mapping.sourceArn,
        mapping.kind,
        JSON.stringify(mapping.config),
        mapping.enabled ? 1 : 0,
        mapping.lastModified,
        mapping.position ?? null,
        mapping.createdAt,
      );
  }

  /** Moves a stream mapping's position (and what it says of its last batch). */
  setPosition(uuid: string, position: string, lastResult: string): void {
    this.#db
      .prepare(
        "UPDATE lambda_esm_mappings SET position = ?, config = json_set(config, '$.LastProcessingResult', ?) WHERE uuid = ?",
      )
      .run(position, lastResult, uuid);
  }

  deleteMapping(uuid: string): void {
    this.#db.prepare('DELETE FROM lambda_esm_mappings WHERE uuid = ?').run(uuid);
  }

  invokeConfig(account: string, region: string, name: string, qualifier: string): StoredInvokeConfig | undefined {
    const row = this.#db
      .prepare(
        'SELECT qualifier, config, last_modified FROM lambda_esm_invoke_configs WHERE account = ? AND region = ? AND function_name = ? AND qualifier = ?',
      )
      .get(account, region, name, qualifier) as
      | { qualifier: string; config: string; last_modified: number }
      | undefined;
    return row
      ? { qualifier: row.qualifier, config: JSON.parse(row.config), lastModified: row.last_modified }
      : undefined;
  }

  invokeConfigs(account: string, region: string, name: string): StoredInvokeConfig[] {
    const rows = this.#db
      .prepare(
        'SELECT qualifier, config, last_modified FROM lambda_esm_invoke_configs WHERE account = ? AND region = ? AND function_name = ? ORDER BY qualifier',
      )
      .all(account, region, name) as Array<{ qualifier: string; config: string; last_modified: number }>;
    return rows.map((row) => ({
      qualifier: row.qualifier,
      config: JSON.parse(row.config),
      lastModified: row.last_modified,
    }));
  }

  putInvokeConfig(account: string, region: string, name: string, stored: StoredInvokeConfig): void {
    this.#db
      .prepare(
        `INSERT INTO lambda_esm_invoke_configs (account, region, function_name, qualifier, config, last_modified)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (account, region, function_name, qualifier) DO UPDATE SET config = excluded.config, last_modified = excluded.last_modified`,
      )
      .run(account, region, name, stored.qualifier, JSON.stringify(stored.config), stored.lastModified);
  }

  deleteInvokeConfig(account: string, region: string, name: string, qualifier: string): void {
    this.#db
      .prepare(
        'DELETE FROM lambda_esm_invoke_configs WHERE account = ? AND region = ? AND function_name = ? AND qualifier = ?',
      )
      .run(account, region, name, qualifier);
  }
}
