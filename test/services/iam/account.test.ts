import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CreateAccountAliasCommand,
  CreateLoginProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteAccountAliasCommand,
  GetAccountSummaryCommand,
  type IAMClient,
  ListAccountAliasesCommand,
} from '@aws-sdk/client-iam';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertIamError, iamFor, lambdaTrustPolicy, s3ReadPolicy } from './iam-helpers.js';

describe('IAM account settings', () => {
  let cloud: NimbusCloud;
  let iam: IAMClient;
  before(async () => {
    cloud = await startCloud();
    iam = iamFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  describe('CreateAccountAlias, ListAccountAliases, DeleteAccountAlias', () => {
    test('sets, lists and deletes the alias', async () => {
      await iam.send(new CreateAccountAliasCommand({ AccountAlias: 'my-company' }));
      const listed = await iam.send(new ListAccountAliasesCommand({}));
      assert.deepEqual(listed.AccountAliases, ['my-company']);
      assert.equal(listed.IsTruncated, false);
      await iam.send(new DeleteAccountAliasCommand({ AccountAlias: 'my-company' }));
      const after = await iam.send(new ListAccountAliasesCommand({}));
      assert.deepEqual(after.AccountAliases, []);
    });

    test('returns EntityAlreadyExists for an alias another account holds', async () => {
      await iam.send(new CreateAccountAliasCommand({ AccountAlias: 'my-company' }));
      await assertIamError(
        iamFor(cloud, '222222222222').send(new CreateAccountAliasCommand({ AccountAlias: 'my-company' })),
        { code: 'EntityAlreadyExists', status: 409, message: 'The account alias my-company already exists.' },
      );
    });
  });

  describe('GetAccountSummary', () => {
    test("counts the account's entities beside AWS's quotas", async () => {
      await iam.send(new CreateUserCommand({ UserName: 'alice' }));
      await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: lambdaTrustPolicy }));
      await iam.send(new CreatePolicyCommand({ PolicyName: 'p', PolicyDocument: s3ReadPolicy }));
      const { SummaryMap } = await iam.send(new GetAccountSummaryCommand({}));
      assert.equal(SummaryMap?.Users, 1);
      assert.equal(SummaryMap?.Roles, 1);
      assert.equal(SummaryMap?.Policies, 1);
      assert.equal(SummaryMap?.Groups, 0);
      assert.equal(SummaryMap?.UsersQuota, 5000);
      assert.equal(SummaryMap?.AttachedPoliciesPerRoleQuota, 10);
      const other = await iamFor(cloud, '222222222222').send(new GetAccountSummaryCommand({}));
      assert.equal(other.SummaryMap?.Users, 0);
    });
  });

  describe('operations Nimbus does not implement', () => {
    test('answer 501 naming the operation', async () => {
      await assertIamError(
        iam.send(new CreateLoginProfileCommand({ UserName: 'alice', Password: 'P4ssw0rd!P4ssw0rd' })),
        {
          code: 'NotImplemented',
          status: 501,
          message: 'Nimbus does not implement iam.CreateLoginProfile yet; see docs/coverage.md',
        },
      );
    });
  });
});
