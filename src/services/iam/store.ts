/**
 * IAM's persistence: the only file of the service that speaks SQL. IAM is global, so every
 * table is keyed by account alone. Names of users, groups, roles, policies and instance profiles
 * are unique per account regardless of case (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-names),
 * so each row carries `name_key` (the name in lower case) as its key, which also gives the
 * alphabetical order the List operations page through. Relations between entities (group
 * members, attachments, inline policies, instance profile roles) hold the entities' unique ids,
 * so that renaming a user or a group touches one row.
 *
 * Access keys are not here: they live in the CredentialStore (src/identity/credentials.ts), where
 * every request's caller is resolved.
 */
import type { Database, Migration, SqlValue, Statement } from '../../state/database.js';

export const iamMigrations: Migration[] = [
  {
    version: 1,
    sql: `
    CREATE TABLE iam_accounts (
      account TEXT PRIMARY KEY,
      alias TEXT,
      created_at INTEGER NOT NULL
    );
    CREATE UNIQUE INDEX iam_accounts_by_alias ON iam_accounts (alias) WHERE alias IS NOT NULL;

    CREATE TABLE iam_users (
      account TEXT NOT NULL,
      name_key TEXT NOT NULL,
      name TEXT NOT NULL,
      id TEXT NOT NULL,
      path TEXT NOT NULL,
      arn TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      boundary TEXT,
      tags TEXT NOT NULL,
      PRIMARY KEY (account, name_key)
    ) WITHOUT ROWID;
    CREATE UNIQUE INDEX iam_users_by_id ON iam_users (account, id);
    CREATE INDEX iam_users_by_boundary ON iam_users (account, boundary) WHERE boundary IS NOT NULL;

    CREATE TABLE iam_groups (
      account TEXT NOT NULL,
      name_key TEXT NOT NULL,
      name TEXT NOT NULL,
      id TEXT NOT NULL,
      path TEXT NOT NULL,
      arn TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (account, name_key)
    ) WITHOUT ROWID;
    CREATE UNIQUE INDEX iam_groups_by_id ON iam_groups (account, id);

    CREATE TABLE iam_group_members (
      account TEXT NOT NULL,
      group_id TEXT NOT NULL,
      user_id TEXT NOT NULL,
      PRIMARY KEY (account, group_id, user_id)
    ) WITHOUT ROWID;
    CREATE INDEX iam_group_members_by_user ON iam_group_members (account, user_id, group_id);

    CREATE TABLE iam_roles (
      account TEXT NOT NULL,
      name_key TEXT NOT NULL,
      name TEXT NOT NULL,
      id TEXT NOT NULL,
      path TEXT NOT NULL,
      arn TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      trust_policy TEXT NOT NULL,
      description TEXT,
      max_session_duration INTEGER NOT NULL,
      boundary TEXT,
      tags TEXT NOT NULL,
      linked_service TEXT,
      PRIMARY KEY (account, name_key)
    ) WITHOUT ROWID;
    CREATE UNIQUE INDEX iam_roles_by_id ON iam_roles (account, id);
    CREATE INDEX iam_roles_by_boundary ON iam_roles (account, boundary) WHERE boundary IS NOT NULL;

    CREATE TABLE iam_inline_policies (
      account TEXT NOT NULL,
      owner_kind TEXT NOT NULL,
      owner_id TEXT NOT NULL,
      name TEXT NOT NULL,
      document TEXT NOT NULL,
      PRIMARY KEY (account, owner_kind, owner_id, name)
    ) WITHOUT ROWID;

    CREATE TABLE iam_policies (
      account TEXT NOT NULL,
      name_key TEXT NOT NULL,
      name TEXT NOT NULL,
      id TEXT NOT NULL,
      path TEXT NOT NULL,
      arn TEXT NOT NULL,
      description TEXT,
      default_version INTEGER NOT NULL,
      next_version INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      tags TEXT NOT NULL,
      PRIMARY KEY (account, name_key)
    ) WITHOUT ROWID;
    CREATE UNIQUE INDEX iam_policies_by_id ON iam_policies (account, id);

    CREATE TABLE iam_policy_versions (
      account TEXT NOT NULL,
      policy_key TEXT NOT NULL,
      version INTEGER NOT NULL,
      document TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (account, policy_key, version)
    ) WITHOUT ROWID;

    CREATE TABLE iam_attachments (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      account TEXT NOT NULL,
      owner_kind TEXT NOT NULL,
      owner_id TEXT NOT NULL,
      policy_arn TEXT NOT NULL
    );
    CREATE UNIQUE INDEX iam_attachments_by_owner ON iam_attachments (account, owner_kind, owner_id, seq);
    CREATE UNIQUE INDEX iam_attachments_unique ON iam_attachments (account, owner_kind, owner_id, policy_arn);
    CREATE INDEX iam_attachments_by_policy ON iam_attachments (account, policy_arn);

    CREATE TABLE iam_instance_profiles (
      account TEXT NOT NULL,
      name_key TEXT NOT NULL,
      name TEXT NOT NULL,
      id TEXT NOT NULL,
      path TEXT NOT NULL,
      arn TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      tags TEXT NOT NULL,
      role_id TEXT,
      PRIMARY KEY (account, name_key)
    ) WITHOUT ROWID;
    CREATE UNIQUE INDEX iam_instance_profiles_by_id ON iam_instance_profiles (account, id);
    CREATE INDEX iam_instance_profiles_by_role ON iam_instance_profiles (account, role_id, name_key)
      WHERE role_id IS NOT NULL;

    CREATE TABLE iam_oidc_providers (
      account TEXT NOT NULL,
      arn TEXT NOT NULL,
      url TEXT NOT NULL,
      client_ids TEXT NOT NULL,
      thumbprints TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      tags TEXT NOT NULL,
      PRIMARY KEY (account, arn)
    ) WITHOUT ROWID;

    CREATE TABLE iam_deletion_tasks (
      account TEXT NOT NULL,
      task_id TEXT NOT NULL,
      PRIMARY KEY (account, task_id)
    ) WITHOUT ROWID;`,
  },
];

