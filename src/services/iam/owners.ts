/**
 * The users, groups and roles that hold policies, looked up by name for the inline policy and
 * attachment operations. Service-linked roles are AWS's to change: any change to one answers
 * UnmodifiableEntity.
 */
import { type EntityKind, protectedRole } from './errors.js';
import type { IamState } from './state.js';
import type { EntityRow, RoleRow } from './store.js';

/** A role the caller may change: not a service-linked role. */
export function modifiableRole(state: IamState, account: string, roleName: string): RoleRow {
  const role = state.role(account, roleName);
  if (role.linked_service !== null) throw protectedRole(role.name);
  return role;
}

/** The user, group or role a call names; `changing` refuses service-linked roles. */
export function policyHolder(
  state: IamState,
  kind: EntityKind,
  account: string,
  name: string,
  changing: boolean,
): EntityRow {
  if (kind === 'user') return state.user(account, name);
  if (kind === 'group') return state.group(account, name);
  return changing ? modifiableRole(state, account, name) : state.role(account, name);
}
