/**
 * The SQL of a function's smaller settings (function-settings.ts): provisioned concurrency
 * configurations (one row per function and qualifier, an alias name or a version number),
 * recursive loop detection (one row per function, only once it was set) and runtime management
 * (one row per function and version, `$LATEST` included, only once it was set). A row that is
 * not there reads as AWS's default. Removed with the function, version or alias they belong to.
 */
import type { Database, Migration } from '../../state/database.js';

export const functionSettingsMigrations: Migration[] = [
  {
    version: 5,
    sql: `
    CREATE TABLE lambda_provisioned_concurrency (
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      name TEXT NOT NULL,
      qualifier TEXT NOT NULL,
      requested INTEGER NOT NULL,
      last_modified TEXT NOT NULL,
      PRIMARY KEY (account, region, name, qualifier)
    ) WITHOUT ROWID;
    CREATE TABLE lambda_recursion_configs (
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      name TEXT NOT NULL,
      recursive_loop TEXT NOT NULL,
      PRIMARY KEY (account, region, name)
    ) WITHOUT ROWID;
    CREATE TABLE lambda_runtime_management (
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      name TEXT NOT NULL,
      version TEXT NOT NULL,
      update_runtime_on TEXT NOT NULL,
      runtime_version_arn TEXT,
      PRIMARY KEY (account, region, name, version)
    ) WITHOUT ROWID;
    `,
  },
];

export interface ProvisionedRow {
  qualifier: string;
  requested: number;
  lastModified: string;
}

export interface RuntimeManagementRow {
  updateRuntimeOn: string;
  runtimeVersionArn: string | undefined;
}

export interface AccountUsageRow {
  functionCount: number;
  totalCodeSize: number;
}

