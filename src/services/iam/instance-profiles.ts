/**
 * Instance profiles: CreateInstanceProfile, GetInstanceProfile, DeleteInstanceProfile,
 * ListInstanceProfiles, AddRoleToInstanceProfile, RemoveRoleFromInstanceProfile,
 * ListInstanceProfilesForRole and tags. A profile holds one role at most ("Cannot exceed quota for
 * InstanceSessionsPerInstanceProfile: 1", the error Terraform's docs quote from AWS).
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_InstanceProfile.html
 */
import { newUniqueId } from '../../core/ids.js';
import { EntityAlreadyExistsException, NoSuchEntityException } from '../../generated/iam/errors.js';
import type { IamOperations } from '../../generated/iam/operations.js';
import type { RequestContext } from '../service-types.js';
import { conflictTexts, deleteConflict, quotaExceeded } from './errors.js';
import { decodeMarker, page, pageInMemory, pageSize } from './pagination.js';
import { instanceProfileOutput } from './shapes.js';
import { type IamState, iamArn } from './state.js';
import type { InstanceProfileRow, RoleRow } from './store.js';
import { caseInsensitiveTags, checkTags, mergeTags, parseTags, removeTags } from './tags.js';

function instanceProfile(state: IamState, account: string, name: string): InstanceProfileRow {
  const row = state.store.find<InstanceProfileRow>('iam_instance_profiles', account, name.toLowerCase());
  if (!row) throw new NoSuchEntityException(`Instance Profile ${name} cannot be found.`);
  return row;
}

function roleOf(state: IamState, row: InstanceProfileRow): RoleRow | undefined {
  return row.role_id === null ? undefined : state.store.findById<RoleRow>('iam_roles', row.account, row.role_id);
}

export function instanceProfileOperations(state: IamState) {
  const { store } = state;
  return {
    createInstanceProfile(ctx, input) {
      const tags = checkTags(input.Tags, caseInsensitiveTags);
      const nameKey = input.InstanceProfileName.toLowerCase();
      if (store.find('iam_instance_profiles', ctx.account, nameKey)) {
        throw new EntityAlreadyExistsException(`Instance Profile ${input.InstanceProfileName} already exists.`);
      }
      const path = input.Path ?? '/';
      const row: InstanceProfileRow = {
        account: ctx.account,
        name_key: nameKey,
        name: input.InstanceProfileName,
        id: newUniqueId('AIPA'),
        path,
        arn: iamArn(ctx.account, 'instance-profile', path, input.InstanceProfileName),
        created_at: state.now(),
        tags: JSON.stringify(tags),
        role_id: null,
      };
      store.insert('iam_instance_profiles', row);
      return { InstanceProfile: instanceProfileOutput(row, undefined, tags.length > 0) };
    },

    getInstanceProfile(ctx, input) {
      const row = instanceProfile(state, ctx.account, input.InstanceProfileName);
      return { InstanceProfile: instanceProfileOutput(row, roleOf(state, row), true) };
    },

    deleteInstanceProfile(ctx, input) {
      const row = instanceProfile(state, ctx.account, input.InstanceProfileName);
      if (row.role_id !== null) throw deleteConflict(conflictTexts.instanceProfiles);
      store.remove('iam_instance_profiles', ctx.account, row.id);
    },

    listInstanceProfiles(ctx, input) {
      const size = pageSize(input.MaxItems);
      const after = decodeMarker('instance-profiles', input.Marker);
      const rows = store.list<InstanceProfileRow>(
        'iam_instance_profiles',
        ctx.account,
        input.PathPrefix ?? '/',
        after,
        size + 1,
      );
      const { rows: profiles, info } = page(rows, size, 'instance-profiles', (row) => row.name_key);
      return {
        InstanceProfiles: profiles.map((row) => instanceProfileOutput(row, roleOf(state, row), false)),
        ...info,
      };
    },

    addRoleToInstanceProfile(ctx, input) {
      const row = instanceProfile(state, ctx.account, input.InstanceProfileName);
      const role = state.role(ctx.account, input.RoleName);
      if (row.role_id !== null) throw quotaExceeded('InstanceSessionsPerInstanceProfile', 1);
      store.setInstanceProfileRole(ctx.account, row.id, role.id);
    },

    removeRoleFromInstanceProfile(ctx, input) {
      const row = instanceProfile(state, ctx.account, input.InstanceProfileName);
      const role = state.role(ctx.account, input.RoleName);
      if (row.role_id !== role.id) {
        throw new NoSuchEntityException(`Role ${input.RoleName} in Instance Profile ${row.name} cannot be found.`);
      }
      store.setInstanceProfileRole(ctx.account, row.id, null);
    },

    listInstanceProfilesForRole(ctx, input) {
      const role = state.role(ctx.account, input.RoleName);
      const size = pageSize(input.MaxItems);
      const after = decodeMarker('role-instance-profiles', input.Marker);
      const rows = store.instanceProfilesOfRole(ctx.account, role.id, after, size + 1);
      const { rows: profiles, info } = page(rows, size, 'role-instance-profiles', (row) => row.name_key);
      return { InstanceProfiles: profiles.map((row) => instanceProfileOutput(row, role, false)), ...info };
    },

    tagInstanceProfile(ctx, input) {
      const row = instanceProfile(state, ctx.account, input.InstanceProfileName);
      const tags = mergeTags(parseTags(row.tags), input.Tags, caseInsensitiveTags);
      store.setTags('iam_instance_profiles', ctx.account, row.id, JSON.stringify(tags));
    },

    untagInstanceProfile(ctx, input) {
      const row = instanceProfile(state, ctx.account, input.InstanceProfileName);
      const tags = removeTags(parseTags(row.tags), input.TagKeys, caseInsensitiveTags);
      store.setTags('iam_instance_profiles', ctx.account, row.id, JSON.stringify(tags));
    },

    listInstanceProfileTags(ctx, input) {
      const row = instanceProfile(state, ctx.account, input.InstanceProfileName);
      const listing = 'instance-profile-tags';
      const { items, info } = pageInMemory(
        parseTags(row.tags),
        input.MaxItems,
        input.Marker,
        listing,
        (tag) => tag.Key,
      );
      return { Tags: items, ...info };
    },
  } satisfies Partial<IamOperations<RequestContext>>;
}
