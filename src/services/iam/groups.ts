/**
 * IAM groups and their members: CreateGroup, GetGroup, UpdateGroup, DeleteGroup, ListGroups,
 * AddUserToGroup, RemoveUserFromGroup, ListGroupsForUser.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_Group.html
 */
import { newUniqueId } from '../../core/ids.js';
import type { IamOperations } from '../../generated/iam/operations.js';
import type { RequestContext } from '../service-types.js';
import { conflictTexts, deleteConflict, entityExists, quotaExceeded } from './errors.js';
import { decodeMarker, page, pageSize } from './pagination.js';
import { groupOutput, userSummary } from './shapes.js';
import { type IamState, iamArn } from './state.js';
import type { GroupRow } from './store.js';

/** https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html ("Groups an IAM user can be a member of: 10"). */
const groupsPerUser = 10;

export function groupOperations(state: IamState) {
  const { store } = state;
  return {
    createGroup(ctx, input) {
      const nameKey = input.GroupName.toLowerCase();
      if (store.find('iam_groups', ctx.account, nameKey)) throw entityExists('group', input.GroupName);
      const path = input.Path ?? '/';
      const row: GroupRow = {
        account: ctx.account,
        name_key: nameKey,
        name: input.GroupName,
        id: newUniqueId('AGPA'),
        path,
        arn: iamArn(ctx.account, 'group', path, input.GroupName),
        created_at: state.now(),
      };
      store.insert('iam_groups', row);
      return { Group: groupOutput(row) };
    },

    getGroup(ctx, input) {
      const group = state.group(ctx.account, input.GroupName);
      const size = pageSize(input.MaxItems);
      const after = decodeMarker('group-users', input.Marker);
      const rows = store.listMembers(ctx.account, group.id, after, size + 1);
      const { rows: users, info } = page(rows, size, 'group-users', (row) => row.name_key);
      return { Group: groupOutput(group), Users: users.map(userSummary), ...info };
    },

    updateGroup(ctx, input) {
      const group = state.group(ctx.account, input.GroupName);
      const name = input.NewGroupName ?? group.name;
      const path = input.NewPath ?? group.path;
      if (name.toLowerCase() !== group.name_key && store.find('iam_groups', ctx.account, name.toLowerCase())) {
        throw entityExists('group', name);
      }
      store.rename('iam_groups', group, name, path, iamArn(ctx.account, 'group', path, name));
    },

    deleteGroup(ctx, input) {
      const group = state.group(ctx.account, input.GroupName);
      if (store.countAttachedTo(ctx.account, 'group', group.id) > 0)
        throw deleteConflict(conflictTexts.attachedPolicies);
      if (store.hasInlinePolicies(ctx.account, 'group', group.id)) throw deleteConflict(conflictTexts.inlinePolicies);
      if (store.countMembers(ctx.account, group.id) > 0) throw deleteConflict(conflictTexts.groupMembers);
      store.remove('iam_groups', ctx.account, group.id);
    },

    listGroups(ctx, input) {
      const size = pageSize(input.MaxItems);
      const after = decodeMarker('groups', input.Marker);
      const rows = store.list<GroupRow>('iam_groups', ctx.account, input.PathPrefix ?? '/', after, size + 1);
      const { rows: groups, info } = page(rows, size, 'groups', (row) => row.name_key);
      return { Groups: groups.map(groupOutput), ...info };
    },

    addUserToGroup(ctx, input) {
      const user = state.user(ctx.account, input.UserName);
      const group = state.group(ctx.account, input.GroupName);
      if (store.isMember(ctx.account, group.id, user.id)) return;
      if (store.countGroupsOfUser(ctx.account, user.id) >= groupsPerUser)
        throw quotaExceeded('GroupsPerUser', groupsPerUser);
      store.addMember(ctx.account, group.id, user.id);
    },

    removeUserFromGroup(ctx, input) {
      const user = state.user(ctx.account, input.UserName);
      const group = state.group(ctx.account, input.GroupName);
      store.removeMember(ctx.account, group.id, user.id);
    },

    listGroupsForUser(ctx, input) {
      const user = state.user(ctx.account, input.UserName);
      const size = pageSize(input.MaxItems);
      const after = decodeMarker('user-groups', input.Marker);
      const rows = store.listGroupsOfUser(ctx.account, user.id, after, size + 1);
      const { rows: groups, info } = page(rows, size, 'user-groups', (row) => row.name_key);
      return { Groups: groups.map(groupOutput), ...info };
    },
  } satisfies Partial<IamOperations<RequestContext>>;
}
