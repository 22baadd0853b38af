import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CreateGroupCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteRolePolicyCommand,
  GetGroupPolicyCommand,
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  type IAMClient,
  ListRolePoliciesCommand,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertIamError, iamFor, lambdaTrustPolicy, s3ReadPolicy } from './iam-helpers.js';

/** A document holding a percent-encoded ARN, as in test_iam.snapshot.json's TestIAMPolicyEncoding. */
const encodedArnPolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['apigatway:PUT'],
      Resource: ['arn:aws:apigateway:us-east-1::/tags/arn%3Aaws%3Aapigateway%3Aus-east-1%3A%3A%2Frestapis%2Faaeeieije'],
    },
  ],
});

describe('IAM inline policies', () => {
  let cloud: NimbusCloud;
  let iam: IAMClient;
  before(async () => {
    cloud = await startCloud();
    iam = iamFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await iam.send(new CreateUserCommand({ UserName: 'alice' }));
    await iam.send(new CreateGroupCommand({ GroupName: 'devs' }));
    await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: lambdaTrustPolicy }));
  });

  describe('PutUserPolicy, GetUserPolicy', () => {
    test('returns the document URL-encoded (RFC 3986), a percent sign in it encoded again', async () => {
      await iam.send(
        new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'p', PolicyDocument: encodedArnPolicy }),
      );
      const policy = await iam.send(new GetUserPolicyCommand({ UserName: 'alice', PolicyName: 'p' }));
      assert.equal(policy.UserName, 'alice');
      assert.equal(policy.PolicyName, 'p');
      assert.match(policy.PolicyDocument ?? '', /arn%253Aaws%253Aapigateway/);
      assert.equal(decodeURIComponent(policy.PolicyDocument ?? ''), encodedArnPolicy);
    });

    test('encodes the characters encodeURIComponent leaves', async () => {
      const document = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: "arn:aws:s3:::bucket/it's(all)*!" }],
      });
      await iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'p', PolicyDocument: document }));
      const { PolicyDocument } = await iam.send(new GetUserPolicyCommand({ UserName: 'alice', PolicyName: 'p' }));
      assert.match(PolicyDocument ?? '', /it%27s%28all%29%2A%21/);
    });

    test('returns NoSuchEntity for the user before looking at the document', async () => {
      await assertIamError(
        iam.send(new PutUserPolicyCommand({ UserName: 'nobody', PolicyName: 'p', PolicyDocument: '{not json' })),
        { code: 'NoSuchEntity', status: 404, message: 'The user with name nobody cannot be found.' },
      );
    });

    test('returns MalformedPolicyDocument for a document that is not JSON', async () => {
      await assertIamError(
        iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'p', PolicyDocument: '{not json' })),
        { code: 'MalformedPolicyDocument', status: 400, message: 'Syntax errors in policy.' },
      );
    });

    test("returns LimitExceeded past 2048 characters of a user's inline policies", async () => {
      const big = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Sid: 'x'.repeat(2000), Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
      });
      await assertIamError(
        iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'p', PolicyDocument: big })),
        {
          code: 'LimitExceeded',
          status: 409,
          message: 'Maximum policy size of 2048 bytes exceeded for user alice',
        },
      );
    });

    test('returns NoSuchEntity for a policy the user does not have', async () => {
      await assertIamError(iam.send(new GetUserPolicyCommand({ UserName: 'alice', PolicyName: 'none' })), {
        code: 'NoSuchEntity',
        status: 404,
        message: 'The user policy with name none cannot be found.',
      });
    });
  });

  describe('PutGroupPolicy, GetGroupPolicy', () => {
    test('stores and returns a group policy', async () => {
      await iam.send(new PutGroupPolicyCommand({ GroupName: 'devs', PolicyName: 'p', PolicyDocument: s3ReadPolicy }));
      const policy = await iam.send(new GetGroupPolicyCommand({ GroupName: 'devs', PolicyName: 'p' }));
      assert.equal(policy.GroupName, 'devs');
      assert.equal(decodeURIComponent(policy.PolicyDocument ?? ''), s3ReadPolicy);
    });
  });

  describe('PutRolePolicy, GetRolePolicy, ListRolePolicies, DeleteRolePolicy', () => {
    test('replaces a policy of the same name, lists names in order and pages them', async () => {
      for (const name of ['b', 'a', 'c']) {
        await iam.send(new PutRolePolicyCommand({ RoleName: 'r', PolicyName: name, PolicyDocument: s3ReadPolicy }));
      }
      await iam.send(new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'a', PolicyDocument: encodedArnPolicy }));
      const got = await iam.send(new GetRolePolicyCommand({ RoleName: 'r', PolicyName: 'a' }));
      assert.equal(decodeURIComponent(got.PolicyDocument ?? ''), encodedArnPolicy);
      const first = await iam.send(new ListRolePoliciesCommand({ RoleName: 'r', MaxItems: 2 }));
      assert.deepEqual(first.PolicyNames, ['a', 'b']);
      assert.equal(first.IsTruncated, true);
      const second = await iam.send(new ListRolePoliciesCommand({ RoleName: 'r', Marker: first.Marker }));
      assert.deepEqual(second.PolicyNames, ['c']);
      assert.equal(second.IsTruncated, false);
    });

    test('returns NoSuchEntity deleting a policy twice', async () => {
      await iam.send(new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'p', PolicyDocument: s3ReadPolicy }));
      await iam.send(new DeleteRolePolicyCommand({ RoleName: 'r', PolicyName: 'p' }));
      await assertIamError(iam.send(new DeleteRolePolicyCommand({ RoleName: 'r', PolicyName: 'p' })), {
        code: 'NoSuchEntity',
        status: 404,
        message: 'The role policy with name p cannot be found.',
      });
    });
  });
});
