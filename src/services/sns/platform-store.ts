/**
 * The SQL of SNS's mobile push (platform applications and their endpoints) and of its SMS
 * settings (account SMS attributes, the opt-out list, the SMS sandbox's destination numbers).
 * Every row is scoped by account and region. Its migrations continue SNS's list (owner `sns`,
 * store.ts holds version 1).
 *
 * - An application's endpoints are an index range by application (listing, idempotency by token
 *   and the delete of an application's endpoints read no other application's rows).
 * - Opted-out numbers and sandbox numbers are keyed by (account, region, number), so a check, an
 *   opt-in and a page of the list are each one index seek.
 */
import type { Database, Migration } from '../../state/database.js';

export const platformMigrations: Migration[] = [
  {
    version: 2,
    sql: `
    CREATE TABLE sns_platform_applications (
      id INTEGER PRIMARY KEY,
      arn TEXT NOT NULL UNIQUE,
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      platform TEXT NOT NULL,
      name TEXT NOT NULL,
      attributes TEXT NOT NULL,
      created_at INTEGER NOT NULL
    );
    CREATE INDEX sns_platform_applications_listing ON sns_platform_applications (account, region, arn);

    CREATE TABLE sns_platform_endpoints (
      id INTEGER PRIMARY KEY,
      arn TEXT NOT NULL UNIQUE,
      application_arn TEXT NOT NULL,
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      token TEXT NOT NULL,
      enabled INTEGER NOT NULL,
      custom_user_data TEXT,
      created_at INTEGER NOT NULL
    );
    CREATE INDEX sns_platform_endpoints_by_application ON sns_platform_endpoints (application_arn, id);
    CREATE INDEX sns_platform_endpoints_by_token ON sns_platform_endpoints (application_arn, token);

    CREATE TABLE sns_sms_attributes (
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      name TEXT NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (account, region, name)
    ) WITHOUT ROWID;

    CREATE TABLE sns_sms_opted_out (
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      phone_number TEXT NOT NULL,
      opted_out_at INTEGER NOT NULL,
      PRIMARY KEY (account, region, phone_number)
    ) WITHOUT ROWID;

    CREATE TABLE sns_sms_sandbox_numbers (
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      phone_number TEXT NOT NULL,
      status TEXT NOT NULL,
      one_time_password TEXT NOT NULL,
      language_code TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (account, region, phone_number)
    ) WITHOUT ROWID;
    `,
  },
];

export interface PlatformApplicationRow {
  id: number;
  arn: string;
  account: string;
  region: string;
  platform: string;
  name: string;
  /** JSON: every attribute set, credentials included (they are never answered back). */
  attributes: string;
  created_at: number;
}

export interface PlatformEndpointRow {
  id: number;
  arn: string;
  application_arn: string;
  account: string;
  region: string;
  token: string;
  enabled: number;
  custom_user_data: string | null;
  created_at: number;
}

export interface SandboxNumberRow {
  phone_number: string;
  status: 'Pending' | 'Verified';
  one_time_password: string;
  language_code: string;
  created_at: number;
}

interface Scope {
  account: string;
  region: string;
}

