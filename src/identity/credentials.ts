/**
 * Who is calling: the access keys Nimbus has issued (IAM user keys, STS temporary
 * credentials) and the principal each one stands for. Global, as IAM is: a key id names its
 * account. The resolver asks `resolveCaller` for every request; IAM and STS write here.
 *
 * Rules (the issue and LocalStack's conventions, so that scripts move over unchanged):
 * - a 12-digit access key id is that account's root;
 * - a key Nimbus issued maps to its principal, and fails once expired or deactivated;
 * - any other key (`test`, `AKIAIOSFODNN7EXAMPLE`...) is the root of account 000000000000.
 */
import { ExpiredToken, InvalidClientTokenId } from '../errors/common.js';
import type { Database, Migration } from '../state/database.js';

export const defaultAccount = '000000000000';

export type PrincipalKind = 'root' | 'user' | 'assumed-role' | 'federated-user';

export interface Caller {
  account: string;
  /** `arn:aws:iam::123456789012:root`, `...:user/alice`, `arn:aws:sts::...:assumed-role/r/s`. */
  arn: string;
  /** What GetCallerIdentity calls UserId: the account, AIDA..., or AROA...:session. */
  userId: string;
  kind: PrincipalKind;
  /** Empty for unsigned requests. */
  accessKeyId: string;
}

export interface CredentialRecord {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string | null;
  account: string;
  principalArn: string;
  principalId: string;
  kind: PrincipalKind;
  /** The IAM user a long-term key belongs to. */
  userName: string | null;
  status: 'Active' | 'Inactive';
  createdAt: number;
  expiresAt: number | null;
  /** The service that issued it (`iam`, `sts`): resetting that service forgets it. */
  source: string;
  /** What a temporary session carries forward to the sessions it starts (role chaining). */
  session: SessionContext | null;
}

export interface SessionContext {
  /** Session tags that pass on to chained sessions: key (as given) -> value. */
  transitiveTags?: Record<string, string>;
  sourceIdentity?: string;
}

interface CredentialRow {
  access_key_id: string;
  secret_access_key: string;
  session_token: string | null;
  account: string;
  principal_arn: string;
  principal_id: string;
  kind: PrincipalKind;
  user_name: string | null;
  status: 'Active' | 'Inactive';
  created_at: number;
  expires_at: number | null;
  source: string;
  session_json: string | null;
}

export const identityMigrations: Migration[] = [
  {
    version: 1,
    sql: `CREATE TABLE identity_credentials (
      access_key_id TEXT PRIMARY KEY,
      secret_access_key TEXT NOT NULL,
      session_token TEXT,
      account TEXT NOT NULL,
      principal_arn TEXT NOT NULL,
      principal_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      user_name TEXT,
      status TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      expires_at INTEGER,
      source TEXT NOT NULL,
      session_json TEXT
    );
    CREATE INDEX identity_credentials_by_user ON identity_credentials (account, user_name);
    CREATE INDEX identity_credentials_by_expiry ON identity_credentials (expires_at) WHERE expires_at IS NOT NULL;`,
  },
];

function fromRow(row: CredentialRow): CredentialRecord {
  return {
    accessKeyId: row.access_key_id,
    secretAccessKey: row.secret_access_key,
    sessionToken: row.session_token,
    account: row.account,
    principalArn: row.principal_arn,
    principalId: row.principal_id,
    kind: row.kind,
    userName: row.user_name,
    status: row.status,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    source: row.source,
    session: row.session_json ? (JSON.parse(row.session_json) as SessionContext) : null,
  };
}

const twelveDigits = /^\d{12}$/;

/** How many access keys the cache remembers before it starts again (each entry is small). */
const cacheLimit = 10_000;

export class CredentialStore {
  readonly #db: Database;
  /**
   * Every request resolves its access key, and most carry the same few (`test`), so lookups are
   * remembered, misses too. Every write below goes through this class and updates the cache;
   * a reset, a state import or any rollback (which may undo a row read since) clears it.
   */
  readonly #cache = new Map<string, CredentialRecord | null>();

