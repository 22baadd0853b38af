/**
 * The SQL of what a function publishes beside its `$LATEST` row (store.ts): versions, aliases,
 * resource policies, function URLs, and the account's layers. Kept apart from store.ts so that
 * each resource's rows are read in one place; nothing else in these files holds SQL.
 *
 * - A version is an immutable copy of the configuration and the code blob it ran with; only
 *   its RevisionId moves (a permission added to it). `lambda_functions.published` counts the
 *   versions ever published, as AWS never reuses a version number.
 * - A policy is one row per function and qualifier ('' for the unqualified function).
 * - A layer version holds its zip as a blob, its answer as JSON and its policy.
 */
import type { AliasConfiguration, FunctionConfiguration } from '../../generated/lambda/types.js';
import type { Database, Migration } from '../../state/database.js';

export const publishedMigrations: Migration[] = [
  {
    version: 2,
    sql: `
    ALTER TABLE lambda_functions ADD COLUMN published INTEGER NOT NULL DEFAULT 0;

    CREATE TABLE lambda_versions (
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      name TEXT NOT NULL,
      version INTEGER NOT NULL,
      config TEXT NOT NULL,
      code_blob TEXT NOT NULL,
      PRIMARY KEY (account, region, name, version)
    ) WITHOUT ROWID;

    CREATE TABLE lambda_aliases (
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      name TEXT NOT NULL,
      alias TEXT NOT NULL,
      config TEXT NOT NULL,
      PRIMARY KEY (account, region, name, alias)
    ) WITHOUT ROWID;

    CREATE TABLE lambda_policies (
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      name TEXT NOT NULL,
      qualifier TEXT NOT NULL,
      statements TEXT NOT NULL,
      PRIMARY KEY (account, region, name, qualifier)
    ) WITHOUT ROWID;

    CREATE TABLE lambda_urls (
      url_id TEXT PRIMARY KEY,
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      name TEXT NOT NULL,
      qualifier TEXT NOT NULL,
      config TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE UNIQUE INDEX lambda_urls_function ON lambda_urls (account, region, name, qualifier);

    CREATE TABLE lambda_layers (
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      layer TEXT NOT NULL,
      version INTEGER NOT NULL,
      info TEXT NOT NULL,
      code_blob TEXT NOT NULL,
      statements TEXT,
      policy_revision TEXT,
      PRIMARY KEY (account, region, layer, version)
    ) WITHOUT ROWID;

    CREATE TABLE lambda_layer_counters (
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      layer TEXT NOT NULL,
      published INTEGER NOT NULL,
      PRIMARY KEY (account, region, layer)
    ) WITHOUT ROWID;
    `,
  },
  {
    // An Event invocation of a version or an alias runs the version it named when accepted.
    version: 3,
    sql: 'ALTER TABLE lambda_event_queue ADD COLUMN version TEXT;',
  },
];

export interface StoredVersion {
  version: number;
  config: FunctionConfiguration;
  codeBlob: string;
}

export interface PolicyStatement {
  Sid: string;
  [key: string]: unknown;
}

export interface StoredUrl {
  urlId: string;
  account: string;
  region: string;
  name: string;
  /** '' for the unqualified function. */
  qualifier: string;
  config: UrlConfig;
}

export interface UrlConfig {
  FunctionUrl: string;
  FunctionArn: string;
  AuthType: 'NONE' | 'AWS_IAM';
  Cors?: Record<string, unknown>;
  InvokeMode?: 'BUFFERED' | 'RESPONSE_STREAM';
  CreationTime: string;
  LastModifiedTime: string;
}

export interface StoredLayer {
  layer: string;
  version: number;
  /** The GetLayerVersion answer, less Content.Location (made per request). */
  info: Record<string, unknown>;
  codeBlob: string;
  statements: PolicyStatement[] | undefined;
  policyRevision: string | undefined;
}

interface LayerRow {
  layer: string;
  version: number;
  info: string;
  code_blob: string;
  statements: string | null;
  policy_revision: string | null;
}