/** Who owns an inline policy or a managed policy attachment. */
export type OwnerKind = 'user' | 'group' | 'role';

/** The columns users, groups, roles and instance profiles share. */
export interface EntityRow {
  account: string;
  name_key: string;
  name: string;
  id: string;
  path: string;
  arn: string;
  created_at: number;
}

export interface UserRow extends EntityRow {
  boundary: string | null;
  /** JSON of a `Tag[]`. */
  tags: string;
}

export type GroupRow = EntityRow;

export interface RoleRow extends EntityRow {
  trust_policy: string;
  description: string | null;
  max_session_duration: number;
  boundary: string | null;
  tags: string;
  /** The service of a service-linked role (`batch.amazonaws.com`), else null. */
  linked_service: string | null;
}

export interface InstanceProfileRow extends EntityRow {
  tags: string;
  role_id: string | null;
}

export interface PolicyRow extends EntityRow {
  description: string | null;
  default_version: number;
  next_version: number;
  updated_at: number;
  tags: string;
}

export interface PolicyVersionRow {
  version: number;
  document: string;
  created_at: number;
}

export interface AttachmentRow {
  seq: number;
  policy_arn: string;
}

export interface OidcProviderRow {
  account: string;
  arn: string;
  url: string;
  /** JSON string arrays. */
  client_ids: string;
  thumbprints: string;
  created_at: number;
  tags: string;
}

export interface AccountRow {
  account: string;
  alias: string | null;
  created_at: number;
}

/** A user, group or role that holds a policy, for ListEntitiesForPolicy. */
export interface PolicyHolderRow {
  kind: OwnerKind;
  name: string;
  name_key: string;
  id: string;
  path: string;
}

export interface InlinePolicyRow {
  name: string;
  document: string;
}

