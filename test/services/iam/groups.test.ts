import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  AddUserToGroupCommand,
  CreateGroupCommand,
  CreateUserCommand,
  DeleteGroupCommand,
  GetGroupCommand,
  type IAMClient,
  ListGroupsCommand,
  ListGroupsForUserCommand,
  PutGroupPolicyCommand,
  RemoveUserFromGroupCommand,
  UpdateGroupCommand,
  UpdateUserCommand,
} from '@aws-sdk/client-iam';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertIamError, iamFor, s3ReadPolicy } from './iam-helpers.js';

describe('IAM groups', () => {
  let cloud: NimbusCloud;
  let iam: IAMClient;
  before(async () => {
    cloud = await startCloud();
    iam = iamFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  describe('CreateGroup', () => {
    test('returns the group with an AGPA id', async () => {
      const { Group } = await iam.send(new CreateGroupCommand({ GroupName: 'devs', Path: '/eng/' }));
      assert.equal(Group?.Arn, 'arn:aws:iam::111111111111:group/eng/devs');
      assert.match(Group?.GroupId ?? '', /^AGPA[A-Z2-7]{17}$/);
    });

    test('returns EntityAlreadyExists for a name taken', async () => {
      await iam.send(new CreateGroupCommand({ GroupName: 'devs' }));
      await assertIamError(iam.send(new CreateGroupCommand({ GroupName: 'Devs' })), {
        code: 'EntityAlreadyExists',
        status: 409,
        message: 'Group with name Devs already exists.',
      });
    });
  });

  describe('GetGroup, AddUserToGroup, RemoveUserFromGroup', () => {
    test('returns the group with its users in name order, in pages', async () => {
      await iam.send(new CreateGroupCommand({ GroupName: 'devs' }));
      for (const name of ['carol', 'alice', 'bob']) {
        await iam.send(new CreateUserCommand({ UserName: name }));
        await iam.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName: name }));
      }
      const first = await iam.send(new GetGroupCommand({ GroupName: 'devs', MaxItems: 2 }));
      assert.equal(first.Group?.GroupName, 'devs');
      assert.deepEqual(
        first.Users?.map((user) => user.UserName),
        ['alice', 'bob'],
      );
      assert.equal(first.IsTruncated, true);
      const second = await iam.send(new GetGroupCommand({ GroupName: 'devs', Marker: first.Marker }));
      assert.deepEqual(
        second.Users?.map((user) => user.UserName),
        ['carol'],
      );
      await iam.send(new RemoveUserFromGroupCommand({ GroupName: 'devs', UserName: 'bob' }));
      const after = await iam.send(new GetGroupCommand({ GroupName: 'devs' }));
      assert.deepEqual(
        after.Users?.map((user) => user.UserName),
        ['alice', 'carol'],
      );
    });

    test('returns NoSuchEntity for a group or a user that does not exist', async () => {
      await iam.send(new CreateUserCommand({ UserName: 'alice' }));
      await assertIamError(iam.send(new AddUserToGroupCommand({ GroupName: 'nope', UserName: 'alice' })), {
        code: 'NoSuchEntity',
        status: 404,
        message: 'The group with name nope cannot be found.',
      });
      await iam.send(new CreateGroupCommand({ GroupName: 'devs' }));
      await assertIamError(iam.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName: 'bob' })), {
        code: 'NoSuchEntity',
        status: 404,
        message: 'The user with name bob cannot be found.',
      });
    });

    test('returns LimitExceeded past 10 groups per user', async () => {
      await iam.send(new CreateUserCommand({ UserName: 'alice' }));
      for (let i = 0; i < 11; i++) await iam.send(new CreateGroupCommand({ GroupName: `g${i}` }));
      for (let i = 0; i < 10; i++) await iam.send(new AddUserToGroupCommand({ GroupName: `g${i}`, UserName: 'alice' }));
      await assertIamError(iam.send(new AddUserToGroupCommand({ GroupName: 'g10', UserName: 'alice' })), {
        code: 'LimitExceeded',
        status: 409,
        message: 'Cannot exceed quota for GroupsPerUser: 10',
      });
    });
  });

  describe('ListGroups, ListGroupsForUser', () => {
    test('lists groups under a path, and the groups of a user after it is renamed', async () => {
      await iam.send(new CreateGroupCommand({ GroupName: 'b', Path: '/x/' }));
      await iam.send(new CreateGroupCommand({ GroupName: 'a', Path: '/x/' }));
      await iam.send(new CreateGroupCommand({ GroupName: 'c' }));
      const { Groups } = await iam.send(new ListGroupsCommand({ PathPrefix: '/x/' }));
      assert.deepEqual(
        Groups?.map((group) => group.GroupName),
        ['a', 'b'],
      );
      await iam.send(new CreateUserCommand({ UserName: 'alice' }));
      await iam.send(new AddUserToGroupCommand({ GroupName: 'c', UserName: 'alice' }));
      await iam.send(new AddUserToGroupCommand({ GroupName: 'a', UserName: 'alice' }));
      await iam.send(new UpdateUserCommand({ UserName: 'alice', NewUserName: 'alicia' }));
      const forUser = await iam.send(new ListGroupsForUserCommand({ UserName: 'alicia' }));
      assert.deepEqual(
        forUser.Groups?.map((group) => group.GroupName),
        ['a', 'c'],
      );
    });
  });

  describe('UpdateGroup', () => {
    test('renames the group and moves it to a new path', async () => {
      const created = await iam.send(new CreateGroupCommand({ GroupName: 'devs' }));
      await iam.send(new UpdateGroupCommand({ GroupName: 'devs', NewGroupName: 'builders', NewPath: '/eng/' }));
      const { Group } = await iam.send(new GetGroupCommand({ GroupName: 'builders' }));
      assert.equal(Group?.GroupId, created.Group?.GroupId);
      assert.equal(Group?.Arn, 'arn:aws:iam::111111111111:group/eng/builders');
    });
  });

  describe('DeleteGroup', () => {
    test('returns DeleteConflict while the group has policies or members', async () => {
      await iam.send(new CreateGroupCommand({ GroupName: 'devs' }));
      await iam.send(new CreateUserCommand({ UserName: 'alice' }));
      await iam.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName: 'alice' }));
      await assertIamError(iam.send(new DeleteGroupCommand({ GroupName: 'devs' })), {
        code: 'DeleteConflict',
        status: 409,
        message: 'Cannot delete entity, must remove users from group first.',
      });
      await iam.send(new PutGroupPolicyCommand({ GroupName: 'devs', PolicyName: 'p', PolicyDocument: s3ReadPolicy }));
      await assertIamError(iam.send(new DeleteGroupCommand({ GroupName: 'devs' })), {
        code: 'DeleteConflict',
        status: 409,
        message: 'Cannot delete entity, must delete policies first.',
      });
    });

    test('returns NoSuchEntity for a group that does not exist', async () => {
      await assertIamError(iam.send(new DeleteGroupCommand({ GroupName: 'nope' })), {
        code: 'NoSuchEntity',
        status: 404,
        message: 'The group with name nope cannot be found.',
      });
    });
  });
});
