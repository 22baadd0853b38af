/**
 * IAM users: CreateUser, GetUser, UpdateUser, DeleteUser, ListUsers, their tags and permissions
 * boundaries. https://docs.aws.amazon.com/IAM/latest/APIReference/API_User.html
 */
import { newUniqueId } from '../../core/ids.js';
import type { IamOperations } from '../../generated/iam/operations.js';
import type * as T from '../../generated/iam/types.js';
import type { RequestContext } from '../service-types.js';
import { conflictTexts, deleteConflict, entityExists, noSuchEntity, userNameRequired } from './errors.js';
import { decodeMarker, page, pageInMemory, pageSize } from './pagination.js';
import { checkBoundary } from './policy-lookup.js';
import { userDetail, userSummary } from './shapes.js';
import { type IamState, iamArn } from './state.js';
import type { UserRow } from './store.js';
import { caseInsensitiveTags, checkTags, mergeTags, parseTags, removeTags } from './tags.js';

/**
 * The user a call without UserName acts on: the calling IAM user. Other callers must name one
 * ("Must specify userName when calling with non-User credentials", versitygw's tests against
 * live IAM).
 */
export function callingUser(state: IamState, ctx: RequestContext): UserRow {
  if (ctx.caller.kind !== 'user') throw userNameRequired();
  const row = state.store.findById<UserRow>('iam_users', ctx.account, ctx.caller.userId);
  if (!row) throw noSuchEntity('user', ctx.caller.arn.slice(ctx.caller.arn.lastIndexOf('/') + 1));
  return row;
}

/**
 * GetUser without UserName from the account's root: AWS answers the root's own record, the
 * account id as UserId and the root ARN, with no UserName or Path
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetUser.html: "If you do not specify a
 * user name, IAM determines the user name implicitly based on the AWS access key ID used to sign
 * the request"; the root's answer has only UserId, Arn and CreateDate).
 */
function rootUser(state: IamState, ctx: RequestContext): T.User {
  const account = state.store.account(ctx.account, state.now());
  return { UserId: ctx.account, Arn: ctx.caller.arn, CreateDate: new Date(account.created_at) } as T.User;
}

export function userOperations(state: IamState) {
  const { store } = state;
  return {
    createUser(ctx, input) {
      const tags = checkTags(input.Tags, caseInsensitiveTags);
      if (input.PermissionsBoundary !== undefined) checkBoundary(state, ctx.account, input.PermissionsBoundary);
      const nameKey = input.UserName.toLowerCase();
      if (store.find('iam_users', ctx.account, nameKey)) throw entityExists('user', input.UserName);
      const path = input.Path ?? '/';
      const row: UserRow = {
        account: ctx.account,
        name_key: nameKey,
        name: input.UserName,
        id: newUniqueId('AIDA'),
        path,
        arn: iamArn(ctx.account, 'user', path, input.UserName),
        created_at: state.now(),
        boundary: input.PermissionsBoundary ?? null,
        tags: JSON.stringify(tags),
      };
      store.insert('iam_users', row);
      return { User: userDetail(row) };
    },

    getUser(ctx, input) {
      if (input.UserName !== undefined) return { User: userDetail(state.user(ctx.account, input.UserName)) };
      if (ctx.caller.kind === 'root') return { User: rootUser(state, ctx) };
      return { User: userDetail(callingUser(state, ctx)) };
    },

    updateUser(ctx, input) {
      const user = state.user(ctx.account, input.UserName);
      const name = input.NewUserName ?? user.name;
      const path = input.NewPath ?? user.path;
      if (name.toLowerCase() !== user.name_key && store.find('iam_users', ctx.account, name.toLowerCase())) {
        throw entityExists('user', name);
      }
      const arn = iamArn(ctx.account, 'user', path, name);
      store.transaction(() => {
        store.rename('iam_users', user, name, path, arn);
        // The user's access keys resolve to its new name and ARN from now on.
        state.credentials.renameUser(ctx.account, user.name, name, arn);
      });
    },

    deleteUser(ctx, input) {
      const user = state.user(ctx.account, input.UserName);
      // The order AWS reports conflicts in: policies before access keys (versitygw's tests).
      if (store.countAttachedTo(ctx.account, 'user', user.id) > 0) throw deleteConflict(conflictTexts.attachedPolicies);
      if (store.hasInlinePolicies(ctx.account, 'user', user.id)) throw deleteConflict(conflictTexts.inlinePolicies);
      if (state.credentials.listUserKeys(ctx.account, user.name).length > 0) {
        throw deleteConflict(conflictTexts.accessKeys);
      }
      if (store.countGroupsOfUser(ctx.account, user.id) > 0) throw deleteConflict(conflictTexts.groupMembers);
      store.remove('iam_users', ctx.account, user.id);
    },

    listUsers(ctx, input) {
      const size = pageSize(input.MaxItems);
      const after = decodeMarker('users', input.Marker);
      const rows = store.list<UserRow>('iam_users', ctx.account, input.PathPrefix ?? '/', after, size + 1);
      const { rows: users, info } = page(rows, size, 'users', (row) => row.name_key);
      return { Users: users.map(userSummary), ...info };
    },

    tagUser(ctx, input) {
      const user = state.user(ctx.account, input.UserName);
      const tags = mergeTags(parseTags(user.tags), input.Tags, caseInsensitiveTags);
      store.setTags('iam_users', ctx.account, user.id, JSON.stringify(tags));
    },

    untagUser(ctx, input) {
      const user = state.user(ctx.account, input.UserName);
      const tags = removeTags(parseTags(user.tags), input.TagKeys, caseInsensitiveTags);
      store.setTags('iam_users', ctx.account, user.id, JSON.stringify(tags));
    },

    listUserTags(ctx, input) {
      const user = state.user(ctx.account, input.UserName);
      const { items, info } = pageInMemory(
        parseTags(user.tags),
        input.MaxItems,
        input.Marker,
        'user-tags',
        (tag) => tag.Key,
      );
      return { Tags: items, ...info };
    },

    putUserPermissionsBoundary(ctx, input) {
      const user = state.user(ctx.account, input.UserName);
      checkBoundary(state, ctx.account, input.PermissionsBoundary);
      store.setBoundary('iam_users', ctx.account, user.id, input.PermissionsBoundary);
    },

    deleteUserPermissionsBoundary(ctx, input) {
      const user = state.user(ctx.account, input.UserName);
      store.setBoundary('iam_users', ctx.account, user.id, null);
    },
  } satisfies Partial<IamOperations<RequestContext>>;
}