export class FunctionSettingsStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  // Provisioned concurrency

  provisioned(account: string, region: string, name: string, qualifier: string): ProvisionedRow | undefined {
    const row = this.#db
      .prepare(
        `SELECT qualifier, requested, last_modified AS lastModified FROM lambda_provisioned_concurrency
         WHERE account = ? AND region = ? AND name = ? AND qualifier = ?`,
      )
      .get(account, region, name, qualifier) as ProvisionedRow | undefined;
    return row;
  }

  /** A function's configurations in qualifier order after `after`. */
  provisionedList(account: string, region: string, name: string, after: string, limit: number): ProvisionedRow[] {
    return this.#db
      .prepare(
        `SELECT qualifier, requested, last_modified AS lastModified FROM lambda_provisioned_concurrency
         WHERE account = ? AND region = ? AND name = ? AND qualifier > ? ORDER BY qualifier LIMIT ?`,
      )
      .all(account, region, name, after, limit) as ProvisionedRow[];
  }

  putProvisioned(account: string, region: string, name: string, row: ProvisionedRow): void {
    this.#db
      .prepare(
        `INSERT INTO lambda_provisioned_concurrency (account, region, name, qualifier, requested, last_modified)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (account, region, name, qualifier)
         DO UPDATE SET requested = excluded.requested, last_modified = excluded.last_modified`,
      )
      .run(account, region, name, row.qualifier, row.requested, row.lastModified);
  }

  deleteProvisioned(account: string, region: string, name: string, qualifier: string): void {
    this.#db
      .prepare(
        'DELETE FROM lambda_provisioned_concurrency WHERE account = ? AND region = ? AND name = ? AND qualifier = ?',
      )
      .run(account, region, name, qualifier);
  }

  /** What a function's configurations request in all, but the one of `except` (a qualifier). */
  provisionedTotal(account: string, region: string, name: string, except = ''): number {
    const row = this.#db
      .prepare(
        `SELECT COALESCE(SUM(requested), 0) AS total FROM lambda_provisioned_concurrency
         WHERE account = ? AND region = ? AND name = ? AND qualifier <> ?`,
      )
      .get(account, region, name, except) as { total: number };
    return row.total;
  }

  /**
   * What the configurations of functions that reserve no concurrency request in all, but one
   * (their provisioned concurrency comes out of the account's unreserved pool).
   */
  unreservedProvisionedTotal(account: string, region: string, exceptName: string, exceptQualifier: string): number {
    const row = this.#db
      .prepare(
        `SELECT COALESCE(SUM(p.requested), 0) AS total FROM lambda_provisioned_concurrency p
         JOIN lambda_functions f ON f.account = p.account AND f.region = p.region AND f.name = p.name
         WHERE p.account = ? AND p.region = ? AND f.reserved_concurrency IS NULL
           AND NOT (p.name = ? AND p.qualifier = ?)`,
      )
      .get(account, region, exceptName, exceptQualifier) as { total: number };
    return row.total;
  }

  // Recursive loop detection

  recursiveLoop(account: string, region: string, name: string): string | undefined {
    const row = this.#db
      .prepare('SELECT recursive_loop FROM lambda_recursion_configs WHERE account = ? AND region = ? AND name = ?')
      .get(account, region, name) as { recursive_loop: string } | undefined;
    return row?.recursive_loop;
  }

  putRecursiveLoop(account: string, region: string, name: string, value: string): void {
    this.#db
      .prepare(
        `INSERT INTO lambda_recursion_configs (account, region, name, recursive_loop) VALUES (?, ?, ?, ?)
         ON CONFLICT (account, region, name) DO UPDATE SET recursive_loop = excluded.recursive_loop`,
      )
      .run(account, region, name, value);
  }

  // Runtime management

  runtimeManagement(account: string, region: string, name: string, version: string): RuntimeManagementRow | undefined {
    const row = this.#db
      .prepare(
        `SELECT update_runtime_on, runtime_version_arn FROM lambda_runtime_management
         WHERE account = ? AND region = ? AND name = ? AND version = ?`,
      )
      .get(account, region, name, version) as
      | { update_runtime_on: string; runtime_version_arn: string | null }
      | undefined;
    if (!row) return undefined;
    return { updateRuntimeOn: row.update_runtime_on, runtimeVersionArn: row.runtime_version_arn ?? undefined };
  }

  putRuntimeManagement(account: string, region: string, name: string, version: string, row: RuntimeManagementRow) {
    this.#db
      .prepare(
        `INSERT INTO lambda_runtime_management (account, region, name, version, update_runtime_on, runtime_version_arn)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (account, region, name, version)
         DO UPDATE SET update_runtime_on = excluded.update_runtime_on, runtime_version_arn = excluded.runtime_version_arn`,
      )
      .run(account, region, name, version, row.updateRuntimeOn, row.runtimeVersionArn ?? null);
  }

  // Removal with what the settings belong to

  /** Forgets every setting of a deleted function. */
  forgetFunction(account: string, region: string, name: string): void {
    for (const table of ['lambda_provisioned_concurrency', 'lambda_recursion_configs', 'lambda_runtime_management']) {
      this.#db.prepare(`DELETE FROM ${table} WHERE account = ? AND region = ? AND name = ?`).run(account, region, name);
    }
  }

  /** Forgets the settings of a deleted version (its provisioned concurrency, its runtime management). */
  forgetVersion(account: string, region: string, name: string, version: string): void {
    this.deleteProvisioned(account, region, name, version);
    this.#db
      .prepare('DELETE FROM lambda_runtime_management WHERE account = ? AND region = ? AND name = ? AND version = ?')
      .run(account, region, name, version);
  }

  // Account usage

  /**
   * The account's functions in a region and the bytes of their code: each function's `$LATEST`,
   * each published version and each layer version count on their own, as AWS counts them
   * (https://docs.aws.amazon.com/lambda/latest/api/API_AccountUsage.html: "deployment packages
   * and layer archives"). Three aggregates over the account's rows: GetAccountSettings is a
   * rare call, not one that justifies a running counter on every write.
   */
  usage(account: string, region: string): AccountUsageRow {
    const functions = this.#db
      .prepare(
        `SELECT COUNT(*) AS count, COALESCE(SUM(json_extract(config, '$.CodeSize')), 0) AS size
         FROM lambda_functions WHERE account = ? AND region = ?`,
      )
      .get(account, region) as { count: number; size: number };
    const versions = this.#db
      .prepare(
        `SELECT COALESCE(SUM(json_extract(config, '$.CodeSize')), 0) AS size
         FROM lambda_versions WHERE account = ? AND region = ?`,
      )
      .get(account, region) as { size: number };
    const layers = this.#db
      .prepare(
        `SELECT COALESCE(SUM(json_extract(info, '$.Content.CodeSize')), 0) AS size
         FROM lambda_layers WHERE account = ? AND region = ?`,
      )
      .get(account, region) as { size: number };
    return { functionCount: functions.count, totalCodeSize: functions.size + versions.size + layers.size };
  }
}
