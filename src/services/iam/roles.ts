/**
 * IAM roles: CreateRole, GetRole, UpdateRole, UpdateRoleDescription, UpdateAssumeRolePolicy,
 * DeleteRole, ListRoles, tags, permissions boundaries, and service-linked roles.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html
 */
import { randomUUID } from 'node:crypto';
import { newUniqueId } from '../../core/ids.js';
import { InvalidInputException, NoSuchEntityException } from '../../generated/iam/errors.js';
import type { IamOperations } from '../../generated/iam/operations.js';
import type { RequestContext } from '../service-types.js';
import { conflictTexts, deleteConflict, entityExists } from './errors.js';
import { modifiableRole } from './owners.js';
import { decodeMarker, page, pageInMemory, pageSize } from './pagination.js';
import { checkTrustPolicy } from './policy-document.js';
import { checkBoundary } from './policy-lookup.js';
import { defaultServiceRoleName, serviceLinkedRoles } from './service-linked-roles.js';
import { roleAfterDescription, roleCreated, roleDetail, roleSummary } from './shapes.js';
import { type IamState, iamArn } from './state.js';
import type { RoleRow } from './store.js';
import { caseInsensitiveTags, checkTags, mergeTags, parseTags, removeTags } from './tags.js';

/** A role's session limit when CreateRole gives none, in seconds. */
const defaultMaxSessionDuration = 3600;

/** Removes a role and everything that hangs on it (service-linked roles have no DeleteConflict). */
function removeRole(state: IamState, account: string, role: RoleRow): void {
  const { store } = state;
  store.transaction(() => {
    store.detach(account, 'role', role.id);
    store.deleteInlinePolicies(account, 'role', role.id);
    store.removeRoleFromInstanceProfiles(account, role.id);
    store.remove('iam_roles', account, role.id);
  });
}

