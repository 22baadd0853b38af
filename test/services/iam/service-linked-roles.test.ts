import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CreateServiceLinkedRoleCommand,
  DeleteRoleCommand,
  DeleteServiceLinkedRoleCommand,
  GetRoleCommand,
  GetServiceLinkedRoleDeletionStatusCommand,
  type IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertIamError, decoded, iamFor } from './iam-helpers.js';

describe('IAM service-linked roles', () => {
  let cloud: NimbusCloud;
  let iam: IAMClient;
  before(async () => {
    cloud = await startCloud();
    iam = iamFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  describe('CreateServiceLinkedRole', () => {
    test("creates AWS's role for the service, trusted by it, with AWS's policy attached", async () => {
      await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'accountdiscovery.ssm.amazonaws.com' }));
      const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'AWSServiceRoleForAmazonSSM_AccountDiscovery' }));
      assert.equal(Role?.Path, '/aws-service-role/accountdiscovery.ssm.amazonaws.com/');
      assert.equal(
        Role?.Arn,
        'arn:aws:iam::111111111111:role/aws-service-role/accountdiscovery.ssm.amazonaws.com/AWSServiceRoleForAmazonSSM_AccountDiscovery',
      );
      assert.deepEqual(decoded(Role?.AssumeRolePolicyDocument), {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'accountdiscovery.ssm.amazonaws.com' },
            Action: 'sts:AssumeRole',
          },
        ],
      });
      const inline = await iam.send(new ListRolePoliciesCommand({ RoleName: Role?.RoleName }));
      assert.deepEqual(inline.PolicyNames, []);
      const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: Role?.RoleName }));
      assert.deepEqual(attached.AttachedPolicies, [
        {
          PolicyName: 'AWSSystemsManagerAccountDiscoveryServicePolicy',
          PolicyArn: 'arn:aws:iam::aws:policy/aws-service-role/AWSSystemsManagerAccountDiscoveryServicePolicy',
        },
      ]);
    });

    test('adds an allowed custom suffix to the role name', async () => {
      const { Role } = await iam.send(
        new CreateServiceLinkedRoleCommand({ AWSServiceName: 'autoscaling.amazonaws.com', CustomSuffix: 'web' }),
      );
      assert.equal(Role?.RoleName, 'AWSServiceRoleForAutoScaling_web');
    });

    test('returns InvalidInput for a custom suffix the service does not allow', async () => {
      await assertIamError(
        iam.send(
          new CreateServiceLinkedRoleCommand({ AWSServiceName: 'ops.apigateway.amazonaws.com', CustomSuffix: 'x' }),
        ),
        { code: 'InvalidInput', status: 400, message: 'Custom suffix is not allowed for ops.apigateway.amazonaws.com' },
      );
    });

    test('returns InvalidInput when the role exists already', async () => {
      await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'batch.amazonaws.com' }));
      await assertIamError(iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'batch.amazonaws.com' })), {
        code: 'InvalidInput',
        status: 400,
        message:
          'Service role name AWSServiceRoleForBatch has been taken in this account, please try a different suffix.',
      });
    });
  });

  describe('DeleteRole', () => {
    test('returns UnmodifiableEntity for a service-linked role', async () => {
      await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'batch.amazonaws.com' }));
      await assertIamError(iam.send(new DeleteRoleCommand({ RoleName: 'AWSServiceRoleForBatch' })), {
        code: 'UnmodifiableEntity',
        status: 400,
        message:
          "Cannot perform the operation on the protected role 'AWSServiceRoleForBatch' - this role is only modifiable by AWS",
      });
    });
  });

  describe('DeleteServiceLinkedRole, GetServiceLinkedRoleDeletionStatus', () => {
    test('deletes the role and reports the task SUCCEEDED', async () => {
      await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'batch.amazonaws.com' }));
      const { DeletionTaskId } = await iam.send(
        new DeleteServiceLinkedRoleCommand({ RoleName: 'AWSServiceRoleForBatch' }),
      );
      assert.match(
        DeletionTaskId ?? '',
        /^task\/aws-service-role\/batch\.amazonaws\.com\/AWSServiceRoleForBatch\/[0-9a-f-]{36}$/,
      );
      const status = await iam.send(new GetServiceLinkedRoleDeletionStatusCommand({ DeletionTaskId }));
      assert.equal(status.Status, 'SUCCEEDED');
      await assertIamError(iam.send(new GetRoleCommand({ RoleName: 'AWSServiceRoleForBatch' })), {
        code: 'NoSuchEntity',
        status: 404,
        message: 'The role with name AWSServiceRoleForBatch cannot be found.',
      });
    });
  });
});