function layerFromRow(row: LayerRow): StoredLayer {
  return {
    layer: row.layer,
    version: row.version,
    info: JSON.parse(row.info) as Record<string, unknown>,
    codeBlob: row.code_blob,
    statements: row.statements ? (JSON.parse(row.statements) as PolicyStatement[]) : undefined,
    policyRevision: row.policy_revision ?? undefined,
  };
}

interface UrlRow {
  url_id: string;
  account: string;
  region: string;
  name: string;
  qualifier: string;
  config: string;
}

function urlFromRow(row: UrlRow): StoredUrl {
  return {
    urlId: row.url_id,
    account: row.account,
    region: row.region,
    name: row.name,
    qualifier: row.qualifier,
    config: JSON.parse(row.config) as UrlConfig,
  };
}

export class PublishedStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  // Versions

  /** Takes the next version number of a function (never reused). */
  nextVersion(account: string, region: string, name: string): number {
    this.#db
      .prepare('UPDATE lambda_functions SET published = published + 1 WHERE account = ? AND region = ? AND name = ?')
      .run(account, region, name);
    const row = this.#db
      .prepare('SELECT published FROM lambda_functions WHERE account = ? AND region = ? AND name = ?')
      .get(account, region, name) as { published: number };
    return row.published;
  }

  version(account: string, region: string, name: string, version: number): StoredVersion | undefined {
    const row = this.#db
      .prepare('SELECT * FROM lambda_versions WHERE account = ? AND region = ? AND name = ? AND version = ?')
      .get(account, region, name, version) as { version: number; config: string; code_blob: string } | undefined;
    return row ? { version: row.version, config: JSON.parse(row.config), codeBlob: row.code_blob } : undefined;
  }

  lastVersion(account: string, region: string, name: string): StoredVersion | undefined {
    const row = this.#db
      .prepare(
        'SELECT * FROM lambda_versions WHERE account = ? AND region = ? AND name = ? ORDER BY version DESC LIMIT 1',
      )
      .get(account, region, name) as { version: number; config: string; code_blob: string } | undefined;
    return row ? { version: row.version, config: JSON.parse(row.config), codeBlob: row.code_blob } : undefined;
  }

  /** A page of versions after `after`, in number order. */
  versions(account: string, region: string, name: string, after: number, limit: number): StoredVersion[] {
    const rows = this.#db
      .prepare(
        'SELECT * FROM lambda_versions WHERE account = ? AND region = ? AND name = ? AND version > ? ORDER BY version LIMIT ?',
      )
      .all(account, region, name, after, limit) as Array<{ version: number; config: string; code_blob: string }>;
    return rows.map((row) => ({ version: row.version, config: JSON.parse(row.config), codeBlob: row.code_blob }));
  }

  putVersion(account: string, region: string, name: string, version: StoredVersion): void {
    this.#db
      .prepare(
        `INSERT INTO lambda_versions (account, region, name, version, config, code_blob) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (account, region, name, version) DO UPDATE SET config = excluded.config`,
      )
      .run(account, region, name, version.version, JSON.stringify(version.config), version.codeBlob);
  }

  deleteVersion(account: string, region: string, name: string, version: number): void {
    this.#db
      .prepare('DELETE FROM lambda_versions WHERE account = ? AND region = ? AND name = ? AND version = ?')
      .run(account, region, name, version);
    this.deletePolicy(account, region, name, String(version));
  }

  /** Whether any version (of any function) or layer runs this code blob. */
  blobInUse(blobId: string): boolean {
    const row = this.#db
      .prepare(
        'SELECT 1 FROM lambda_versions WHERE code_blob = ? UNION ALL SELECT 1 FROM lambda_functions WHERE code_blob = ? LIMIT 1',
      )
      .get(blobId, blobId);
    return row !== undefined;
  }

  /** Every code blob a version or layer names. */
  codeBlobs(): Set<string> {
    const rows = this.#db
      .prepare('SELECT code_blob FROM lambda_versions UNION SELECT code_blob FROM lambda_layers')
      .all() as Array<{ code_blob: string }>;
    return new Set(rows.map((row) => row.code_blob));
  }

  /** Removes what a deleted function published; returns the code blobs its versions named. */
  deleteFunction(account: string, region: string, name: string): string[] {
    const blobs = this.#db
      .prepare('SELECT DISTINCT code_blob FROM lambda_versions WHERE account = ? AND region = ? AND name = ?')
      .all(account, region, name) as Array<{ code_blob: string }>;
    for (const table of ['lambda_versions', 'lambda_aliases', 'lambda_policies', 'lambda_urls']) {
      this.#db.prepare(`DELETE FROM ${table} WHERE account = ? AND region = ? AND name = ?`).run(account, region, name);
    }
    return blobs.map((row) => row.code_blob);
  }

  // Aliases

  alias(account: string, region: string, name: string, alias: string): AliasConfiguration | undefined {
    const row = this.#db
      .prepare('SELECT config FROM lambda_aliases WHERE account = ? AND region = ? AND name = ? AND alias = ?')
      .get(account, region, name, alias) as { config: string } | undefined;
    return row ? (JSON.parse(row.config) as AliasConfiguration) : undefined;
  }

  aliases(account: string, region: string, name: string, after: string, limit: number): AliasConfiguration[] {
    const rows = this.#db
      .prepare(
        'SELECT config FROM lambda_aliases WHERE account = ? AND region = ? AND name = ? AND alias > ? ORDER BY alias LIMIT ?',
      )
      .all(account, region, name, after, limit) as Array<{ config: string }>;
    return rows.map((row) => JSON.parse(row.config) as AliasConfiguration);
  }

  /** Whether an alias points at a version (with its main version or a weight). */
  versionInAlias(account: string, region: string, name: string, version: string): boolean {
    const rows = this.#db
      .prepare('SELECT config FROM lambda_aliases WHERE account = ? AND region = ? AND name = ?')
      .all(account, region, name) as Array<{ config: string }>;
    return rows.some((row) => {
      const config = JSON.parse(row.config) as AliasConfiguration;
      return (
        config.FunctionVersion === version || config.RoutingConfig?.AdditionalVersionWeights?.[version] !== undefined
      );
    });
  }

  putAlias(account: string, region: string, name: string, config: AliasConfiguration): void {
    this.#db
      .prepare(
        `INSERT INTO lambda_aliases (account, region, name, alias, config) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (account, region, name, alias) DO UPDATE SET config = excluded.config`,
      )
      .run(account, region, name, config.Name, JSON.stringify(config));
  }

  deleteAlias(account: string, region: string, name: string, alias: string): void {
    this.#db
      .prepare('DELETE FROM lambda_aliases WHERE account = ? AND region = ? AND name = ? AND alias = ?')
      .run(account, region, name, alias);
    this.deletePolicy(account, region, name, alias);
    this.#db
      .prepare('DELETE FROM lambda_urls WHERE account = ? AND region = ? AND name = ? AND qualifier = ?')
      .run(account, region, name, alias);
  }

  // Resource policies

  policy(account: string, region: string, name: string, qualifier: string): PolicyStatement[] | undefined {
    const row = this.#db
      .prepare('SELECT statements FROM lambda_policies WHERE account = ? AND region = ? AND name = ? AND qualifier = ?')
      .get(account, region, name, qualifier) as { statements: string } | undefined;
    return row ? (JSON.parse(row.statements) as PolicyStatement[]) : undefined;
  }

  putPolicy(account: string, region: string, name: string, qualifier: string, statements: PolicyStatement[]): void {
    if (statements.length === 0) {
      this.deletePolicy(account, region, name, qualifier);
      return;
    }
    this.#db
      .prepare(
        `INSERT INTO lambda_policies (account, region, name, qualifier, statements) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (account, region, name, qualifier) DO UPDATE SET statements = excluded.statements`,
      )
      .run(account, region, name, qualifier, JSON.stringify(statements));
  }

  deletePolicy(account: string, region: string, name: string, qualifier: string): void {
    this.#db
      .prepare('DELETE FROM lambda_policies WHERE account = ? AND region = ? AND name = ? AND qualifier = ?')
      .run(account, region, name, qualifier);
  }

  // Function URLs

  url(account: string, region: string, name: string, qualifier: string): StoredUrl | undefined {
    const row = this.#db
      .prepare('SELECT * FROM lambda_urls WHERE account = ? AND region = ? AND name = ? AND qualifier = ?')
      .get(account, region, name, qualifier) as UrlRow | undefined;
    return row ? urlFromRow(row) : undefined;
  }

  urlById(urlId: string): StoredUrl | undefined {
    const row = this.#db.prepare('SELECT * FROM lambda_urls WHERE url_id = ?').get(urlId) as UrlRow | undefined;
    return row ? urlFromRow(row) : undefined;
  }

  urls(account: string, region: string, name: string): StoredUrl[] {
    const rows = this.#db
      .prepare('SELECT * FROM lambda_urls WHERE account = ? AND region = ? AND name = ? ORDER BY qualifier')
      .all(account, region, name) as UrlRow[];
    return rows.map(urlFromRow);
  }

  putUrl(url: StoredUrl): void {
    this.#db
      .prepare(
        `INSERT INTO lambda_urls (url_id, account, region, name, qualifier, config) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (url_id) DO UPDATE SET config = excluded.config`,
      )
      .run(url.urlId, url.account, url.region, url.name, url.qualifier, JSON.stringify(url.config));
  }

  deleteUrl(urlId: string): void {
    this.#db.prepare('DELETE FROM lambda_urls WHERE url_id = ?').run(urlId);
  }

  // Layers

  nextLayerVersion(account: string, region: string, layer: string): number {
    this.#db
      .prepare(
        `INSERT INTO lambda_layer_counters (account, region, layer, published) VALUES (?, ?, ?, 1)
         ON CONFLICT (account, region, layer) DO UPDATE SET published = published + 1`,
      )
      .run(account, region, layer);
    const row = this.#db
      .prepare('SELECT published FROM lambda_layer_counters WHERE account = ? AND region = ? AND layer = ?')
      .get(account, region, layer) as { published: number };
    return row.published;
  }

  layerVersion(account: string, region: string, layer: string, version: number): StoredLayer | undefined {
    const row = this.#db
      .prepare('SELECT * FROM lambda_layers WHERE account = ? AND region = ? AND layer = ? AND version = ?')
      .get(account, region, layer, version) as LayerRow | undefined;
    return row ? layerFromRow(row) : undefined;
  }

  /** A layer's versions, newest first. */
  layerVersions(account: string, region: string, layer: string): StoredLayer[] {
    const rows = this.#db
      .prepare('SELECT * FROM lambda_layers WHERE account = ? AND region = ? AND layer = ? ORDER BY version DESC')
      .all(account, region, layer) as LayerRow[];
    return rows.map(layerFromRow);
  }

  /** Every layer version of an account's region, by name then newest first. */
  allLayerVersions(account: string, region: string): StoredLayer[] {
    const rows = this.#db
      .prepare('SELECT * FROM lambda_layers WHERE account = ? AND region = ? ORDER BY layer, version DESC')
      .all(account, region) as LayerRow[];
    return rows.map(layerFromRow);
  }

  putLayerVersion(account: string, region: string, layer: StoredLayer): void {
    this.#db
      .prepare(
        `INSERT INTO lambda_layers (account, region, layer, version, info, code_blob, statements, policy_revision)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (account, region, layer, version) DO UPDATE SET statements = excluded.statements,
           policy_revision = excluded.policy_revision`,
      )
      .run(
        account,
        region,
        layer.layer,
        layer.version,
        JSON.stringify(layer.info),
        layer.codeBlob,
        layer.statements && layer.statements.length > 0 ? JSON.stringify(layer.statements) : null,
        layer.policyRevision ?? null,
      );
  }

  deleteLayerVersion(account: string, region: string, layer: string, version: number): void {
    this.#db
      .prepare('DELETE FROM lambda_layers WHERE account = ? AND region = ? AND layer = ? AND version = ?')
      .run(account, region, layer, version);
  }
}
