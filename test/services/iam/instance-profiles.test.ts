import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  DeleteInstanceProfileCommand,
  GetInstanceProfileCommand,
  type IAMClient,
  ListInstanceProfilesCommand,
  ListInstanceProfilesForRoleCommand,
  ListInstanceProfileTagsCommand,
  RemoveRoleFromInstanceProfileCommand,
  TagInstanceProfileCommand,
  UntagInstanceProfileCommand,
} from '@aws-sdk/client-iam';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertIamError, iamFor, lambdaTrustPolicy } from './iam-helpers.js';

describe('IAM instance profiles', () => {
  let cloud: NimbusCloud;
  let iam: IAMClient;
  before(async () => {
    cloud = await startCloud();
    iam = iamFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await iam.send(new CreateRoleCommand({ RoleName: 'web', AssumeRolePolicyDocument: lambdaTrustPolicy }));
    await iam.send(new CreateRoleCommand({ RoleName: 'worker', AssumeRolePolicyDocument: lambdaTrustPolicy }));
  });

  describe('CreateInstanceProfile', () => {
    test('returns the profile with an AIPA id and no roles', async () => {
      const { InstanceProfile } = await iam.send(
        new CreateInstanceProfileCommand({ InstanceProfileName: 'ip', Path: '/app/' }),
      );
      assert.equal(InstanceProfile?.Arn, 'arn:aws:iam::111111111111:instance-profile/app/ip');
      assert.match(InstanceProfile?.InstanceProfileId ?? '', /^AIPA[A-Z2-7]{17}$/);
      assert.deepEqual(InstanceProfile?.Roles, []);
    });

    test('returns EntityAlreadyExists for a name taken', async () => {
      await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'ip' }));
      await assertIamError(iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'ip' })), {
        code: 'EntityAlreadyExists',
        status: 409,
        message: 'Instance Profile ip already exists.',
      });
    });
  });

  describe('AddRoleToInstanceProfile, RemoveRoleFromInstanceProfile', () => {
    test('holds one role, shown in GetInstanceProfile and ListInstanceProfilesForRole', async () => {
      await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'ip' }));
      await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'ip', RoleName: 'web' }));
      const { InstanceProfile } = await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'ip' }));
      assert.deepEqual(
        InstanceProfile?.Roles?.map((role) => role.RoleName),
        ['web'],
      );
      assert.deepEqual(InstanceProfile?.Tags, []);
      const forRole = await iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: 'web' }));
      assert.deepEqual(
        forRole.InstanceProfiles?.map((profile) => profile.InstanceProfileName),
        ['ip'],
      );
      await assertIamError(
        iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'ip', RoleName: 'worker' })),
        {
          code: 'LimitExceeded',
          status: 409,
          message: 'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1',
        },
      );
      await assertIamError(
        iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'ip', RoleName: 'worker' })),
        { code: 'NoSuchEntity', status: 404, message: 'Role worker in Instance Profile ip cannot be found.' },
      );
      await iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'ip', RoleName: 'web' }));
      const after = await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'ip' }));
      assert.deepEqual(after.InstanceProfile?.Roles, []);
    });

    test('returns NoSuchEntity for a role or a profile that does not exist', async () => {
      await assertIamError(
        iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'nope', RoleName: 'web' })),
        { code: 'NoSuchEntity', status: 404, message: 'Instance Profile nope cannot be found.' },
      );
      await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'ip' }));
      await assertIamError(
        iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'ip', RoleName: 'x' })),
        {
          code: 'NoSuchEntity',
          status: 404,
          message: 'The role with name x cannot be found.',
        },
      );
    });
  });

  describe('DeleteInstanceProfile', () => {
    test('returns DeleteConflict while a role is in the profile', async () => {
      await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'ip' }));
      await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'ip', RoleName: 'web' }));
      await assertIamError(iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: 'ip' })), {
        code: 'DeleteConflict',
        status: 409,
        message: 'Cannot delete entity, must remove roles from instance profile first.',
      });
    });
  });

  describe('ListInstanceProfiles', () => {
    test('pages through profiles in name order', async () => {
      for (const name of ['c', 'a', 'b'])
        await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: name }));
      const first = await iam.send(new ListInstanceProfilesCommand({ MaxItems: 2 }));
      assert.deepEqual(
        first.InstanceProfiles?.map((profile) => profile.InstanceProfileName),
        ['a', 'b'],
      );
      const second = await iam.send(new ListInstanceProfilesCommand({ Marker: first.Marker }));
      assert.deepEqual(
        second.InstanceProfiles?.map((profile) => profile.InstanceProfileName),
        ['c'],
      );
      assert.equal(second.IsTruncated, false);
    });
  });

  describe('TagInstanceProfile, UntagInstanceProfile, ListInstanceProfileTags', () => {
    test('tags and untags a profile', async () => {
      await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'ip', Tags: [{ Key: 'a', Value: '1' }] }));
      await iam.send(new TagInstanceProfileCommand({ InstanceProfileName: 'ip', Tags: [{ Key: 'bb', Value: '2' }] }));
      await iam.send(new UntagInstanceProfileCommand({ InstanceProfileName: 'ip', TagKeys: ['A'] }));
      const { Tags } = await iam.send(new ListInstanceProfileTagsCommand({ InstanceProfileName: 'ip' }));
      assert.deepEqual(Tags, [{ Key: 'bb', Value: '2' }]);
    });
  });
});
