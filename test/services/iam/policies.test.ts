import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeletePolicyCommand,
  DetachRolePolicyCommand,
  GetPolicyCommand,
  type IAMClient,
  ListEntitiesForPolicyCommand,
  ListPoliciesCommand,
  ListPolicyTagsCommand,
  TagPolicyCommand,
  UntagPolicyCommand,
} from '@aws-sdk/client-iam';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertIamError, iamFor, lambdaTrustPolicy, s3ReadPolicy } from './iam-helpers.js';

const account = '111111111111';
const malformed = (message: string) => ({ code: 'MalformedPolicyDocument', status: 400, message });

describe('IAM managed policies', () => {
  let cloud: NimbusCloud;
  let iam: IAMClient;
  before(async () => {
    cloud = await startCloud();
    iam = iamFor(cloud, account);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  describe('CreatePolicy', () => {
    test('returns the policy at v1 with no attachments and no description', async () => {
      const { Policy } = await iam.send(
        new CreatePolicyCommand({ PolicyName: 'read', Path: '/app/', PolicyDocument: s3ReadPolicy, Description: 'd' }),
      );
      assert.equal(Policy?.Arn, `arn:aws:iam::${account}:policy/app/read`);
      assert.match(Policy?.PolicyId ?? '', /^ANPA[A-Z2-7]{17}$/);
      assert.equal(Policy?.DefaultVersionId, 'v1');
      assert.equal(Policy?.AttachmentCount, 0);
      assert.equal(Policy?.PermissionsBoundaryUsageCount, 0);
      assert.equal(Policy?.IsAttachable, true);
      assert.equal(Policy?.Description, undefined);
      assert.ok(Policy?.CreateDate instanceof Date);
      assert.deepEqual(Policy?.UpdateDate, Policy?.CreateDate);
    });

    test('returns EntityAlreadyExists for a policy name taken', async () => {
      await iam.send(new CreatePolicyCommand({ PolicyName: 'read', PolicyDocument: s3ReadPolicy }));
      await assertIamError(
        iam.send(new CreatePolicyCommand({ PolicyName: 'read', Path: '/other/', PolicyDocument: s3ReadPolicy })),
        {
          code: 'EntityAlreadyExists',
          status: 409,
          message: 'A policy called read already exists. Duplicate names are not allowed.',
        },
      );
    });

    test('returns MalformedPolicyDocument in the words IAM uses', async () => {
      const statement = (extra: Record<string, unknown>) =>
        JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', ...extra }] });
      const cases: Array<[string, string]> = [
        ['{not json', 'Syntax errors in policy.'],
        ['{"Version":"2012-10-17"}', 'Syntax errors in policy.'],
        [
          JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }),
          'Policy document must be version 2012-10-17 or greater.',
        ],
        [
          statement({ Principal: '*', Action: 's3:*', Resource: '*' }),
          'Policy document should not specify a principal.',
        ],
        [statement({ Resource: '*' }), 'Policy statement must contain actions.'],
        [statement({ Action: 's3:*' }), 'Policy statement must contain resources.'],
        [
          statement({ Action: 'GetObject', Resource: '*' }),
          'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
        ],
      ];
      for (const [document, message] of cases) {
        await assertIamError(
          iam.send(new CreatePolicyCommand({ PolicyName: 'p', PolicyDocument: document })),
          malformed(message),
        );
      }
    });
  });

  describe('GetPolicy', () => {
    test('returns the description, tags and a live AttachmentCount', async () => {
      const { Policy } = await iam.send(
        new CreatePolicyCommand({
          PolicyName: 'read',
          PolicyDocument: s3ReadPolicy,
          Description: 'reads',
          Tags: [{ Key: 'k', Value: 'v' }],
        }),
      );
      await iam.send(new CreateUserCommand({ UserName: 'alice' }));
      await iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: Policy?.Arn }));
      const got = await iam.send(new GetPolicyCommand({ PolicyArn: Policy?.Arn }));
      assert.equal(got.Policy?.Description, 'reads');
      assert.deepEqual(got.Policy?.Tags, [{ Key: 'k', Value: 'v' }]);
      assert.equal(got.Policy?.AttachmentCount, 1);
    });

    test('returns an AWS managed policy in every account', async () => {
      for (const client of [iam, iamFor(cloud, '222222222222')]) {
        const { Policy } = await client.send(
          new GetPolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' }),
        );
        assert.equal(Policy?.PolicyName, 'AWSLambdaBasicExecutionRole');
        assert.equal(Policy?.Path, '/service-role/');
        assert.equal(Policy?.DefaultVersionId, 'v1');
        assert.equal(Policy?.Description, 'Provides write permissions to CloudWatch Logs.');
        assert.equal(Policy?.AttachmentCount, 0);
      }
    });

    test('returns NoSuchEntity for an AWS managed policy that does not exist', async () => {
      const arn = 'arn:aws:iam::aws:policy/NoSuchManagedPolicy';
      await assertIamError(iam.send(new GetPolicyCommand({ PolicyArn: arn })), {
        code: 'NoSuchEntity',
        status: 404,
        message: `Policy ${arn} was not found.`,
      });
    });

    test("does not show another account's policy", async () => {
      const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'read', PolicyDocument: s3ReadPolicy }));
      await assertIamError(iamFor(cloud, '222222222222').send(new GetPolicyCommand({ PolicyArn: Policy?.Arn })), {
        code: 'NoSuchEntity',
        status: 404,
        message: `Policy ${Policy?.Arn} was not found.`,
      });
    });
  });

  describe('DeletePolicy', () => {
    test('returns NoSuchEntity for a policy that does not exist', async () => {
      const arn = `arn:aws:iam::${account}:policy/non-existent-policy`;
      await assertIamError(iam.send(new DeletePolicyCommand({ PolicyArn: arn })), {
        code: 'NoSuchEntity',
        status: 404,
        message: `Policy ${arn} was not found.`,
      });
    });

    test('returns DeleteConflict while the policy is attached, then deletes it', async () => {
      const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'read', PolicyDocument: s3ReadPolicy }));
      await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: lambdaTrustPolicy }));
      await iam.send(new AttachRolePolicyCommand({ RoleName: 'r', PolicyArn: Policy?.Arn }));
      await assertIamError(iam.send(new DeletePolicyCommand({ PolicyArn: Policy?.Arn })), {
        code: 'DeleteConflict',
        status: 409,
        message: 'Cannot delete a policy attached to entities.',
      });
      await iam.send(new DetachRolePolicyCommand({ RoleName: 'r', PolicyArn: Policy?.Arn }));
      await iam.send(new DeletePolicyCommand({ PolicyArn: Policy?.Arn }));
      await assert.rejects(iam.send(new GetPolicyCommand({ PolicyArn: Policy?.Arn })));
    });

    test('returns AccessDenied for an AWS managed policy', async () => {
      await assertIamError(
        iam.send(new DeletePolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' })),
        { code: 'AccessDenied', status: 403, message: 'Cannot delete policies outside your own account.' },
      );
    });
  });

  describe('ListPolicies', () => {
    test('lists local policies with Scope=Local, in pages', async () => {
      for (const name of ['b', 'c', 'a']) {
        await iam.send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: s3ReadPolicy }));
      }
      const first = await iam.send(new ListPoliciesCommand({ Scope: 'Local', MaxItems: 2 }));
      assert.deepEqual(
        first.Policies?.map((policy) => policy.PolicyName),
        ['a', 'b'],
      );
      assert.equal(first.IsTruncated, true);
      const second = await iam.send(new ListPoliciesCommand({ Scope: 'Local', MaxItems: 2, Marker: first.Marker }));
      assert.deepEqual(
        second.Policies?.map((policy) => policy.PolicyName),
        ['c'],
      );
      assert.equal(second.IsTruncated, false);
    });

    test('lists the AWS managed policies with Scope=AWS and pages from local into AWS ones with Scope=All', async () => {
      const aws = await iam.send(new ListPoliciesCommand({ Scope: 'AWS' }));
      const names = aws.Policies?.map((policy) => policy.PolicyName) ?? [];
      assert.ok(names.includes('AdministratorAccess'));
      assert.ok(names.includes('AWSLambdaBasicExecutionRole'));
      assert.ok(aws.Policies?.every((policy) => policy.Arn?.startsWith('arn:aws:iam::aws:policy/')));
      await iam.send(new CreatePolicyCommand({ PolicyName: 'mine', PolicyDocument: s3ReadPolicy }));
      const first = await iam.send(new ListPoliciesCommand({ MaxItems: 2 }));
      assert.deepEqual(
        first.Policies?.map((policy) => policy.PolicyName),
        ['mine', names[0]],
      );
      const rest = await iam.send(new ListPoliciesCommand({ Marker: first.Marker }));
      assert.deepEqual(
        rest.Policies?.map((policy) => policy.PolicyName),
        names.slice(1),
      );
    });

    test('keeps only attached policies with OnlyAttached, and those under PathPrefix', async () => {
      await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: lambdaTrustPolicy }));
      const arn = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
      await iam.send(new AttachRolePolicyCommand({ RoleName: 'r', PolicyArn: arn }));
      await iam.send(new CreatePolicyCommand({ PolicyName: 'unused', PolicyDocument: s3ReadPolicy }));
      const attached = await iam.send(new ListPoliciesCommand({ OnlyAttached: true }));
      assert.deepEqual(
        attached.Policies?.map((policy) => [policy.PolicyName, policy.AttachmentCount]),
        [['AWSLambdaBasicExecutionRole', 1]],
      );
      const underPath = await iam.send(new ListPoliciesCommand({ PathPrefix: '/service-role/' }));
      assert.ok(underPath.Policies?.every((policy) => policy.Path === '/service-role/'));
      assert.ok((underPath.Policies?.length ?? 0) > 0);
    });
  });

  describe('TagPolicy, UntagPolicy, ListPolicyTags', () => {
    test('treats keys that differ in case as different tags', async () => {
      const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'p', PolicyDocument: s3ReadPolicy }));
      const tags = [
        { Key: 'env', Value: '1' },
        { Key: 'ENV', Value: '2' },
      ];
      await iam.send(new TagPolicyCommand({ PolicyArn: Policy?.Arn, Tags: tags }));
      await iam.send(new UntagPolicyCommand({ PolicyArn: Policy?.Arn, TagKeys: ['env'] }));
      const listed = await iam.send(new ListPolicyTagsCommand({ PolicyArn: Policy?.Arn }));
      assert.deepEqual(listed.Tags, [{ Key: 'ENV', Value: '2' }]);
    });
  });

  describe('ListEntitiesForPolicy', () => {
    test('lists the users and roles a policy is attached to', async () => {
      const arn = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
      await assertIamError(iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn })), {
        code: 'NoSuchEntity',
        status: 404,
        message: `Policy ${arn} does not exist or is not attachable.`,
      });
      const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'p', PolicyDocument: s3ReadPolicy }));
      const user = await iam.send(new CreateUserCommand({ UserName: 'alice' }));
      const role = await iam.send(
        new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: lambdaTrustPolicy }),
      );
      await iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: Policy?.Arn }));
      await iam.send(new AttachRolePolicyCommand({ RoleName: 'r', PolicyArn: Policy?.Arn }));
      const entities = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: Policy?.Arn }));
      assert.deepEqual(entities.PolicyUsers, [{ UserName: 'alice', UserId: user.User?.UserId }]);
      assert.deepEqual(entities.PolicyRoles, [{ RoleName: 'r', RoleId: role.Role?.RoleId }]);
      assert.deepEqual(entities.PolicyGroups, []);
      const roles = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: Policy?.Arn, EntityFilter: 'Role' }));
      assert.deepEqual(roles.PolicyUsers, []);
      assert.equal(roles.PolicyRoles?.length, 1);
    });
  });
});
