/**
 * What every IAM operation works with: the store, the Nimbus clock and the credential store,
 * and the lookups that answer NoSuchEntity in IAM's words when a named entity is missing.
 */
import type { Clock } from '../../core/clock.js';
import type { CredentialStore } from '../../identity/credentials.js';
import type { ServiceDeps } from '../service-types.js';
import { noSuchEntity } from './errors.js';
import { type GroupRow, IamStore, type RoleRow, type UserRow } from './store.js';

/** The resource types of IAM ARNs: `arn:aws:iam::<account>:<type><path><name>`. */
export type ArnType = 'user' | 'group' | 'role' | 'policy' | 'instance-profile';

/** https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns */
export function iamArn(account: string, type: ArnType, path: string, name: string): string {
  return `arn:aws:iam::${account}:${type}${path}${name}`;
}

export class IamState {
  readonly store: IamStore;
  readonly clock: Clock;
  readonly credentials: CredentialStore;

  constructor(deps: ServiceDeps) {
    this.store = new IamStore(deps.db);
    this.clock = deps.clock;
    this.credentials = deps.credentials;
  }

  /** Nimbus time in milliseconds: every CreateDate comes from here. */
  now(): number {
    return this.clock.now();
  }

  user(account: string, name: string): UserRow {
    const row = this.store.find<UserRow>('iam_users', account, name.toLowerCase());
    if (!row) throw noSuchEntity('user', name);
    return row;
  }

  group(account: string, name: string): GroupRow {
    const row = this.store.find<GroupRow>('iam_groups', account, name.toLowerCase());
    if (!row) throw noSuchEntity('group', name);
    return row;
  }

  role(account: string, name: string): RoleRow {
    const row = this.store.find<RoleRow>('iam_roles', account, name.toLowerCase());
    if (!row) throw noSuchEntity('role', name);
    return row;
  }
}