/** The entity tables that the generic lookups below serve. */
type EntityTable = 'iam_users' | 'iam_groups' | 'iam_roles' | 'iam_instance_profiles' | 'iam_policies';

/** The table of each owner kind. */
const ownerTables: Record<OwnerKind, EntityTable> = { user: 'iam_users', group: 'iam_groups', role: 'iam_roles' };

/** How many entity rows the read cache keeps before it starts again. */
const cachedRowLimit = 10_000;

export class IamStore {
  readonly #db: Database;
  /**
   * Entity rows by table, account and name: IAM is read far more than written (every STS call
   * and every Terraform plan reads roles and policies), and a row lookup costs more than the
   * rest of a GetRole. Every write in this class goes through #write, which empties the cache;
   * any rollback (which may undo a row read since), reset or state import clears it too
   * (Database.onReplaced). Rows are never mutated by their readers.
   */
  readonly #rows = new Map<string, EntityRow | null>();

  constructor(db: Database) {
    this.#db = db;
    db.onReplaced(() => this.#rows.clear());
  }

  /** A statement that writes: the read cache forgets everything first. */
  #write(sql: string): Statement {
    this.#rows.clear();
    return this.#db.prepare(sql);
  }

  /** Runs `work` in one transaction: every multi-statement write goes through here. */
  transaction<T>(work: () => T): T {
    return this.#db.transaction(work);
  }