  constructor(db: Database) {
    this.#db = db;
    db.migrate('identity', identityMigrations);
    db.onReplaced(() => this.#cache.clear());
  }

  /** The principal behind an access key at time `now` (ms); throws ExpiredToken / InvalidClientTokenId. */
  resolveCaller(accessKeyId: string | undefined, now: number): Caller {
    if (!accessKeyId) return rootOf(defaultAccount, '');
    if (twelveDigits.test(accessKeyId)) return rootOf(accessKeyId, accessKeyId);
    const record = this.get(accessKeyId);
    if (!record) return rootOf(defaultAccount, accessKeyId);
    if (record.expiresAt !== null && record.expiresAt <= now) throw new ExpiredToken();
    if (record.status !== 'Active') throw new InvalidClientTokenId();
    return {
      account: record.account,
      arn: record.principalArn,
      userId: record.principalId,
      kind: record.kind,
      accessKeyId,
    };
  }

  get(accessKeyId: string): CredentialRecord | undefined {
    const cached = this.#cache.get(accessKeyId);
    if (cached !== undefined) return cached ?? undefined;
    const row = this.#db.prepare('SELECT * FROM identity_credentials WHERE access_key_id = ?').get(accessKeyId) as
      | CredentialRow
      | undefined;
    const record = row ? fromRow(row) : undefined;
    if (this.#cache.size >= cacheLimit) this.#cache.clear();
    this.#cache.set(accessKeyId, record ?? null);
    return record;
  }

  /** The account an access key id belongs to (STS GetAccessKeyInfo), whether or not it is still valid. */
  accountOf(accessKeyId: string): string {
    if (twelveDigits.test(accessKeyId)) return accessKeyId;
    return this.get(accessKeyId)?.account ?? defaultAccount;
  }

  put(record: CredentialRecord): void {
    this.#cache.delete(record.accessKeyId);
    this.#db
      .prepare(
        `INSERT INTO identity_credentials (access_key_id, secret_access_key, session_token, account, principal_arn,
           principal_id, kind, user_name, status, created_at, expires_at, source, session_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        record.accessKeyId,
        record.secretAccessKey,
        record.sessionToken,
        record.account,
        record.principalArn,
        record.principalId,
        record.kind,
        record.userName,
        record.status,
        record.createdAt,
        record.expiresAt,
        record.source,
        record.session ? JSON.stringify(record.session) : null,
      );
  }

  /** An IAM user's long-term keys, oldest first. */
  listUserKeys(account: string, userName: string): CredentialRecord[] {
    const rows = this.#db
      .prepare(
        "SELECT * FROM identity_credentials WHERE account = ? AND user_name = ? AND kind = 'user' ORDER BY created_at, access_key_id",
      )
      .all(account, userName) as CredentialRow[];
    return rows.map(fromRow);
  }

  setStatus(accessKeyId: string, status: 'Active' | 'Inactive'): void {
    this.#cache.delete(accessKeyId);
    this.#db.prepare('UPDATE identity_credentials SET status = ? WHERE access_key_id = ?').run(status, accessKeyId);
  }

  delete(accessKeyId: string): void {
    this.#cache.delete(accessKeyId);
    this.#db.prepare('DELETE FROM identity_credentials WHERE access_key_id = ?').run(accessKeyId);
  }

  /** Forgets every credential a service issued (when that service is reset). */
  deleteIssuedBy(source: string): void {
    this.#cache.clear();
    this.#db.prepare('DELETE FROM identity_credentials WHERE source = ?').run(source);
  }

  /** Renames the user a set of keys belongs to (IAM UpdateUser with NewUserName). */
  renameUser(account: string, userName: string, newUserName: string, newArn: string): void {
    this.#cache.clear();
    this.#db
      .prepare(
        "UPDATE identity_credentials SET user_name = ?, principal_arn = ? WHERE account = ? AND user_name = ? AND kind = 'user'",
      )
      .run(newUserName, newArn, account, userName);
  }
}

export function rootOf(account: string, accessKeyId: string): Caller {
  return { account, arn: `arn:aws:iam::${account}:root`, userId: account, kind: 'root', accessKeyId };
}
