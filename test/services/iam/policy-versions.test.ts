import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  type IAMClient,
  ListPolicyVersionsCommand,
  SetDefaultPolicyVersionCommand,
} from '@aws-sdk/client-iam';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertIamError, decoded, iamFor, s3ReadPolicy } from './iam-helpers.js';

const writePolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::bucket/*' }],
});

describe('IAM policy versions', () => {
  let cloud: NimbusCloud;
  let iam: IAMClient;
  let arn: string;
  before(async () => {
    cloud = await startCloud();
    iam = iamFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'p', PolicyDocument: s3ReadPolicy }));
    arn = Policy?.Arn ?? '';
  });

  describe('CreatePolicyVersion', () => {
    test('adds v2, and makes it the default with SetAsDefault', async () => {
      const { PolicyVersion } = await iam.send(
        new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: writePolicy, SetAsDefault: true }),
      );
      assert.equal(PolicyVersion?.VersionId, 'v2');
      assert.equal(PolicyVersion?.IsDefaultVersion, true);
      assert.equal(PolicyVersion?.Document, undefined);
      const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
      assert.equal(Policy?.DefaultVersionId, 'v2');
    });

    test('returns LimitExceeded past 5 versions', async () => {
      for (let i = 0; i < 4; i++) {
        await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: writePolicy }));
      }
      await assertIamError(iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: writePolicy })), {
        code: 'LimitExceeded',
        status: 409,
        message:
          'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.',
      });
    });

    test('returns NoSuchEntity for a policy that does not exist', async () => {
      const missing = 'arn:aws:iam::111111111111:policy/missing';
      await assertIamError(
        iam.send(new CreatePolicyVersionCommand({ PolicyArn: missing, PolicyDocument: writePolicy })),
        {
          code: 'NoSuchEntity',
          status: 404,
          message: `Policy ${missing} was not found.`,
        },
      );
    });
  });

  describe('GetPolicyVersion', () => {
    test('returns the document URL-encoded, as it was given', async () => {
      const pretty = JSON.stringify(JSON.parse(writePolicy), null, 2);
      await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: pretty }));
      const { PolicyVersion } = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' }));
      assert.equal(PolicyVersion?.IsDefaultVersion, false);
      assert.equal(decodeURIComponent(PolicyVersion?.Document ?? ''), pretty);
      assert.match(PolicyVersion?.Document ?? '', /%0A%20%20/);
    });

    test("returns an AWS managed policy's default version", async () => {
      const { PolicyVersion } = await iam.send(
        new GetPolicyVersionCommand({ PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess', VersionId: 'v1' }),
      );
      assert.deepEqual(decoded(PolicyVersion?.Document), {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
      });
    });

    test('returns NoSuchEntity for a version that does not exist', async () => {
      await assertIamError(iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v9' })), {
        code: 'NoSuchEntity',
        status: 404,
        message: `Policy ${arn} version v9 does not exist or is not attachable.`,
      });
    });
  });

  describe('ListPolicyVersions', () => {
    test('lists versions newest first, in pages', async () => {
      await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: writePolicy }));
      await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: writePolicy }));
      const first = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn, MaxItems: 2 }));
      assert.deepEqual(
        first.Versions?.map((version) => [version.VersionId, version.IsDefaultVersion]),
        [
          ['v3', false],
          ['v2', false],
        ],
      );
      const second = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn, Marker: first.Marker }));
      assert.deepEqual(
        second.Versions?.map((version) => [version.VersionId, version.IsDefaultVersion]),
        [['v1', true]],
      );
    });
  });

  describe('DeletePolicyVersion, SetDefaultPolicyVersion', () => {
    test('refuses to delete the default version, and deletes the others', async () => {
      await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: writePolicy }));
      await assertIamError(iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' })), {
        code: 'DeleteConflict',
        status: 409,
        message: 'Cannot delete the default version of a policy.',
      });
      await iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' }));
      await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
      const { Versions } = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }));
      assert.deepEqual(
        Versions?.map((version) => version.VersionId),
        ['v2'],
      );
    });

    test('returns NoSuchEntity when setting a default version that does not exist', async () => {
      await assertIamError(iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v7' })), {
        code: 'NoSuchEntity',
        status: 404,
        message: `Policy ${arn} version v7 does not exist or is not attachable.`,
      });
    });
  });

  describe('DeletePolicy', () => {
    test('returns DeleteConflict while the policy has versions besides the default', async () => {
      await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: writePolicy }));
      await assertIamError(iam.send(new DeletePolicyCommand({ PolicyArn: arn })), {
        code: 'DeleteConflict',
        status: 409,
        message:
          "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
      });
    });
  });
});
