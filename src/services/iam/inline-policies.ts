/**
 * Inline policies of users, groups and roles: Put/Get/Delete/List{User,Group,Role}Policy.
 * The documents come back URL-encoded; an entity's inline policies together may hold at most
 * 2048 (user), 5120 (group) or 10240 (role) characters without white space
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length),
 * refused as "Maximum policy size of 2048 bytes exceeded for user alice" (versitygw's tests
 * against live IAM). The entity is looked up before the document is checked: a missing user wins
 * over a malformed document (same evidence).
 */
import { LimitExceededException } from '../../generated/iam/errors.js';
import type { IamOperations } from '../../generated/iam/operations.js';
import type { RequestContext } from '../service-types.js';
import { type EntityKind, noSuchInlinePolicy } from './errors.js';
import { policyHolder } from './owners.js';
import { decodeMarker, page, pageSize } from './pagination.js';
import { checkIdentityPolicy, policySize } from './policy-document.js';
import type { IamState } from './state.js';
import { encodePolicyDocument } from './url-encoding.js';

const inlineSizeLimits: Record<EntityKind, number> = { user: 2048, group: 5120, role: 10240 };

function put(state: IamState, kind: EntityKind, account: string, name: string, policyName: string, document: string) {
  const entity = policyHolder(state, kind, account, name, true);
  checkIdentityPolicy(document);
  const others = state.store
    .inlinePolicies(account, kind, entity.id)
    .filter((policy) => policy.name !== policyName)
    .reduce((total, policy) => total + policySize(policy.document), 0);
  const limit = inlineSizeLimits[kind];
  if (others + policySize(document) > limit) {
    throw new LimitExceededException(`Maximum policy size of ${limit} bytes exceeded for ${kind} ${entity.name}`);
  }
  state.store.putInlinePolicy(account, kind, entity.id, policyName, document);
}

function get(state: IamState, kind: EntityKind, account: string, name: string, policyName: string) {
  const entity = policyHolder(state, kind, account, name, false);
  const document = state.store.inlinePolicies(account, kind, entity.id, policyName)[0]?.document;
  if (document === undefined) throw noSuchInlinePolicy(kind, policyName);
  return { entityName: entity.name, PolicyName: policyName, PolicyDocument: encodePolicyDocument(document) };
}

function remove(state: IamState, kind: EntityKind, account: string, name: string, policyName: string): void {
  const entity = policyHolder(state, kind, account, name, true);
  if (state.store.inlinePolicies(account, kind, entity.id, policyName).length === 0) {
    throw noSuchInlinePolicy(kind, policyName);
  }
  state.store.deleteInlinePolicies(account, kind, entity.id, policyName);
}

function list(state: IamState, kind: EntityKind, account: string, name: string, marker?: string, maxItems?: number) {
  const entity = policyHolder(state, kind, account, name, false);
  const listing = `${kind}-policies`;
  const size = pageSize(maxItems);
  const names = state.store.inlinePolicyNames(account, kind, entity.id, decodeMarker(listing, marker), size + 1);
  const { rows, info } = page(names, size, listing, (policyName) => policyName);
  return { PolicyNames: rows, ...info };
}

export function inlinePolicyOperations(state: IamState) {
  return {
    putUserPolicy: (ctx, input) =>
      put(state, 'user', ctx.account, input.UserName, input.PolicyName, input.PolicyDocument),
    putGroupPolicy: (ctx, input) =>
      put(state, 'group', ctx.account, input.GroupName, input.PolicyName, input.PolicyDocument),
    putRolePolicy: (ctx, input) =>
      put(state, 'role', ctx.account, input.RoleName, input.PolicyName, input.PolicyDocument),

    getUserPolicy(ctx, input) {
      const { entityName, ...policy } = get(state, 'user', ctx.account, input.UserName, input.PolicyName);
      return { UserName: entityName, ...policy };
    },
    getGroupPolicy(ctx, input) {
      const { entityName, ...policy } = get(state, 'group', ctx.account, input.GroupName, input.PolicyName);
      return { GroupName: entityName, ...policy };
    },
    getRolePolicy(ctx, input) {
      const { entityName, ...policy } = get(state, 'role', ctx.account, input.RoleName, input.PolicyName);
      return { RoleName: entityName, ...policy };
    },

    deleteUserPolicy: (ctx, input) => remove(state, 'user', ctx.account, input.UserName, input.PolicyName),
    deleteGroupPolicy: (ctx, input) => remove(state, 'group', ctx.account, input.GroupName, input.PolicyName),
    deleteRolePolicy: (ctx, input) => remove(state, 'role', ctx.account, input.RoleName, input.PolicyName),

    listUserPolicies: (ctx, input) => list(state, 'user', ctx.account, input.UserName, input.Marker, input.MaxItems),
    listGroupPolicies: (ctx, input) => list(state, 'group', ctx.account, input.GroupName, input.Marker, input.MaxItems),
    listRolePolicies: (ctx, input) => list(state, 'role', ctx.account, input.RoleName, input.Marker, input.MaxItems),
  } satisfies Partial<IamOperations<RequestContext>>;
}
