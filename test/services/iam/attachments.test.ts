import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DetachUserPolicyCommand,
  GetPolicyCommand,
  type IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
} from '@aws-sdk/client-iam';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertIamError, iamFor, lambdaTrustPolicy, s3ReadPolicy } from './iam-helpers.js';

describe('IAM managed policy attachments', () => {
  let cloud: NimbusCloud;
  let iam: IAMClient;
  let policyArn: string;
  before(async () => {
    cloud = await startCloud();
    iam = iamFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: lambdaTrustPolicy }));
    await iam.send(new CreateUserCommand({ UserName: 'alice' }));
    const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'read', PolicyDocument: s3ReadPolicy }));
    policyArn = Policy?.Arn ?? '';
  });

  describe('AttachRolePolicy', () => {
    test('returns ValidationError for a PolicyArn that is not an ARN', async () => {
      for (const arn of ['longpolicynamebutnoarn', 'a-policy-name-given-as-arn']) {
        await assertIamError(iam.send(new AttachRolePolicyCommand({ RoleName: 'r', PolicyArn: arn })), {
          code: 'ValidationError',
          status: 400,
          message: 'Invalid ARN:  Could not be parsed!',
        });
      }
    });

    test('returns NoSuchEntity for a policy that does not exist', async () => {
      const arn = `${policyArn}123`;
      await assertIamError(iam.send(new AttachRolePolicyCommand({ RoleName: 'r', PolicyArn: arn })), {
        code: 'NoSuchEntity',
        status: 404,
        message: `Policy ${arn} does not exist or is not attachable.`,
      });
    });

    test('returns NoSuchEntity for an AWS managed policy Nimbus does not have', async () => {
      const arn = 'arn:aws:iam::aws:policy/NoSuchPolicyAtAll';
      await assertIamError(iam.send(new AttachRolePolicyCommand({ RoleName: 'r', PolicyArn: arn })), {
        code: 'NoSuchEntity',
        status: 404,
        message: `Policy ${arn} does not exist or is not attachable.`,
      });
    });

    test('attaches once however often it is asked, and counts the attachment', async () => {
      await iam.send(new AttachRolePolicyCommand({ RoleName: 'r', PolicyArn: policyArn }));
      await iam.send(new AttachRolePolicyCommand({ RoleName: 'r', PolicyArn: policyArn }));
      const { AttachedPolicies } = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'r' }));
      assert.deepEqual(AttachedPolicies, [{ PolicyName: 'read', PolicyArn: policyArn }]);
      const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: policyArn }));
      assert.equal(Policy?.AttachmentCount, 1);
    });

    test('returns LimitExceeded past 10 managed policies', async () => {
      for (let i = 0; i < 10; i++) {
        const { Policy } = await iam.send(
          new CreatePolicyCommand({ PolicyName: `p${i}`, PolicyDocument: s3ReadPolicy }),
        );
        await iam.send(new AttachRolePolicyCommand({ RoleName: 'r', PolicyArn: Policy?.Arn }));
      }
      await assertIamError(iam.send(new AttachRolePolicyCommand({ RoleName: 'r', PolicyArn: policyArn })), {
        code: 'LimitExceeded',
        status: 409,
        message: 'Cannot exceed quota for PoliciesPerRole: 10',
      });
    });

    test('returns NoSuchEntity for a role that does not exist', async () => {
      await assertIamError(iam.send(new AttachRolePolicyCommand({ RoleName: 'nope', PolicyArn: policyArn })), {
        code: 'NoSuchEntity',
        status: 404,
        message: 'The role with name nope cannot be found.',
      });
    });
  });

  describe('AttachUserPolicy, DetachUserPolicy, ListAttachedUserPolicies', () => {
    test('lists attachments in the order made, filtered by PathPrefix and paged', async () => {
      const lambda = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
      const admin = 'arn:aws:iam::aws:policy/AdministratorAccess';
      for (const arn of [lambda, policyArn, admin]) {
        await iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: arn }));
      }
      const first = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'alice', MaxItems: 2 }));
      assert.deepEqual(
        first.AttachedPolicies?.map((policy) => policy.PolicyName),
        ['AWSLambdaBasicExecutionRole', 'read'],
      );
      assert.equal(first.IsTruncated, true);
      const second = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'alice', Marker: first.Marker }));
      assert.deepEqual(
        second.AttachedPolicies?.map((policy) => policy.PolicyName),
        ['AdministratorAccess'],
      );
      const servicePath = await iam.send(
        new ListAttachedUserPoliciesCommand({ UserName: 'alice', PathPrefix: '/service-role/' }),
      );
      assert.deepEqual(
        servicePath.AttachedPolicies?.map((policy) => policy.PolicyName),
        ['AWSLambdaBasicExecutionRole'],
      );
    });

    test('returns NoSuchEntity detaching a policy that is not attached', async () => {
      await assertIamError(iam.send(new DetachUserPolicyCommand({ UserName: 'alice', PolicyArn: policyArn })), {
        code: 'NoSuchEntity',
        status: 404,
        message: `Policy ${policyArn} was not found.`,
      });
    });
  });

  describe('AttachGroupPolicy', () => {
    test('attaches a policy to a group', async () => {
      await iam.send(new CreateGroupCommand({ GroupName: 'devs' }));
      await iam.send(new AttachGroupPolicyCommand({ GroupName: 'devs', PolicyArn: policyArn }));
      const { AttachedPolicies } = await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: 'devs' }));
      assert.deepEqual(AttachedPolicies, [{ PolicyName: 'read', PolicyArn: policyArn }]);
    });
  });
});
