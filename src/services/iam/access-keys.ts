/**
 * Access keys of IAM users: CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey,
 * GetAccessKeyLastUsed. The keys are kept in the CredentialStore, where Nimbus resolves the
 * caller of every request: a key made here signs requests as its user from the next request on,
 * and a deactivated or deleted key is refused. Without UserName these calls act on the calling
 * user (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html).
 */

import { newAccessKeyId, newSecretAccessKey } from '../../core/ids.js';
import { ValidationException } from '../../errors/common.js';
import { NoSuchEntityException } from '../../generated/iam/errors.js';
import type { IamOperations } from '../../generated/iam/operations.js';
import type * as T from '../../generated/iam/types.js';
import type { CredentialRecord } from '../../identity/credentials.js';
import type { RequestContext } from '../service-types.js';
import { accessDenied, quotaExceeded } from './errors.js';
import { pageInMemory } from './pagination.js';
import type { IamState } from './state.js';
import type { UserRow } from './store.js';
import { callingUser } from './users.js';

/** https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html ("Access keys assigned to an IAM user: 2"). */
const accessKeysPerUser = 2;

function targetUser(state: IamState, ctx: RequestContext, userName: string | undefined): UserRow {
  return userName === undefined ? callingUser(state, ctx) : state.user(ctx.account, userName);
}

/**
 * One of the user's keys. Another user's key is as unknown as a key that never existed: "The
 * Access Key with id X cannot be found" (no full stop: moto's and versitygw's recordings).
 */
function userKey(state: IamState, user: UserRow, accessKeyId: string): CredentialRecord {
  const record = state.credentials.get(accessKeyId);
  if (record?.kind !== 'user' || record.account !== user.account || record.userName !== user.name) {
    throw new NoSuchEntityException(`The Access Key with id ${accessKeyId} cannot be found`);
  }
  return record;
}

function metadata(record: CredentialRecord): T.AccessKeyMetadata {
  return {
    UserName: record.userName ?? '',
    AccessKeyId: record.accessKeyId,
    Status: record.status,
    CreateDate: new Date(record.createdAt),
  };
}

export function accessKeyOperations(state: IamState) {
  const { credentials } = state;
  return {
    createAccessKey(ctx, input) {
      const user = targetUser(state, ctx, input.UserName);
      if (credentials.listUserKeys(ctx.account, user.name).length >= accessKeysPerUser) {
        throw quotaExceeded('AccessKeysPerUser', accessKeysPerUser);
      }
      const record: CredentialRecord = {
        accessKeyId: newAccessKeyId('AKIA'),
        secretAccessKey: newSecretAccessKey(),
        sessionToken: null,
        account: ctx.account,
        principalArn: user.arn,
        principalId: user.id,
        kind: 'user',
        userName: user.name,
        status: 'Active',
        createdAt: state.now(),
        expiresAt: null,
        source: 'iam',
        session: null,
      };
      credentials.put(record);
      return {
        AccessKey: {
          UserName: user.name,
          AccessKeyId: record.accessKeyId,
          Status: record.status,
          SecretAccessKey: record.secretAccessKey,
          CreateDate: new Date(record.createdAt),
        },
      };
    },

    listAccessKeys(ctx, input) {
      const user = targetUser(state, ctx, input.UserName);
      const keys = credentials.listUserKeys(ctx.account, user.name);
      const { items, info } = pageInMemory(keys, input.MaxItems, input.Marker, 'access-keys', (key) => key.accessKeyId);
      return { AccessKeyMetadata: items.map(metadata), ...info };
    },

    updateAccessKey(ctx, input) {
      const user = targetUser(state, ctx, input.UserName);
      const record = userKey(state, user, input.AccessKeyId);
      // The model's status enum also holds Expired (service-specific credentials use it); an
      // access key is only ever Active or Inactive.
      if (input.Status === 'Expired') {
        throw new ValidationException(
          "1 validation error detected: Value at 'status' failed to satisfy constraint: Member must satisfy enum value set",
        );
      }
      credentials.setStatus(record.accessKeyId, input.Status);
    },

    deleteAccessKey(ctx, input) {
      const user = targetUser(state, ctx, input.UserName);
      const record = userKey(state, user, input.AccessKeyId);
      credentials.delete(record.accessKeyId);
    },

    /**
     * Nimbus does not record when a key was used, so it answers as AWS does for a key never used:
     * ServiceName and Region `N/A`, no LastUsedDate
     * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_AccessKeyLastUsed.html). A key of
     * another account, or none, is refused as AWS refuses it (LocalStack's text).
     */
    getAccessKeyLastUsed(ctx, input) {
      const record = credentials.get(input.AccessKeyId);
      if (record?.kind !== 'user' || record.account !== ctx.account) {
        throw accessDenied(
          `User: ${ctx.caller.arn} is not authorized to perform iam:GetAccessKeyLastUsed on resource: access key ${input.AccessKeyId}`,
        );
      }
      return { UserName: record.userName ?? '', AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' } };
    },
  } satisfies Partial<IamOperations<RequestContext>>;
}
