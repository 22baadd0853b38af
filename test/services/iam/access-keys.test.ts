import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  GetAccessKeyLastUsedCommand,
  IAMClient,
  ListAccessKeysCommand,
  UpdateAccessKeyCommand,
  UpdateUserCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig, startCloud } from '../../helpers/cloud.js';
import { assertIamError, iamFor, rejection } from './iam-helpers.js';

describe('IAM access keys', () => {
  let cloud: NimbusCloud;
  let iam: IAMClient;
  before(async () => {
    cloud = await startCloud();
    iam = iamFor(cloud, '222222222222');
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await iam.send(new CreateUserCommand({ UserName: 'alice', Path: '/dev/' }));
  });

  async function keyOf(userName: string) {
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
    assert.ok(AccessKey);
    return { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey };
  }

  describe('CreateAccessKey', () => {
    test('returns an active AKIA key whose requests resolve to the user and its account', async () => {
      const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }));
      assert.match(AccessKey?.AccessKeyId ?? '', /^AKIA[A-Z2-7]{16}$/);
      assert.equal(AccessKey?.SecretAccessKey?.length, 40);
      assert.equal(AccessKey?.Status, 'Active');
      assert.equal(AccessKey?.UserName, 'alice');
      const sts = new STSClient(
        clientConfig(cloud, { accessKeyId: AccessKey?.AccessKeyId, secretAccessKey: AccessKey?.SecretAccessKey }),
      );
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      assert.equal(identity.Account, '222222222222');
      assert.equal(identity.Arn, 'arn:aws:iam::222222222222:user/dev/alice');
      assert.match(identity.UserId ?? '', /^AIDA/);
    });

    test('makes a key for the calling user when UserName is left out', async () => {
      const own = await keyOf('alice');
      const asAlice = new IAMClient(clientConfig(cloud, own));
      const { AccessKey } = await asAlice.send(new CreateAccessKeyCommand({}));
      assert.equal(AccessKey?.UserName, 'alice');
      const { AccessKeyMetadata } = await asAlice.send(new ListAccessKeysCommand({}));
      assert.equal(AccessKeyMetadata?.length, 2);
    });

    test('returns ValidationError without UserName from root credentials', async () => {
      await assertIamError(iam.send(new CreateAccessKeyCommand({})), {
        code: 'ValidationError',
        status: 400,
        message: 'Must specify userName when calling with non-User credentials',
      });
    });

    test('returns LimitExceeded for a third key', async () => {
      await keyOf('alice');
      await keyOf('alice');
      await assertIamError(iam.send(new CreateAccessKeyCommand({ UserName: 'alice' })), {
        code: 'LimitExceeded',
        status: 409,
        message: 'Cannot exceed quota for AccessKeysPerUser: 2',
      });
    });

    test('returns NoSuchEntity for a user that does not exist', async () => {
      await assertIamError(iam.send(new CreateAccessKeyCommand({ UserName: 'bob' })), {
        code: 'NoSuchEntity',
        status: 404,
        message: 'The user with name bob cannot be found.',
      });
    });
  });

  describe('UpdateAccessKey', () => {
    test('makes an inactive key fail, and an active one work again', async () => {
      const key = await keyOf('alice');
      const sts = new STSClient(clientConfig(cloud, key));
      await iam.send(
        new UpdateAccessKeyCommand({ UserName: 'alice', AccessKeyId: key.accessKeyId, Status: 'Inactive' }),
      );
      const error = await rejection(sts.send(new GetCallerIdentityCommand({})));
      assert.equal(error.name, 'InvalidClientTokenId');
      assert.equal(error.$metadata.httpStatusCode, 403);
      const { AccessKeyMetadata } = await iam.send(new ListAccessKeysCommand({ UserName: 'alice' }));
      assert.equal(AccessKeyMetadata?.[0]?.Status, 'Inactive');
      await iam.send(new UpdateAccessKeyCommand({ UserName: 'alice', AccessKeyId: key.accessKeyId, Status: 'Active' }));
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      assert.equal(identity.Arn, 'arn:aws:iam::222222222222:user/dev/alice');
    });

    test("returns NoSuchEntity for another user's key", async () => {
      await iam.send(new CreateUserCommand({ UserName: 'bob' }));
      const bobs = await keyOf('bob');
      await assertIamError(
        iam.send(new UpdateAccessKeyCommand({ UserName: 'alice', AccessKeyId: bobs.accessKeyId, Status: 'Inactive' })),
        { code: 'NoSuchEntity', status: 404, message: `The Access Key with id ${bobs.accessKeyId} cannot be found` },
      );
    });
  });

  describe('DeleteAccessKey', () => {
    test('deletes the key: requests signed with it no longer act as the user', async () => {
      const key = await keyOf('alice');
      await iam.send(new DeleteAccessKeyCommand({ UserName: 'alice', AccessKeyId: key.accessKeyId }));
      const { AccessKeyMetadata } = await iam.send(new ListAccessKeysCommand({ UserName: 'alice' }));
      assert.deepEqual(AccessKeyMetadata, []);
      const identity = await new STSClient(clientConfig(cloud, key)).send(new GetCallerIdentityCommand({}));
      assert.equal(identity.Arn, 'arn:aws:iam::000000000000:root');
    });
  });

  describe('ListAccessKeys', () => {
    test('lists keys with their status, in pages', async () => {
      await keyOf('alice');
      await keyOf('alice');
      const first = await iam.send(new ListAccessKeysCommand({ UserName: 'alice', MaxItems: 1 }));
      assert.equal(first.AccessKeyMetadata?.length, 1);
      assert.equal(first.AccessKeyMetadata?.[0]?.UserName, 'alice');
      assert.equal(first.IsTruncated, true);
      const second = await iam.send(new ListAccessKeysCommand({ UserName: 'alice', Marker: first.Marker }));
      assert.equal(second.AccessKeyMetadata?.length, 1);
      assert.notEqual(second.AccessKeyMetadata?.[0]?.AccessKeyId, first.AccessKeyMetadata?.[0]?.AccessKeyId);
      assert.equal(second.IsTruncated, false);
    });
  });

  describe('UpdateUser', () => {
    test("moves the user's keys to its new name and ARN", async () => {
      const key = await keyOf('alice');
      await iam.send(new UpdateUserCommand({ UserName: 'alice', NewUserName: 'alicia' }));
      const identity = await new STSClient(clientConfig(cloud, key)).send(new GetCallerIdentityCommand({}));
      assert.equal(identity.Arn, 'arn:aws:iam::222222222222:user/dev/alicia');
      const { AccessKeyMetadata } = await iam.send(new ListAccessKeysCommand({ UserName: 'alicia' }));
      assert.equal(AccessKeyMetadata?.[0]?.AccessKeyId, key.accessKeyId);
    });
  });

  describe('GetAccessKeyLastUsed', () => {
    test('answers N/A for a key Nimbus has not seen used', async () => {
      const key = await keyOf('alice');
      const result = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.accessKeyId }));
      assert.equal(result.UserName, 'alice');
      assert.deepEqual(result.AccessKeyLastUsed, { ServiceName: 'N/A', Region: 'N/A' });
    });

    test('returns AccessDenied for a key of another account', async () => {
      const key = await keyOf('alice');
      const other = iamFor(cloud, '111111111111');
      await assertIamError(other.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.accessKeyId })), {
        code: 'AccessDenied',
        status: 403,
        message: `User: arn:aws:iam::111111111111:root is not authorized to perform iam:GetAccessKeyLastUsed on resource: access key ${key.accessKeyId}`,
      });
    });
  });
});
