import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateUserCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DetachUserPolicyCommand,
  GetUserCommand,
  IAMClient,
  ListUsersCommand,
  ListUserTagsCommand,
  PutUserPolicyCommand,
  TagUserCommand,
  UntagUserCommand,
  UpdateUserCommand,
} from '@aws-sdk/client-iam';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig, startCloud } from '../../helpers/cloud.js';
import { assertIamError, iamFor, s3ReadPolicy } from './iam-helpers.js';

describe('IAM users', () => {
  let cloud: NimbusCloud;
  let iam: IAMClient;
  before(async () => {
    cloud = await startCloud();
    iam = iamFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  describe('CreateUser', () => {
    test('returns the user with an AIDA id, its ARN and path', async () => {
      const { User } = await iam.send(new CreateUserCommand({ UserName: 'alice', Path: '/eng/' }));
      assert.equal(User?.UserName, 'alice');
      assert.equal(User?.Path, '/eng/');
      assert.equal(User?.Arn, 'arn:aws:iam::111111111111:user/eng/alice');
      assert.match(User?.UserId ?? '', /^AIDA[A-Z2-7]{17}$/);
      assert.ok(User?.CreateDate instanceof Date);
      assert.equal(User?.Tags, undefined);
    });

    test('takes CreateDate from the Nimbus clock', async () => {
      cloud.clock.advance(86_400);
      const { User } = await iam.send(new CreateUserCommand({ UserName: 'later' }));
      assert.ok(Math.abs((User?.CreateDate?.getTime() ?? 0) - cloud.clock.now()) < 5_000);
      assert.ok((User?.CreateDate?.getTime() ?? 0) > Date.now() + 80_000_000);
    });

    test('returns EntityAlreadyExists for a name taken in any case', async () => {
      await iam.send(new CreateUserCommand({ UserName: 'alice' }));
      await assertIamError(iam.send(new CreateUserCommand({ UserName: 'ALICE' })), {
        code: 'EntityAlreadyExists',
        status: 409,
        message: 'User with name ALICE already exists.',
      });
    });

    test('returns InvalidInput for tags that repeat a key in another case', async () => {
      const tags = [
        { Key: 'env', Value: 'a' },
        { Key: 'ENV', Value: 'b' },
      ];
      await assertIamError(iam.send(new CreateUserCommand({ UserName: 'alice', Tags: tags })), {
        code: 'InvalidInput',
        status: 400,
        message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
      });
    });

    test('returns NoSuchEntity for a permissions boundary that does not exist', async () => {
      const boundary = 'arn:aws:iam::111111111111:policy/missing';
      await assertIamError(iam.send(new CreateUserCommand({ UserName: 'alice', PermissionsBoundary: boundary })), {
        code: 'NoSuchEntity',
        status: 404,
        message: `Scope ARN: ${boundary} does not exist or is not attachable.`,
      });
    });
  });

  describe('GetUser', () => {
    test('returns the user with its tags and permissions boundary', async () => {
      const boundary = 'arn:aws:iam::aws:policy/PowerUserAccess';
      await iam.send(
        new CreateUserCommand({ UserName: 'alice', PermissionsBoundary: boundary, Tags: [{ Key: 'k', Value: 'v' }] }),
      );
      const { User } = await iam.send(new GetUserCommand({ UserName: 'Alice' }));
      assert.equal(User?.UserName, 'alice');
      assert.deepEqual(User?.Tags, [{ Key: 'k', Value: 'v' }]);
      assert.deepEqual(User?.PermissionsBoundary, {
        PermissionsBoundaryType: 'Policy',
        PermissionsBoundaryArn: boundary,
      });
    });

    test('returns NoSuchEntity for a user that does not exist', async () => {
      await assertIamError(iam.send(new GetUserCommand({ UserName: 'nobody' })), {
        code: 'NoSuchEntity',
        status: 404,
        message: 'The user with name nobody cannot be found.',
      });
    });

    test('answers the root record for root credentials without UserName', async () => {
      const { User } = await iam.send(new GetUserCommand({}));
      assert.equal(User?.UserId, '111111111111');
      assert.equal(User?.Arn, 'arn:aws:iam::111111111111:root');
      assert.equal(User?.UserName, undefined);
      assert.equal(User?.Path, undefined);
      assert.ok(User?.CreateDate instanceof Date);
    });

    test('answers the calling user for a user key without UserName', async () => {
      await iam.send(new CreateUserCommand({ UserName: 'alice', Path: '/team/' }));
      const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }));
      const asAlice = new IAMClient(
        clientConfig(cloud, { accessKeyId: AccessKey?.AccessKeyId, secretAccessKey: AccessKey?.SecretAccessKey }),
      );
      const { User } = await asAlice.send(new GetUserCommand({}));
      assert.equal(User?.UserName, 'alice');
      assert.equal(User?.Arn, 'arn:aws:iam::111111111111:user/team/alice');
    });
  });

  describe('UpdateUser', () => {
    test('renames the user and moves it to a new path, keeping its id', async () => {
      const created = await iam.send(new CreateUserCommand({ UserName: 'alice' }));
      await iam.send(new UpdateUserCommand({ UserName: 'alice', NewUserName: 'zoe', NewPath: '/ops/' }));
      const { User } = await iam.send(new GetUserCommand({ UserName: 'zoe' }));
      assert.equal(User?.UserId, created.User?.UserId);
      assert.equal(User?.Arn, 'arn:aws:iam::111111111111:user/ops/zoe');
      await assertIamError(iam.send(new GetUserCommand({ UserName: 'alice' })), {
        code: 'NoSuchEntity',
        status: 404,
        message: 'The user with name alice cannot be found.',
      });
    });

    test('returns EntityAlreadyExists when the new name is taken', async () => {
      await iam.send(new CreateUserCommand({ UserName: 'alice' }));
      await iam.send(new CreateUserCommand({ UserName: 'zoe' }));
      await assertIamError(iam.send(new UpdateUserCommand({ UserName: 'alice', NewUserName: 'zoe' })), {
        code: 'EntityAlreadyExists',
        status: 409,
        message: 'User with name zoe already exists.',
      });
    });

    test('returns NoSuchEntity for a user that does not exist', async () => {
      await assertIamError(iam.send(new UpdateUserCommand({ UserName: 'nobody', NewPath: '/x/' })), {
        code: 'NoSuchEntity',
        status: 404,
        message: 'The user with name nobody cannot be found.',
      });
    });
  });

  describe('DeleteUser', () => {
    test('deletes a user with nothing attached', async () => {
      await iam.send(new CreateUserCommand({ UserName: 'alice' }));
      await iam.send(new DeleteUserCommand({ UserName: 'alice' }));
      const { Users } = await iam.send(new ListUsersCommand({}));
      assert.deepEqual(Users, []);
    });

    test('returns DeleteConflict for attached policies, then inline policies, then access keys', async () => {
      await iam.send(new CreateUserCommand({ UserName: 'alice' }));
      await iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'p', PolicyDocument: s3ReadPolicy }));
      await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }));
      const arn = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';
      await iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: arn }));
      const conflict = (message: string) => ({ code: 'DeleteConflict', status: 409, message });

      await assertIamError(
        iam.send(new DeleteUserCommand({ UserName: 'alice' })),
        conflict('Cannot delete entity, must detach all policies first.'),
      );
      await iam.send(new DetachUserPolicyCommand({ UserName: 'alice', PolicyArn: arn }));
      await assertIamError(
        iam.send(new DeleteUserCommand({ UserName: 'alice' })),
        conflict('Cannot delete entity, must delete policies first.'),
      );
      await iam.send(new DeleteUserPolicyCommand({ UserName: 'alice', PolicyName: 'p' }));
      await assertIamError(
        iam.send(new DeleteUserCommand({ UserName: 'alice' })),
        conflict('Cannot delete entity, must delete access keys first.'),
      );
    });

    test('returns DeleteConflict while the user is in a group', async () => {
      await iam.send(new CreateUserCommand({ UserName: 'alice' }));
      await iam.send(new CreateGroupCommand({ GroupName: 'devs' }));
      await iam.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName: 'alice' }));
      await assertIamError(iam.send(new DeleteUserCommand({ UserName: 'alice' })), {
        code: 'DeleteConflict',
        status: 409,
        message: 'Cannot delete entity, must remove users from group first.',
      });
    });
  });

  describe('ListUsers', () => {
    test('pages through users in name order with MaxItems and Marker', async () => {
      for (const name of ['carol', 'alice', 'bob', 'Dave']) await iam.send(new CreateUserCommand({ UserName: name }));
      const first = await iam.send(new ListUsersCommand({ MaxItems: 3 }));
      assert.deepEqual(
        first.Users?.map((user) => user.UserName),
        ['alice', 'bob', 'carol'],
      );
      assert.equal(first.IsTruncated, true);
      assert.ok(first.Marker);
      const second = await iam.send(new ListUsersCommand({ MaxItems: 3, Marker: first.Marker }));
      assert.deepEqual(
        second.Users?.map((user) => user.UserName),
        ['Dave'],
      );
      assert.equal(second.IsTruncated, false);
      assert.equal(second.Marker, undefined);
    });

    test('keeps the users under PathPrefix and leaves out tags', async () => {
      await iam.send(new CreateUserCommand({ UserName: 'a', Path: '/eng/', Tags: [{ Key: 'k', Value: 'v' }] }));
      await iam.send(new CreateUserCommand({ UserName: 'b', Path: '/ops/' }));
      const { Users } = await iam.send(new ListUsersCommand({ PathPrefix: '/eng' }));
      assert.deepEqual(
        Users?.map((user) => user.UserName),
        ['a'],
      );
      assert.equal(Users?.[0]?.Tags, undefined);
    });

    test('returns ValidationError for a marker it did not give', async () => {
      await assertIamError(iam.send(new ListUsersCommand({ Marker: 'not-a-marker' })), {
        code: 'ValidationError',
        status: 400,
        message: 'Invalid Marker.',
      });
    });

    test('keeps two accounts apart', async () => {
      await iam.send(new CreateUserCommand({ UserName: 'alice' }));
      const other = iamFor(cloud, '222222222222');
      const { Users } = await other.send(new ListUsersCommand({}));
      assert.deepEqual(Users, []);
      const created = await other.send(new CreateUserCommand({ UserName: 'alice' }));
      assert.equal(created.User?.Arn, 'arn:aws:iam::222222222222:user/alice');
    });
  });

  describe('TagUser, UntagUser, ListUserTags', () => {
    test('replaces a tag whose key differs only in case, and removes keys regardless of case', async () => {
      await iam.send(new CreateUserCommand({ UserName: 'alice', Tags: [{ Key: 'team', Value: 'a' }] }));
      await iam.send(
        new TagUserCommand({
          UserName: 'alice',
          Tags: [
            { Key: 'TEAM', Value: 'b' },
            { Key: 'env', Value: 'prod' },
          ],
        }),
      );
      const { Tags } = await iam.send(new ListUserTagsCommand({ UserName: 'alice' }));
      assert.deepEqual(Tags, [
        { Key: 'env', Value: 'prod' },
        { Key: 'TEAM', Value: 'b' },
      ]);
      await iam.send(new UntagUserCommand({ UserName: 'alice', TagKeys: ['ENV', 'absent'] }));
      const after = await iam.send(new ListUserTagsCommand({ UserName: 'alice' }));
      assert.deepEqual(after.Tags, [{ Key: 'TEAM', Value: 'b' }]);
    });

    test('returns LimitExceeded past 50 tags', async () => {
      const tags = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
      await iam.send(new CreateUserCommand({ UserName: 'alice', Tags: tags }));
      await assertIamError(
        iam.send(new TagUserCommand({ UserName: 'alice', Tags: [{ Key: 'one-more', Value: 'v' }] })),
        {
          code: 'LimitExceeded',
          status: 409,
          message: 'The number of tags has reached the maximum limit.',
        },
      );
    });

    test('pages tags with MaxItems', async () => {
      const tags = ['a', 'b', 'c'].map((key) => ({ Key: key, Value: key }));
      await iam.send(new CreateUserCommand({ UserName: 'alice', Tags: tags }));
      const first = await iam.send(new ListUserTagsCommand({ UserName: 'alice', MaxItems: 2 }));
      assert.deepEqual(
        first.Tags?.map((tag) => tag.Key),
        ['a', 'b'],
      );
      const second = await iam.send(new ListUserTagsCommand({ UserName: 'alice', MaxItems: 2, Marker: first.Marker }));
      assert.deepEqual(
        second.Tags?.map((tag) => tag.Key),
        ['c'],
      );
      assert.equal(second.IsTruncated, false);
    });
  });
});
