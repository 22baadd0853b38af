import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  AddRoleToInstanceProfileCommand,
  AttachRolePolicyCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  type IAMClient,
  ListRolesCommand,
  ListRoleTagsCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
  UpdateRoleDescriptionCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig, startCloud } from '../../helpers/cloud.js';
import { assertIamError, decoded, iamFor, lambdaTrustPolicy, s3ReadPolicy } from './iam-helpers.js';

function trustWith(statement: Record<string, unknown>): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
}

const malformed = (message: string) => ({ code: 'MalformedPolicyDocument', status: 400, message });

describe('IAM roles', () => {
  let cloud: NimbusCloud;
  let iam: IAMClient;
  before(async () => {
    cloud = await startCloud();
    iam = iamFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  describe('CreateRole', () => {
    test('returns the role without MaxSessionDuration and RoleLastUsed, its trust policy URL-encoded', async () => {
      const { Role } = await iam.send(
        new CreateRoleCommand({
          RoleName: 'fn-role',
          Path: '/service/',
          AssumeRolePolicyDocument: lambdaTrustPolicy,
          Tags: [{ Key: 'test', Value: 'value' }],
        }),
      );
      assert.equal(Role?.Arn, 'arn:aws:iam::111111111111:role/service/fn-role');
      assert.match(Role?.RoleId ?? '', /^AROA[A-Z2-7]{17}$/);
      assert.equal(Role?.AssumeRolePolicyDocument, encodeURIComponent(lambdaTrustPolicy));
      assert.deepEqual(decoded(Role?.AssumeRolePolicyDocument), JSON.parse(lambdaTrustPolicy));
      assert.equal(Role?.MaxSessionDuration, undefined);
      assert.equal(Role?.RoleLastUsed, undefined);
      assert.deepEqual(Role?.Tags, [{ Key: 'test', Value: 'value' }]);
    });

    test('encodes a percent sign already in the document, so that it survives decoding', async () => {
      const trust = trustWith({
        Effect: 'Allow',
        Principal: { Service: 'lambda.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceArn': 'arn%3Aaws%3Aapigateway' } },
      });
      const { Role } = await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: trust }));
      assert.match(Role?.AssumeRolePolicyDocument ?? '', /arn%253Aaws%253Aapigateway/);
      assert.equal(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? ''), trust);
    });

    test('returns MalformedPolicyDocument for a trust policy that is not JSON', async () => {
      await assertIamError(
        iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: '{"Version": "2012-10-17"' })),
        malformed('This policy contains invalid Json'),
      );
    });

    test('returns MalformedPolicyDocument for empty statements, missing principals and resources', async () => {
      const cases: Array<[string, string]> = [
        ['{"Version":"2012-10-17","Statement":[]}', 'Could not parse the policy: Statement is empty!'],
        [trustWith({ Effect: 'Allow', Action: 'sts:AssumeRole' }), 'Missing required field Principal'],
        [
          trustWith({ Effect: 'Allow', Principal: {}, Action: 'sts:AssumeRole' }),
          'Missing required field Principal cannot be empty!',
        ],
        [
          trustWith({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Resource: '*' }),
          'Has prohibited field Resource',
        ],
        [
          trustWith({ Effect: 'Allow', Principal: { AWS: '*' }, Action: '*' }),
          'AssumeRole policy may only specify STS AssumeRole actions.',
        ],
      ];
      for (const [document, message] of cases) {
        await assertIamError(
          iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: document })),
          malformed(message),
        );
      }
    });

    test('returns LimitExceeded for a trust policy over 2048 characters', async () => {
      const trust = trustWith({
        Sid: 'x'.repeat(2100),
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 'sts:AssumeRole',
      });
      await assertIamError(iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: trust })), {
        code: 'LimitExceeded',
        status: 409,
        message: 'Cannot exceed quota for ACLSizePerRole: 2048',
      });
    });

    test('returns ValidationError for a MaxSessionDuration under an hour', async () => {
      await assertIamError(
        iam.send(
          new CreateRoleCommand({
            RoleName: 'r',
            AssumeRolePolicyDocument: lambdaTrustPolicy,
            MaxSessionDuration: 3599,
          }),
        ),
        {
          code: 'ValidationError',
          status: 400,
          message:
            "1 validation error detected: Value at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600",
        },
      );
    });

    test('returns EntityAlreadyExists for a role name taken in any case', async () => {
      await iam.send(new CreateRoleCommand({ RoleName: 'my-role', AssumeRolePolicyDocument: lambdaTrustPolicy }));
      await assertIamError(
        iam.send(new CreateRoleCommand({ RoleName: 'MY-ROLE', AssumeRolePolicyDocument: lambdaTrustPolicy })),
        { code: 'EntityAlreadyExists', status: 409, message: 'Role with name MY-ROLE already exists.' },
      );
    });
  });

  describe('GetRole', () => {
    test('returns MaxSessionDuration, Description, tags and an empty RoleLastUsed', async () => {
      await iam.send(
        new CreateRoleCommand({
          RoleName: 'r',
          AssumeRolePolicyDocument: lambdaTrustPolicy,
          Description: 'runs functions',
          MaxSessionDuration: 7200,
          Tags: [{ Key: 'k', Value: 'v' }],
        }),
      );
      const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'r' }));
      assert.equal(Role?.MaxSessionDuration, 7200);
      assert.equal(Role?.Description, 'runs functions');
      assert.deepEqual(Role?.RoleLastUsed, {});
      assert.deepEqual(Role?.Tags, [{ Key: 'k', Value: 'v' }]);
    });

    test('returns NoSuchEntity for a role that does not exist', async () => {
      await assertIamError(iam.send(new GetRoleCommand({ RoleName: 'nope' })), {
        code: 'NoSuchEntity',
        status: 404,
        message: 'The role with name nope cannot be found.',
      });
    });

    test('lends its MaxSessionDuration to STS AssumeRole', async () => {
      await iam.send(
        new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: lambdaTrustPolicy, MaxSessionDuration: 3600 }),
      );
      const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'r' }));
      const sts = new STSClient(clientConfig(cloud, { accessKeyId: '111111111111' }));
      const assumed = await sts.send(
        new AssumeRoleCommand({ RoleArn: Role?.Arn, RoleSessionName: 'session', DurationSeconds: 3600 }),
      );
      assert.equal(assumed.AssumedRoleUser?.AssumedRoleId, `${Role?.RoleId}:session`);
      await assert.rejects(
        sts.send(new AssumeRoleCommand({ RoleArn: Role?.Arn, RoleSessionName: 'session', DurationSeconds: 7200 })),
      );
    });
  });

  describe('ListRoles', () => {
    test('lists roles with MaxSessionDuration but without tags or RoleLastUsed, in pages', async () => {
      for (const name of ['c', 'a', 'b']) {
        await iam.send(
          new CreateRoleCommand({
            RoleName: name,
            AssumeRolePolicyDocument: lambdaTrustPolicy,
            Tags: [{ Key: 'k', Value: 'v' }],
          }),
        );
      }
      const first = await iam.send(new ListRolesCommand({ MaxItems: 2 }));
      assert.deepEqual(
        first.Roles?.map((role) => role.RoleName),
        ['a', 'b'],
      );
      assert.equal(first.Roles?.[0]?.MaxSessionDuration, 3600);
      assert.equal(first.Roles?.[0]?.Tags, undefined);
      assert.equal(first.Roles?.[0]?.RoleLastUsed, undefined);
      assert.equal(first.IsTruncated, true);
      const second = await iam.send(new ListRolesCommand({ MaxItems: 2, Marker: first.Marker }));
      assert.deepEqual(
        second.Roles?.map((role) => role.RoleName),
        ['c'],
      );
    });

    test('keeps the roles under PathPrefix', async () => {
      await iam.send(
        new CreateRoleCommand({ RoleName: 'a', Path: '/x/', AssumeRolePolicyDocument: lambdaTrustPolicy }),
      );
      await iam.send(new CreateRoleCommand({ RoleName: 'b', AssumeRolePolicyDocument: lambdaTrustPolicy }));
      const { Roles } = await iam.send(new ListRolesCommand({ PathPrefix: '/x/' }));
      assert.deepEqual(
        Roles?.map((role) => role.RoleName),
        ['a'],
      );
    });
  });

  describe('UpdateRole, UpdateRoleDescription, UpdateAssumeRolePolicy', () => {
    test('changes the description, the session limit and the trust policy', async () => {
      await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: lambdaTrustPolicy }));
      await iam.send(new UpdateRoleCommand({ RoleName: 'r', MaxSessionDuration: 43200 }));
      const described = await iam.send(new UpdateRoleDescriptionCommand({ RoleName: 'r', Description: 'new' }));
      assert.equal(described.Role?.Description, 'new');
      assert.equal(described.Role?.MaxSessionDuration, undefined);
      const trust = trustWith({
        Effect: 'Allow',
        Principal: { Service: 'ec2.amazonaws.com' },
        Action: 'sts:AssumeRole',
      });
      await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'r', PolicyDocument: trust }));
      const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'r' }));
      assert.equal(Role?.MaxSessionDuration, 43200);
      assert.equal(Role?.Description, 'new');
      assert.equal(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? ''), trust);
    });

    test('returns MalformedPolicyDocument for a new trust policy that is not JSON', async () => {
      await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: lambdaTrustPolicy }));
      await assertIamError(
        iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'r', PolicyDocument: 'nope' })),
        malformed('This policy contains invalid Json'),
      );
    });
  });

  describe('DeleteRole', () => {
    test('returns DeleteConflict while policies or instance profiles hold the role', async () => {
      await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: lambdaTrustPolicy }));
      const arn = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
      await iam.send(new AttachRolePolicyCommand({ RoleName: 'r', PolicyArn: arn }));
      await iam.send(new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'p', PolicyDocument: s3ReadPolicy }));
      await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'ip' }));
      await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'ip', RoleName: 'r' }));
      const conflict = (message: string) => ({ code: 'DeleteConflict', status: 409, message });
      await assertIamError(
        iam.send(new DeleteRoleCommand({ RoleName: 'r' })),
        conflict('Cannot delete entity, must detach all policies first.'),
      );
      await iam.send(new DetachRolePolicyCommand({ RoleName: 'r', PolicyArn: arn }));
      await assertIamError(
        iam.send(new DeleteRoleCommand({ RoleName: 'r' })),
        conflict('Cannot delete entity, must delete policies first.'),
      );
      await iam.send(new DeleteRolePolicyCommand({ RoleName: 'r', PolicyName: 'p' }));
      await assertIamError(
        iam.send(new DeleteRoleCommand({ RoleName: 'r' })),
        conflict('Cannot delete entity, must remove roles from instance profile first.'),
      );
    });

    test('deletes the role', async () => {
      await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: lambdaTrustPolicy }));
      await iam.send(new DeleteRoleCommand({ RoleName: 'r' }));
      await assertIamError(iam.send(new GetRoleCommand({ RoleName: 'r' })), {
        code: 'NoSuchEntity',
        status: 404,
        message: 'The role with name r cannot be found.',
      });
    });
  });

  describe('TagRole, UntagRole, ListRoleTags', () => {
    test('merges, removes and lists tags', async () => {
      await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: lambdaTrustPolicy }));
      await iam.send(
        new TagRoleCommand({
          RoleName: 'r',
          Tags: [
            { Key: 'b', Value: '1' },
            { Key: 'a', Value: '2' },
          ],
        }),
      );
      await iam.send(new TagRoleCommand({ RoleName: 'r', Tags: [{ Key: 'B', Value: '3' }] }));
      await iam.send(new UntagRoleCommand({ RoleName: 'r', TagKeys: ['a'] }));
      const { Tags, IsTruncated } = await iam.send(new ListRoleTagsCommand({ RoleName: 'r' }));
      assert.deepEqual(Tags, [{ Key: 'B', Value: '3' }]);
      assert.equal(IsTruncated, false);
    });

    test('returns NoSuchEntity for a role that does not exist', async () => {
      await assertIamError(iam.send(new TagRoleCommand({ RoleName: 'nope', Tags: [{ Key: 'k', Value: 'v' }] })), {
        code: 'NoSuchEntity',
        status: 404,
        message: 'The role with name nope cannot be found.',
      });
    });
  });
});
