/**
 * Managed policies attached to users, groups and roles: Attach/Detach/ListAttached{User,Group,
 * Role}Policies and ListEntitiesForPolicy. An entity holds at most 10 managed policies
 * ("Cannot exceed quota for PoliciesPerRole: 10", as AWS answers at the default quota,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). A policy's
 * AttachmentCount is counted from these rows, so it cannot drift.
 */

import { parseArn } from '../../core/arns.js';
import type { IamOperations } from '../../generated/iam/operations.js';
import type * as T from '../../generated/iam/types.js';
import type { RequestContext } from '../service-types.js';
import { type EntityKind, invalidArn, policyNotAttachable, policyNotFound, quotaExceeded } from './errors.js';
import { policyHolder } from './owners.js';
import { pageInMemory } from './pagination.js';
import { attachablePolicy, findPolicy, policyNameOf, policyPathOf } from './policy-lookup.js';
import type { IamState } from './state.js';
import type { PolicyHolderRow } from './store.js';

const policiesPerEntity = 10;
const quotaNames: Record<EntityKind, string> = {
  user: 'PoliciesPerUser',
  group: 'PoliciesPerGroup',
  role: 'PoliciesPerRole',
};

function attach(state: IamState, kind: EntityKind, account: string, name: string, policyArn: string): void {
  if (!parseArn(policyArn)) throw invalidArn();
  const entity = policyHolder(state, kind, account, name, true);
  attachablePolicy(state, account, policyArn);
  const { store } = state;
  if (store.isAttached(account, kind, entity.id, policyArn)) return;
  if (store.countAttachedTo(account, kind, entity.id) >= policiesPerEntity) {
    throw quotaExceeded(quotaNames[kind], policiesPerEntity);
  }
  store.attach(account, kind, entity.id, policyArn);
}

function detach(state: IamState, kind: EntityKind, account: string, name: string, policyArn: string): void {
  if (!parseArn(policyArn)) throw invalidArn();
  const entity = policyHolder(state, kind, account, name, true);
  if (!state.store.isAttached(account, kind, entity.id, policyArn)) throw policyNotFound(policyArn);
  state.store.detach(account, kind, entity.id, policyArn);
}

function listAttached(
  state: IamState,
  kind: EntityKind,
  account: string,
  name: string,
  input: { PathPrefix?: string; Marker?: string; MaxItems?: number },
) {
  const entity = policyHolder(state, kind, account, name, false);
  const prefix = input.PathPrefix ?? '/';
  // At most a few dozen rows (the quota is 10): filtered and paged in memory.
  const rows = state.store
    .attachedTo(account, kind, entity.id)
    .filter((row) => policyPathOf(row.policy_arn).startsWith(prefix));
  const { items, info } = pageInMemory(rows, input.MaxItems, input.Marker, `${kind}-attached`, (row) =>
    String(row.seq),
  );
  const attached: T.AttachedPolicy[] = items.map((row) => ({
    PolicyName: policyNameOf(row.policy_arn),
    PolicyArn: row.policy_arn,
  }));
  return { AttachedPolicies: attached, ...info };
}

/** The users, groups and roles a policy is attached to or bounds. */
function entitiesForPolicy(state: IamState, ctx: RequestContext, input: T.ListEntitiesForPolicyRequest) {
  const account = ctx.account;
  if (!findPolicy(state, account, input.PolicyArn)) throw policyNotAttachable(input.PolicyArn);
  const empty = { PolicyGroups: [], PolicyUsers: [], PolicyRoles: [], IsTruncated: false };
  // These two filters name policy kinds, not entity kinds: AWS answers nothing for them.
  if (input.EntityFilter === 'LocalManagedPolicy' || input.EntityFilter === 'AWSManagedPolicy') return empty;
  const holders = new Map<string, PolicyHolderRow>();
  const usages =
    input.PolicyUsageFilter === 'PermissionsPolicy'
      ? (['permissions'] as const)
      : input.PolicyUsageFilter === 'PermissionsBoundary'
        ? (['boundary'] as const)
        : (['permissions', 'boundary'] as const);
  for (const usage of usages) {
    for (const holder of state.store.policyHolders(account, input.PolicyArn, usage)) {
      holders.set(`${holder.kind}:${holder.name_key}`, holder);
    }
  }
  const prefix = input.PathPrefix ?? '/';
  const wanted = input.EntityFilter?.toLowerCase();
  const order = { group: 0, user: 1, role: 2 };
  const selected = [...holders.values()]
    .filter((holder) => wanted === undefined || holder.kind === wanted)
    .filter((holder) => holder.path.startsWith(prefix))
    .sort((a, b) => order[a.kind] - order[b.kind] || (a.name_key < b.name_key ? -1 : 1));
  const key = (holder: PolicyHolderRow) => `${holder.kind}:${holder.name_key}`;
  const { items, info } = pageInMemory(selected, input.MaxItems, input.Marker, 'policy-entities', key);
  return {
    PolicyGroups: items.filter((h) => h.kind === 'group').map((h) => ({ GroupName: h.name, GroupId: h.id })),
    PolicyUsers: items.filter((h) => h.kind === 'user').map((h) => ({ UserName: h.name, UserId: h.id })),
    PolicyRoles: items.filter((h) => h.kind === 'role').map((h) => ({ RoleName: h.name, RoleId: h.id })),
    ...info,
  };
}

export function attachmentOperations(state: IamState) {
  return {
    attachUserPolicy: (ctx, input) => attach(state, 'user', ctx.account, input.UserName, input.PolicyArn),
    attachGroupPolicy: (ctx, input) => attach(state, 'group', ctx.account, input.GroupName, input.PolicyArn),
    attachRolePolicy: (ctx, input) => attach(state, 'role', ctx.account, input.RoleName, input.PolicyArn),
    detachUserPolicy: (ctx, input) => detach(state, 'user', ctx.account, input.UserName, input.PolicyArn),
    detachGroupPolicy: (ctx, input) => detach(state, 'group', ctx.account, input.GroupName, input.PolicyArn),
    detachRolePolicy: (ctx, input) => detach(state, 'role', ctx.account, input.RoleName, input.PolicyArn),
    listAttachedUserPolicies: (ctx, input) => listAttached(state, 'user', ctx.account, input.UserName, input),
    listAttachedGroupPolicies: (ctx, input) => listAttached(state, 'group', ctx.account, input.GroupName, input),
    listAttachedRolePolicies: (ctx, input) => listAttached(state, 'role', ctx.account, input.RoleName, input),
    listEntitiesForPolicy: (ctx, input) => entitiesForPolicy(state, ctx, input),
  } satisfies Partial<IamOperations<RequestContext>>;
}