export class PlatformStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  // Platform applications

  application(arn: string): PlatformApplicationRow | undefined {
    return this.#db.prepare('SELECT * FROM sns_platform_applications WHERE arn = ?').get(arn) as
      | PlatformApplicationRow
      | undefined;
  }

  /** Inserts an application, or replaces the attributes of the one of that ARN (its endpoints stay). */
  putApplication(row: Omit<PlatformApplicationRow, 'id'>): void {
    this.#db
      .prepare(
        `INSERT INTO sns_platform_applications (arn, account, region, platform, name, attributes, created_at)
         VALUES (@arn, @account, @region, @platform, @name, @attributes, @created_at)
         ON CONFLICT (arn) DO UPDATE SET attributes = excluded.attributes`,
      )
      .run(row);
  }

  setApplicationAttributes(arn: string, attributes: string): void {
    this.#db.prepare('UPDATE sns_platform_applications SET attributes = ? WHERE arn = ?').run(attributes, arn);
  }

  /** Deletes an application and its endpoints. */
  deleteApplication(arn: string): void {
    this.#db.prepare('DELETE FROM sns_platform_endpoints WHERE application_arn = ?').run(arn);
    this.#db.prepare('DELETE FROM sns_platform_applications WHERE arn = ?').run(arn);
  }

  /** A page of an account's applications in a region, in ARN order, after the ARN `after`. */
  listApplications(scope: Scope, after: string, limit: number): PlatformApplicationRow[] {
    return this.#db
      .prepare(
        'SELECT * FROM sns_platform_applications WHERE account = ? AND region = ? AND arn > ? ORDER BY arn LIMIT ?',
      )
      .all(scope.account, scope.region, after, limit) as PlatformApplicationRow[];
  }

  // Platform endpoints

  endpoint(arn: string): PlatformEndpointRow | undefined {
    return this.#db.prepare('SELECT * FROM sns_platform_endpoints WHERE arn = ?').get(arn) as
      | PlatformEndpointRow
      | undefined;
  }

  endpointByToken(applicationArn: string, token: string): PlatformEndpointRow | undefined {
    return this.#db
      .prepare('SELECT * FROM sns_platform_endpoints WHERE application_arn = ? AND token = ? ORDER BY id LIMIT 1')
      .get(applicationArn, token) as PlatformEndpointRow | undefined;
  }

  insertEndpoint(row: Omit<PlatformEndpointRow, 'id'>): void {
    this.#db
      .prepare(
        `INSERT INTO sns_platform_endpoints (arn, application_arn, account, region, token, enabled, custom_user_data, created_at)
         VALUES (@arn, @application_arn, @account, @region, @token, @enabled, @custom_user_data, @created_at)`,
      )
      .run(row);
  }

  updateEndpoint(arn: string, values: { token: string; enabled: number; custom_user_data: string | null }): void {
    this.#db
      .prepare('UPDATE sns_platform_endpoints SET token = ?, enabled = ?, custom_user_data = ? WHERE arn = ?')
      .run(values.token, values.enabled, values.custom_user_data, arn);
  }

  deleteEndpoint(arn: string): void {
    this.#db.prepare('DELETE FROM sns_platform_endpoints WHERE arn = ?').run(arn);
  }

  /** A page of an application's endpoints in creation order, after the row id `after`. */
  listEndpoints(applicationArn: string, after: number, limit: number): PlatformEndpointRow[] {
    return this.#db
      .prepare('SELECT * FROM sns_platform_endpoints WHERE application_arn = ? AND id > ? ORDER BY id LIMIT ?')
      .all(applicationArn, after, limit) as PlatformEndpointRow[];
  }

  // SMS attributes

  smsAttributes(scope: Scope): Record<string, string> {
    const rows = this.#db
      .prepare('SELECT name, value FROM sns_sms_attributes WHERE account = ? AND region = ? ORDER BY name')
      .all(scope.account, scope.region) as Array<{ name: string; value: string }>;
    return Object.fromEntries(rows.map((row) => [row.name, row.value]));
  }

  setSmsAttribute(scope: Scope, name: string, value: string): void {
    this.#db
      .prepare(
        `INSERT INTO sns_sms_attributes (account, region, name, value) VALUES (?, ?, ?, ?)
         ON CONFLICT (account, region, name) DO UPDATE SET value = excluded.value`,
      )
      .run(scope.account, scope.region, name, value);
  }

  deleteSmsAttribute(scope: Scope, name: string): void {
    this.#db
      .prepare('DELETE FROM sns_sms_attributes WHERE account = ? AND region = ? AND name = ?')
      .run(scope.account, scope.region, name);
  }

  // The opt-out list

  isOptedOut(scope: Scope, phoneNumber: string): boolean {
    return (
      this.#db
        .prepare('SELECT 1 FROM sns_sms_opted_out WHERE account = ? AND region = ? AND phone_number = ?')
        .get(scope.account, scope.region, phoneNumber) !== undefined
    );
  }

  optOut(scope: Scope, phoneNumber: string, now: number): void {
    this.#db
      .prepare(
        `INSERT INTO sns_sms_opted_out (account, region, phone_number, opted_out_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (account, region, phone_number) DO NOTHING`,
      )
      .run(scope.account, scope.region, phoneNumber, now);
  }

  optIn(scope: Scope, phoneNumber: string): void {
    this.#db
      .prepare('DELETE FROM sns_sms_opted_out WHERE account = ? AND region = ? AND phone_number = ?')
      .run(scope.account, scope.region, phoneNumber);
  }

  /** A page of opted-out numbers in number order, after `after`. */
  listOptedOut(scope: Scope, after: string, limit: number): string[] {
    const rows = this.#db
      .prepare(
        `SELECT phone_number FROM sns_sms_opted_out WHERE account = ? AND region = ? AND phone_number > ?
         ORDER BY phone_number LIMIT ?`,
      )
      .all(scope.account, scope.region, after, limit) as Array<{ phone_number: string }>;
    return rows.map((row) => row.phone_number);
  }

  // The SMS sandbox's destination numbers

  sandboxNumber(scope: Scope, phoneNumber: string): SandboxNumberRow | undefined {
    return this.#db
      .prepare(
        `SELECT phone_number, status, one_time_password, language_code, created_at FROM sns_sms_sandbox_numbers
         WHERE account = ? AND region = ? AND phone_number = ?`,
      )
      .get(scope.account, scope.region, phoneNumber) as SandboxNumberRow | undefined;
  }

  putSandboxNumber(scope: Scope, row: SandboxNumberRow): void {
    this.#db
      .prepare(
        `INSERT INTO sns_sms_sandbox_numbers (account, region, phone_number, status, one_time_password, language_code, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (account, region, phone_number) DO UPDATE SET status = excluded.status,
           one_time_password = excluded.one_time_password, language_code = excluded.language_code`,
      )
      .run(
        scope.account,
        scope.region,
        row.phone_number,
        row.status,
        row.one_time_password,
        row.language_code,
        row.created_at,
      );
  }

  deleteSandboxNumber(scope: Scope, phoneNumber: string): void {
    this.#db
      .prepare('DELETE FROM sns_sms_sandbox_numbers WHERE account = ? AND region = ? AND phone_number = ?')
      .run(scope.account, scope.region, phoneNumber);
  }

  /** A page of sandbox numbers in number order, after `after`. */
  listSandboxNumbers(scope: Scope, after: string, limit: number): SandboxNumberRow[] {
    return this.#db
      .prepare(
        `SELECT phone_number, status, one_time_password, language_code, created_at FROM sns_sms_sandbox_numbers
         WHERE account = ? AND region = ? AND phone_number > ? ORDER BY phone_number LIMIT ?`,
      )
      .all(scope.account, scope.region, after, limit) as SandboxNumberRow[];
  }
}

const stores = new WeakMap<Database, PlatformStore>();

/** The one PlatformStore of a database (statements are prepared once per SQL text by the database). */
export function platformStore(db: Database): PlatformStore {
  let store = stores.get(db);
  if (!store) {
    store = new PlatformStore(db);
    stores.set(db, store);
  }
  return store;
}