  /** Inserts a row whose keys are its column names (the SQL text, and so the statement, is one per table). */
  #insert(table: string, row: object): void {
    const columns = Object.keys(row);
    this.#write(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(
      ...(Object.values(row) as SqlValue[]),
    );
  }

  #count(sql: string, ...params: SqlValue[]): number {
    return (this.#db.prepare(`SELECT count(*) AS n FROM ${sql}`).get(...params) as { n: number }).n;
  }

  #exists(sql: string, ...params: SqlValue[]): boolean {
    return this.#db.prepare(`SELECT 1 FROM ${sql} LIMIT 1`).get(...params) !== undefined;
  }

  // Accounts

  /** The account's IAM record, made on first use (its creation date is the root user's). */
  account(account: string, now: number): AccountRow {
    this.#write('INSERT OR IGNORE INTO iam_accounts (account, created_at) VALUES (?, ?)').run(account, now);
    return this.#db.prepare('SELECT * FROM iam_accounts WHERE account = ?').get(account) as AccountRow;
  }

  accountWithAlias(alias: string): AccountRow | undefined {
    return this.#db.prepare('SELECT * FROM iam_accounts WHERE alias = ?').get(alias) as AccountRow | undefined;
  }

  setAccountAlias(account: string, alias: string | null): void {
    this.#write('UPDATE iam_accounts SET alias = ? WHERE account = ?').run(alias, account);
  }

  // Named entities: users, groups, roles, instance profiles, managed policies

  insert(table: EntityTable, row: EntityRow): void {
    this.#insert(table, row);
  }

  find<Row extends EntityRow>(table: EntityTable, account: string, nameKey: string): Row | undefined {
    const key = `${table}\u0000${account}\u0000${nameKey}`;
    const cached = this.#rows.get(key);
    if (cached !== undefined) return (cached ?? undefined) as Row | undefined;
    const sql = `SELECT * FROM ${table} WHERE account = ? AND name_key = ?`;
    const row = this.#db.prepare(sql).get(account, nameKey) as Row | undefined;
    if (this.#rows.size >= cachedRowLimit) this.#rows.clear();
    this.#rows.set(key, row ?? null);
    return row;
  }

  findById<Row extends EntityRow>(table: EntityTable, account: string, id: string): Row | undefined {
    return this.#db.prepare(`SELECT * FROM ${table} WHERE account = ? AND id = ?`).get(account, id) as Row | undefined;
  }

  /** One page of a table in name order, after `afterKey`, whose paths start with `pathPrefix`. */
  list<Row extends EntityRow>(
    table: EntityTable,
    account: string,
    pathPrefix: string,
    afterKey: string,
    limit: number,
  ) {
    const sql = `SELECT * FROM ${table} WHERE account = ? AND name_key > ? AND substr(path, 1, ?) = ?
                 ORDER BY name_key LIMIT ?`;
    return this.#db.prepare(sql).all(account, afterKey, pathPrefix.length, pathPrefix, limit) as Row[];
  }

  count(table: EntityTable, account: string): number {
    return this.#count(`${table} WHERE account = ?`, account);
  }

  remove(table: EntityTable, account: string, id: string): void {
    this.#write(`DELETE FROM ${table} WHERE account = ? AND id = ?`).run(account, id);
  }

  setTags(table: EntityTable, account: string, id: string, tags: string): void {
    this.#write(`UPDATE ${table} SET tags = ? WHERE account = ? AND id = ?`).run(tags, account, id);
  }

  /** A user's or role's permissions boundary (a policy ARN), or none. */
  setBoundary(table: 'iam_users' | 'iam_roles', account: string, id: string, boundary: string | null): void {
    this.#write(`UPDATE ${table} SET boundary = ? WHERE account = ? AND id = ?`).run(boundary, account, id);
  }

  /** A new name or path for a user or group (its key and ARN follow). */
  rename(table: 'iam_users' | 'iam_groups', row: EntityRow, name: string, path: string, arn: string): void {
    this.#write(`UPDATE ${table} SET name = ?, name_key = ?, path = ?, arn = ? WHERE account = ? AND id = ?`).run(
      name,
      name.toLowerCase(),
      path,
      arn,
      row.account,
      row.id,
    );
  }

  // Group members

  addMember(account: string, groupId: string, userId: string): void {
    this.#write('INSERT OR IGNORE INTO iam_group_members (account, group_id, user_id) VALUES (?, ?, ?)').run(
      account,
      groupId,
      userId,
    );
  }

  removeMember(account: string, groupId: string, userId: string): void {
    this.#write('DELETE FROM iam_group_members WHERE account = ? AND group_id = ? AND user_id = ?').run(
      account,
      groupId,
      userId,
    );
  }

  isMember(account: string, groupId: string, userId: string): boolean {
    return this.#exists(
      'iam_group_members WHERE account = ? AND group_id = ? AND user_id = ?',
      account,
      groupId,
      userId,
    );
  }

  countGroupsOfUser(account: string, userId: string): number {
    return this.#count('iam_group_members WHERE account = ? AND user_id = ?', account, userId);
  }

  countMembers(account: string, groupId: string): number {
    return this.#count('iam_group_members WHERE account = ? AND group_id = ?', account, groupId);
  }

  /** One page of a group's users, in name order. */
  listMembers(account: string, groupId: string, afterKey: string, limit: number): UserRow[] {
    const sql = `SELECT u.* FROM iam_group_members m JOIN iam_users u ON u.account = m.account AND u.id = m.user_id
                 WHERE m.account = ? AND m.group_id = ? AND u.name_key > ? ORDER BY u.name_key LIMIT ?`;
    return this.#db.prepare(sql).all(account, groupId, afterKey, limit) as UserRow[];
  }

  /** One page of the groups a user is in, in name order. */
  listGroupsOfUser(account: string, userId: string, afterKey: string, limit: number): GroupRow[] {
    const sql = `SELECT g.* FROM iam_group_members m JOIN iam_groups g ON g.account = m.account AND g.id = m.group_id
                 WHERE m.account = ? AND m.user_id = ? AND g.name_key > ? ORDER BY g.name_key LIMIT ?`;
    return this.#db.prepare(sql).all(account, userId, afterKey, limit) as GroupRow[];
  }

  // Roles

  updateRole(account: string, id: string, description: string | null, maxSessionDuration: number): void {
    this.#write('UPDATE iam_roles SET description = ?, max_session_duration = ? WHERE account = ? AND id = ?').run(
      description,
      maxSessionDuration,
      account,
      id,
    );
  }

  setTrustPolicy(account: string, id: string, document: string): void {
    this.#write('UPDATE iam_roles SET trust_policy = ? WHERE account = ? AND id = ?').run(document, account, id);
  }

  // Inline policies

  putInlinePolicy(account: string, kind: OwnerKind, ownerId: string, name: string, document: string): void {
    this.#write(
      `INSERT INTO iam_inline_policies (account, owner_kind, owner_id, name, document) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (account, owner_kind, owner_id, name) DO UPDATE SET document = excluded.document`,
    ).run(account, kind, ownerId, name, document);
  }

  /** Every inline policy of one entity, or the one named: name and document. */
  inlinePolicies(account: string, kind: OwnerKind, ownerId: string, name?: string): InlinePolicyRow[] {
    const sql = `SELECT name, document FROM iam_inline_policies WHERE account = ? AND owner_kind = ? AND owner_id = ?
                 ${name === undefined ? '' : 'AND name = ?'}`;
    const params: SqlValue[] = name === undefined ? [account, kind, ownerId] : [account, kind, ownerId, name];
    return this.#db.prepare(sql).all(...params) as InlinePolicyRow[];
  }

  inlinePolicyNames(account: string, kind: OwnerKind, ownerId: string, after: string, limit: number): string[] {
    const sql = `SELECT name FROM iam_inline_policies WHERE account = ? AND owner_kind = ? AND owner_id = ? AND name > ?
                 ORDER BY name LIMIT ?`;
    const rows = this.#db.prepare(sql).all(account, kind, ownerId, after, limit) as Array<{ name: string }>;
    return rows.map((row) => row.name);
  }

  hasInlinePolicies(account: string, kind: OwnerKind, ownerId: string): boolean {
    return this.#exists(
      'iam_inline_policies WHERE account = ? AND owner_kind = ? AND owner_id = ?',
      account,
      kind,
      ownerId,
    );
  }

  /** Deletes one inline policy, or all of an entity's. */
  deleteInlinePolicies(account: string, kind: OwnerKind, ownerId: string, name?: string): void {
    const sql = `DELETE FROM iam_inline_policies WHERE account = ? AND owner_kind = ? AND owner_id = ?
                 ${name === undefined ? '' : 'AND name = ?'}`;
    const params: SqlValue[] = name === undefined ? [account, kind, ownerId] : [account, kind, ownerId, name];
    this.#write(sql).run(...params);
  }

  // Managed policies and their versions

  /** The version numbers a policy gives next and holds as default, and when it last changed. */
  updatePolicyVersions(account: string, id: string, defaultVersion: number, nextVersion: number, updatedAt: number) {
    this.#write(
      'UPDATE iam_policies SET default_version = ?, next_version = ?, updated_at = ? WHERE account = ? AND id = ?',
    ).run(defaultVersion, nextVersion, updatedAt, account, id);
  }

  deletePolicy(account: string, nameKey: string): void {
    this.#write('DELETE FROM iam_policy_versions WHERE account = ? AND policy_key = ?').run(account, nameKey);
    this.#write('DELETE FROM iam_policies WHERE account = ? AND name_key = ?').run(account, nameKey);
  }

  /**
   * One page of an account's managed policies in name order. `attachedOnly` keeps those attached
   * to an entity (`permissions`) or used as a permissions boundary (`boundary`).
   */
  listPolicies(
    account: string,
    pathPrefix: string,
    attachedOnly: 'permissions' | 'boundary' | undefined,
    afterKey: string,
    limit: number,
  ): PolicyRow[] {
    const filter =
      attachedOnly === 'permissions'
        ? 'AND EXISTS (SELECT 1 FROM iam_attachments a WHERE a.account = p.account AND a.policy_arn = p.arn)'
        : attachedOnly === 'boundary'
          ? `AND (EXISTS (SELECT 1 FROM iam_users u WHERE u.account = p.account AND u.boundary = p.arn)
               OR EXISTS (SELECT 1 FROM iam_roles r WHERE r.account = p.account AND r.boundary = p.arn))`
          : '';
    const sql = `SELECT * FROM iam_policies p WHERE account = ? AND name_key > ? AND substr(path, 1, ?) = ? ${filter}
                 ORDER BY name_key LIMIT ?`;
    return this.#db.prepare(sql).all(account, afterKey, pathPrefix.length, pathPrefix, limit) as PolicyRow[];
  }

  insertPolicyVersion(account: string, policyKey: string, version: PolicyVersionRow): void {
    this.#insert('iam_policy_versions', { account, policy_key: policyKey, ...version });
  }

  policyVersion(account: string, policyKey: string, version: number): PolicyVersionRow | undefined {
    const sql = `SELECT version, document, created_at FROM iam_policy_versions
                 WHERE account = ? AND policy_key = ? AND version = ?`;
    return this.#db.prepare(sql).get(account, policyKey, version) as PolicyVersionRow | undefined;
  }

  /** A policy's versions, newest first. */
  policyVersions(account: string, policyKey: string): PolicyVersionRow[] {
    const sql = `SELECT version, document, created_at FROM iam_policy_versions WHERE account = ? AND policy_key = ?
                 ORDER BY version DESC`;
    return this.#db.prepare(sql).all(account, policyKey) as PolicyVersionRow[];
  }

  deletePolicyVersion(account: string, policyKey: string, version: number): void {
    this.#write('DELETE FROM iam_policy_versions WHERE account = ? AND policy_key = ? AND version = ?').run(
      account,
      policyKey,
      version,
    );
  }

  countPolicyVersions(account: string): number {
    return this.#count('iam_policy_versions WHERE account = ?', account);
  }

  // Managed policy attachments

  attach(account: string, kind: OwnerKind, ownerId: string, policyArn: string): void {
    this.#write(
      'INSERT OR IGNORE INTO iam_attachments (account, owner_kind, owner_id, policy_arn) VALUES (?, ?, ?, ?)',
    ).run(account, kind, ownerId, policyArn);
  }

  /** Detaches one policy, or all of an entity's. */
  detach(account: string, kind: OwnerKind, ownerId: string, policyArn?: string): void {
    const sql = `DELETE FROM iam_attachments WHERE account = ? AND owner_kind = ? AND owner_id = ?
                 ${policyArn === undefined ? '' : 'AND policy_arn = ?'}`;
    const params: SqlValue[] = policyArn === undefined ? [account, kind, ownerId] : [account, kind, ownerId, policyArn];
    this.#write(sql).run(...params);
  }

  isAttached(account: string, kind: OwnerKind, ownerId: string, policyArn: string): boolean {
    const sql = 'iam_attachments WHERE account = ? AND owner_kind = ? AND owner_id = ? AND policy_arn = ?';
    return this.#exists(sql, account, kind, ownerId, policyArn);
  }

  countAttachedTo(account: string, kind: OwnerKind, ownerId: string): number {
    return this.#count('iam_attachments WHERE account = ? AND owner_kind = ? AND owner_id = ?', account, kind, ownerId);
  }

  /** The policies attached to an entity, in the order they were attached. */
  attachedTo(account: string, kind: OwnerKind, ownerId: string): AttachmentRow[] {
    const sql = `SELECT seq, policy_arn FROM iam_attachments WHERE account = ? AND owner_kind = ? AND owner_id = ?
                 ORDER BY seq`;
    return this.#db.prepare(sql).all(account, kind, ownerId) as AttachmentRow[];
  }

  /** How many entities a policy is attached to in an account (AttachmentCount). */
  attachmentCount(account: string, policyArn: string): number {
    return this.#count('iam_attachments WHERE account = ? AND policy_arn = ?', account, policyArn);
  }

  /** How many users and roles use a policy as their permissions boundary (PermissionsBoundaryUsageCount). */
  boundaryUsageCount(account: string, policyArn: string): number {
    return (
      this.#count('iam_users WHERE account = ? AND boundary = ?', account, policyArn) +
      this.#count('iam_roles WHERE account = ? AND boundary = ?', account, policyArn)
    );
  }

  /** The users, groups and roles a policy is attached to, or bounds, with their paths. */
  policyHolders(account: string, policyArn: string, usage: 'permissions' | 'boundary'): PolicyHolderRow[] {
    const kinds: OwnerKind[] = usage === 'boundary' ? ['user', 'role'] : ['group', 'user', 'role'];
    const rows: PolicyHolderRow[] = [];
    for (const kind of kinds) {
      const sql =
        usage === 'boundary'
          ? `SELECT '${kind}' AS kind, name, name_key, id, path FROM ${ownerTables[kind]} WHERE account = ? AND boundary = ?`
          : `SELECT '${kind}' AS kind, e.name, e.name_key, e.id, e.path FROM iam_attachments a
             JOIN ${ownerTables[kind]} e ON e.account = a.account AND e.id = a.owner_id
             WHERE a.account = ? AND a.policy_arn = ? AND a.owner_kind = '${kind}'`;
      rows.push(...(this.#db.prepare(sql).all(account, policyArn) as PolicyHolderRow[]));
    }
    return rows;
  }

  // Instance profiles

  setInstanceProfileRole(account: string, id: string, roleId: string | null): void {
    this.#write('UPDATE iam_instance_profiles SET role_id = ? WHERE account = ? AND id = ?').run(roleId, account, id);
  }

  /** One page of the instance profiles holding a role, in name order. */
  instanceProfilesOfRole(account: string, roleId: string, afterKey: string, limit: number): InstanceProfileRow[] {
    const sql = `SELECT * FROM iam_instance_profiles WHERE account = ? AND role_id = ? AND name_key > ?
                 ORDER BY name_key LIMIT ?`;
    return this.#db.prepare(sql).all(account, roleId, afterKey, limit) as InstanceProfileRow[];
  }

  removeRoleFromInstanceProfiles(account: string, roleId: string): void {
    this.#write('UPDATE iam_instance_profiles SET role_id = NULL WHERE account = ? AND role_id = ?').run(
      account,
      roleId,
    );
  }

  // OpenID Connect providers

  insertOidcProvider(row: OidcProviderRow): void {
    this.#insert('iam_oidc_providers', row);
  }

  oidcProvider(account: string, arn: string): OidcProviderRow | undefined {
    const sql = 'SELECT * FROM iam_oidc_providers WHERE account = ? AND arn = ?';
    return this.#db.prepare(sql).get(account, arn) as OidcProviderRow | undefined;
  }

  oidcProviders(account: string): OidcProviderRow[] {
    return this.#db
      .prepare('SELECT * FROM iam_oidc_providers WHERE account = ? ORDER BY arn')
      .all(account) as OidcProviderRow[];
  }

  /** Replaces a provider's client ids, thumbprints and tags (the row as read, with changes). */
  updateOidcProvider(row: OidcProviderRow): void {
    this.#write(
      'UPDATE iam_oidc_providers SET client_ids = ?, thumbprints = ?, tags = ? WHERE account = ? AND arn = ?',
    ).run(row.client_ids, row.thumbprints, row.tags, row.account, row.arn);
  }

  deleteOidcProvider(account: string, arn: string): void {
    this.#write('DELETE FROM iam_oidc_providers WHERE account = ? AND arn = ?').run(account, arn);
  }

  countOidcProviders(account: string): number {
    return this.#count('iam_oidc_providers WHERE account = ?', account);
  }

  // Service-linked role deletion tasks

  insertDeletionTask(account: string, taskId: string): void {
    this.#insert('iam_deletion_tasks', { account, task_id: taskId });
  }

  hasDeletionTask(account: string, taskId: string): boolean {
    return this.#exists('iam_deletion_tasks WHERE account = ? AND task_id = ?', account, taskId);
  }
}