export function roleOperations(state: IamState) {
  const { store } = state;
  return {
    createRole(ctx, input) {
      checkTrustPolicy(input.AssumeRolePolicyDocument);
      const tags = checkTags(input.Tags, caseInsensitiveTags);
      if (input.PermissionsBoundary !== undefined) checkBoundary(state, ctx.account, input.PermissionsBoundary);
      const nameKey = input.RoleName.toLowerCase();
      if (store.find('iam_roles', ctx.account, nameKey)) throw entityExists('role', input.RoleName);
      const path = input.Path ?? '/';
      const row: RoleRow = {
        account: ctx.account,
        name_key: nameKey,
        name: input.RoleName,
        id: newUniqueId('AROA'),
        path,
        arn: iamArn(ctx.account, 'role', path, input.RoleName),
        created_at: state.now(),
        trust_policy: input.AssumeRolePolicyDocument,
        description: input.Description ?? null,
        max_session_duration: input.MaxSessionDuration ?? defaultMaxSessionDuration,
        boundary: input.PermissionsBoundary ?? null,
        tags: JSON.stringify(tags),
        linked_service: null,
      };
      store.insert('iam_roles', row);
      return { Role: roleCreated(row) };
    },

    getRole(ctx, input) {
      return { Role: roleDetail(state.role(ctx.account, input.RoleName)) };
    },

    updateRole(ctx, input) {
      const role = state.role(ctx.account, input.RoleName);
      store.updateRole(
        ctx.account,
        role.id,
        input.Description ?? role.description,
        input.MaxSessionDuration ?? role.max_session_duration,
      );
      return {};
    },

    updateRoleDescription(ctx, input) {
      const role = state.role(ctx.account, input.RoleName);
      store.updateRole(ctx.account, role.id, input.Description, role.max_session_duration);
      return { Role: roleAfterDescription({ ...role, description: input.Description }) };
    },

    updateAssumeRolePolicy(ctx, input) {
      const role = modifiableRole(state, ctx.account, input.RoleName);
      checkTrustPolicy(input.PolicyDocument);
      store.setTrustPolicy(ctx.account, role.id, input.PolicyDocument);
    },

    deleteRole(ctx, input) {
      const role = modifiableRole(state, ctx.account, input.RoleName);
      if (store.countAttachedTo(ctx.account, 'role', role.id) > 0) throw deleteConflict(conflictTexts.attachedPolicies);
      if (store.hasInlinePolicies(ctx.account, 'role', role.id)) throw deleteConflict(conflictTexts.inlinePolicies);
      if (store.instanceProfilesOfRole(ctx.account, role.id, '', 1).length > 0) {
        throw deleteConflict(conflictTexts.instanceProfiles);
      }
      store.remove('iam_roles', ctx.account, role.id);
    },

    listRoles(ctx, input) {
      const size = pageSize(input.MaxItems);
      const after = decodeMarker('roles', input.Marker);
      const rows = store.list<RoleRow>('iam_roles', ctx.account, input.PathPrefix ?? '/', after, size + 1);
      const { rows: roles, info } = page(rows, size, 'roles', (row) => row.name_key);
      return { Roles: roles.map(roleSummary), ...info };
    },

    tagRole(ctx, input) {
      const role = state.role(ctx.account, input.RoleName);
      const tags = mergeTags(parseTags(role.tags), input.Tags, caseInsensitiveTags);
      store.setTags('iam_roles', ctx.account, role.id, JSON.stringify(tags));
    },

    untagRole(ctx, input) {
      const role = state.role(ctx.account, input.RoleName);
      const tags = removeTags(parseTags(role.tags), input.TagKeys, caseInsensitiveTags);
      store.setTags('iam_roles', ctx.account, role.id, JSON.stringify(tags));
    },

    listRoleTags(ctx, input) {
      const role = state.role(ctx.account, input.RoleName);
      const { items, info } = pageInMemory(
        parseTags(role.tags),
        input.MaxItems,
        input.Marker,
        'role-tags',
        (tag) => tag.Key,
      );
      return { Tags: items, ...info };
    },

    putRolePermissionsBoundary(ctx, input) {
      const role = modifiableRole(state, ctx.account, input.RoleName);
      checkBoundary(state, ctx.account, input.PermissionsBoundary);
      store.setBoundary('iam_roles', ctx.account, role.id, input.PermissionsBoundary);
    },

    deleteRolePermissionsBoundary(ctx, input) {
      const role = modifiableRole(state, ctx.account, input.RoleName);
      store.setBoundary('iam_roles', ctx.account, role.id, null);
    },

    /**
     * The role AWS defines for a service, at /aws-service-role/<service>/, trusted by that service,
     * with AWS's policy for it attached (test_iam.snapshot.json, TestIAMServiceRoles).
     */
    createServiceLinkedRole(ctx, input) {
      const service = input.AWSServiceName;
      const spec = serviceLinkedRoles[service];
      if (input.CustomSuffix !== undefined && spec && !spec.suffix) {
        throw new InvalidInputException(`Custom suffix is not allowed for ${service}`);
      }
      const baseName = spec?.role ?? defaultServiceRoleName(service);
      const name = input.CustomSuffix === undefined ? baseName : `${baseName}_${input.CustomSuffix}`;
      if (store.find('iam_roles', ctx.account, name.toLowerCase())) {
        throw new InvalidInputException(
          `Service role name ${name} has been taken in this account, please try a different suffix.`,
        );
      }
      const path = `/aws-service-role/${service}/`;
      const trustPolicy = {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
      };
      const row: RoleRow = {
        account: ctx.account,
        name_key: name.toLowerCase(),
        name,
        id: newUniqueId('AROA'),
        path,
        arn: iamArn(ctx.account, 'role', path, name),
        created_at: state.now(),
        trust_policy: JSON.stringify(trustPolicy),
        description: input.Description ?? spec?.description ?? null,
        max_session_duration: defaultMaxSessionDuration,
        boundary: null,
        tags: '[]',
        linked_service: service,
      };
      store.transaction(() => {
        store.insert('iam_roles', row);
        if (spec) store.attach(ctx.account, 'role', row.id, `arn:aws:iam::aws:policy/aws-service-role/${spec.policy}`);
      });
      const role = roleCreated(row);
      if (row.description !== null) role.Description = row.description;
      return { Role: role };
    },

    /** Deletion is immediate here; the task reports SUCCEEDED (test_iam.snapshot.json, test_service_role_deletion). */
    deleteServiceLinkedRole(ctx, input) {
      const role = state.role(ctx.account, input.RoleName);
      const taskId = `task${role.path}${role.name}/${randomUUID()}`;
      store.transaction(() => {
        removeRole(state, ctx.account, role);
        store.insertDeletionTask(ctx.account, taskId);
      });
      return { DeletionTaskId: taskId };
    },

    getServiceLinkedRoleDeletionStatus(ctx, input) {
      if (!store.hasDeletionTask(ctx.account, input.DeletionTaskId)) {
        throw new NoSuchEntityException(`Deletion task ${input.DeletionTaskId} does not exist.`);
      }
      return { Status: 'SUCCEEDED' as const };
    },
  } satisfies Partial<IamOperations<RequestContext>>;
}
