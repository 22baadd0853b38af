import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, type STSServiceException } from '@aws-sdk/client-sts';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig, startCloud } from '../../helpers/cloud.js';

const trustPolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: '111111111111' }, Action: 'sts:AssumeRole' }],
});

async function rejection(promise: Promise<unknown>): Promise<STSServiceException> {
  try {
    await promise;
  } catch (error) {
    return error as STSServiceException;
  }
  assert.fail('expected the call to fail');
}

describe('AssumeRole', () => {
  let cloud: NimbusCloud;
  let sts: STSClient;
  before(async () => {
    cloud = await startCloud();
    sts = new STSClient(clientConfig(cloud, { accessKeyId: '111111111111' }));
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  describe('validation', () => {
    test('returns ValidationError naming an ARN without a service', async () => {
      const error = await rejection(
        sts.send(new AssumeRoleCommand({ RoleArn: 'arn:a::::something/test-role', RoleSessionName: 's1' })),
      );
      assert.equal(error.name, 'ValidationError');
      assert.equal(error.message, 'arn:a::::something/test-role is invalid');
      assert.equal(error.$metadata.httpStatusCode, 400);
    });

    test('returns ValidationError naming an ARN without a resource', async () => {
      const error = await rejection(
        sts.send(new AssumeRoleCommand({ RoleArn: 'arn:a:a::aaaaaaaaaa:', RoleSessionName: 's1' })),
      );
      assert.equal(error.name, 'ValidationError');
      assert.equal(error.message, 'arn:a:a::aaaaaaaaaa: is invalid');
    });

    test('returns ValidationError with the pattern for a session name with a colon', async () => {
      const error = await rejection(
        sts.send(
          new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::111111111111:role/r1', RoleSessionName: 'Session1:2' }),
        ),
      );
      assert.equal(error.name, 'ValidationError');
      assert.equal(
        error.message,
        "1 validation error detected: Value 'Session1:2' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
      );
    });

    test('returns ValidationError for a duration under 900 seconds', async () => {
      const error = await rejection(
        sts.send(
          new AssumeRoleCommand({
            RoleArn: 'arn:aws:iam::111111111111:role/r1',
            RoleSessionName: 's1',
            DurationSeconds: 899,
          }),
        ),
      );
      assert.equal(error.name, 'ValidationError');
      assert.equal(
        error.message,
        "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
      );
    });
  });

  describe('errors', () => {
    test('returns InvalidParameterValue for tag keys that differ only in case', async () => {
      const error = await rejection(
        sts.send(
          new AssumeRoleCommand({
            RoleArn: 'arn:aws:iam::111111111111:role/r1',
            RoleSessionName: 's1',
            Tags: [
              { Key: 'team', Value: 'a' },
              { Key: 'Team', Value: 'b' },
            ],
          }),
        ),
      );
      assert.equal(error.name, 'InvalidParameterValue');
      assert.equal(error.message, 'Duplicate tag keys found. Please note that Tag keys are case insensitive.');
    });

    test('returns InvalidParameterValue for a transitive key that is not a tag', async () => {
      const error = await rejection(
        sts.send(
          new AssumeRoleCommand({
            RoleArn: 'arn:aws:iam::111111111111:role/r1',
            RoleSessionName: 's1',
            Tags: [{ Key: 'team', Value: 'a' }],
            TransitiveTagKeys: ['project'],
          }),
        ),
      );
      assert.equal(error.name, 'InvalidParameterValue');
      assert.equal(error.message, 'The specified transitive tag key must be included in the requested tags.');
    });

    test('returns InvalidParameterValue when a chained session resets a transitive tag', async () => {
      const first = await sts.send(
        new AssumeRoleCommand({
          RoleArn: 'arn:aws:iam::111111111111:role/r1',
          RoleSessionName: 's1',
          Tags: [{ Key: 'team', Value: 'a' }],
          TransitiveTagKeys: ['team'],
        }),
      );
      const chained = new STSClient(
        clientConfig(cloud, {
          accessKeyId: first.Credentials?.AccessKeyId ?? '',
          secretAccessKey: first.Credentials?.SecretAccessKey ?? '',
          sessionToken: first.Credentials?.SessionToken ?? '',
        }),
      );
      const error = await rejection(
        chained.send(
          new AssumeRoleCommand({
            RoleArn: 'arn:aws:iam::111111111111:role/r2',
            RoleSessionName: 's2',
            Tags: [{ Key: 'TEAM', Value: 'b' }],
          }),
        ),
      );
      assert.equal(error.name, 'InvalidParameterValue');
      assert.equal(
        error.message,
        "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.",
      );
    });

    test('returns ValidationError when the duration passes the role maximum', async () => {
      const iam = new IAMClient(clientConfig(cloud, { accessKeyId: '111111111111' }));
      await iam.send(new CreateRoleCommand({ RoleName: 'short', AssumeRolePolicyDocument: trustPolicy }));
      const error = await rejection(
        sts.send(
          new AssumeRoleCommand({
            RoleArn: 'arn:aws:iam::111111111111:role/short',
            RoleSessionName: 's1',
            DurationSeconds: 7200,
          }),
        ),
      );
      assert.equal(error.name, 'ValidationError');
      assert.equal(error.message, 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    });

    test('returns ExpiredToken once the session has expired by the Nimbus clock', async () => {
      const assumed = await sts.send(
        new AssumeRoleCommand({
          RoleArn: 'arn:aws:iam::111111111111:role/r1',
          RoleSessionName: 's1',
          DurationSeconds: 900,
        }),
      );
      const session = new STSClient(
        clientConfig(cloud, {
          accessKeyId: assumed.Credentials?.AccessKeyId ?? '',
          secretAccessKey: assumed.Credentials?.SecretAccessKey ?? '',
          sessionToken: assumed.Credentials?.SessionToken ?? '',
        }),
      );
      await session.send(new GetCallerIdentityCommand({}));
      cloud.clock.advance(901);
      const error = await rejection(session.send(new GetCallerIdentityCommand({})));
      assert.equal(error.name, 'ExpiredToken');
      assert.equal(error.message, 'The security token included in the request is expired');
      assert.equal(error.$metadata.httpStatusCode, 403);
    });
  });

  describe('behaviour', () => {
    test('returns temporary credentials that act as the role in its account', async () => {
      const assumed = await sts.send(
        new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::222222222222:role/deploy', RoleSessionName: 'ci-run' }),
      );
      assert.match(assumed.Credentials?.AccessKeyId ?? '', /^ASIA[A-Z2-7]{16}$/);
      assert.equal(assumed.AssumedRoleUser?.Arn, 'arn:aws:sts::222222222222:assumed-role/deploy/ci-run');
      assert.match(assumed.AssumedRoleUser?.AssumedRoleId ?? '', /^AROA[A-Z2-7]{17}:ci-run$/);
      const expires = assumed.Credentials?.Expiration?.getTime() ?? 0;
      assert.ok(Math.abs(expires - (cloud.clock.now() + 3600_000)) < 5_000, 'expires in one hour');

      const session = new STSClient(
        clientConfig(cloud, {
          accessKeyId: assumed.Credentials?.AccessKeyId ?? '',
          secretAccessKey: assumed.Credentials?.SecretAccessKey ?? '',
          sessionToken: assumed.Credentials?.SessionToken ?? '',
        }),
      );
      const identity = await session.send(new GetCallerIdentityCommand({}));
      assert.equal(identity.Account, '222222222222');
      assert.equal(identity.Arn, 'arn:aws:sts::222222222222:assumed-role/deploy/ci-run');
      assert.equal(identity.UserId, assumed.AssumedRoleUser?.AssumedRoleId);
    });

    test('uses the RoleId of a role that IAM knows', async () => {
      const iam = new IAMClient(clientConfig(cloud, { accessKeyId: '111111111111' }));
      const created = await iam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: trustPolicy }));
      const assumed = await sts.send(
        new AssumeRoleCommand({ RoleArn: created.Role?.Arn ?? '', RoleSessionName: 'session-1' }),
      );
      assert.equal(assumed.AssumedRoleUser?.AssumedRoleId, `${created.Role?.RoleId}:session-1`);
    });

    test('reports a packed policy size when a session policy is given', async () => {
      const assumed = await sts.send(
        new AssumeRoleCommand({
          RoleArn: 'arn:aws:iam::111111111111:role/r1',
          RoleSessionName: 's1',
          Policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
          }),
        }),
      );
      assert.ok((assumed.PackedPolicySize ?? -1) > 0 && (assumed.PackedPolicySize ?? 101) <= 100);
    });
  });
});
