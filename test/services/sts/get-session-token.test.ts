import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  GetFederationTokenCommand,
  GetSessionTokenCommand,
  STSClient,
  type STSServiceException,
} from '@aws-sdk/client-sts';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig, startCloud } from '../../helpers/cloud.js';

async function rejection(promise: Promise<unknown>): Promise<STSServiceException> {
  try {
    await promise;
  } catch (error) {
    return error as STSServiceException;
  }
  assert.fail('expected the call to fail');
}

describe('GetSessionToken', () => {
  let cloud: NimbusCloud;
  before(async () => {
    cloud = await startCloud();
  });
  after(() => cloud.stop());

  test('returns credentials that act as the caller', async () => {
    const sts = new STSClient(clientConfig(cloud, { accessKeyId: '333333333333' }));
    const token = await sts.send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
    assert.match(token.Credentials?.AccessKeyId ?? '', /^ASIA/);
    const session = new STSClient(
      clientConfig(cloud, {
        accessKeyId: token.Credentials?.AccessKeyId ?? '',
        secretAccessKey: token.Credentials?.SecretAccessKey ?? '',
        sessionToken: token.Credentials?.SessionToken ?? '',
      }),
    );
    const identity = await session.send(new GetCallerIdentityCommand({}));
    assert.equal(identity.Account, '333333333333');
    assert.equal(identity.Arn, 'arn:aws:iam::333333333333:root');
  });

  test('limits a root session to one hour', async () => {
    const sts = new STSClient(clientConfig(cloud));
    const token = await sts.send(new GetSessionTokenCommand({ DurationSeconds: 7200 }));
    const expires = token.Credentials?.Expiration?.getTime() ?? 0;
    assert.ok(Math.abs(expires - (cloud.clock.now() + 3600_000)) < 5_000);
  });

  test('returns AccessDenied when called with session credentials', async () => {
    const sts = new STSClient(clientConfig(cloud));
    const assumed = await sts.send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/r', RoleSessionName: 'sess' }),
    );
    const session = new STSClient(
      clientConfig(cloud, {
        accessKeyId: assumed.Credentials?.AccessKeyId ?? '',
        secretAccessKey: assumed.Credentials?.SecretAccessKey ?? '',
        sessionToken: assumed.Credentials?.SessionToken ?? '',
      }),
    );
    const error = await rejection(session.send(new GetSessionTokenCommand({})));
    assert.equal(error.name, 'AccessDenied');
    assert.equal(error.message, 'Cannot call GetSessionToken with session credentials');
    assert.equal(error.$metadata.httpStatusCode, 403);
  });
});

describe('GetFederationToken', () => {
  let cloud: NimbusCloud;
  before(async () => {
    cloud = await startCloud();
  });
  after(() => cloud.stop());

  test('returns a federated user and a packed size of 0 without policies', async () => {
    const sts = new STSClient(clientConfig(cloud, { accessKeyId: '111111111111' }));
    const token = await sts.send(new GetFederationTokenCommand({ Name: 'bob' }));
    assert.equal(token.FederatedUser?.Arn, 'arn:aws:sts::111111111111:federated-user/bob');
    assert.equal(token.FederatedUser?.FederatedUserId, '111111111111:bob');
    assert.equal(token.PackedPolicySize, 0);
    const session = new STSClient(
      clientConfig(cloud, {
        accessKeyId: token.Credentials?.AccessKeyId ?? '',
        secretAccessKey: token.Credentials?.SecretAccessKey ?? '',
        sessionToken: token.Credentials?.SessionToken ?? '',
      }),
    );
    const identity = await session.send(new GetCallerIdentityCommand({}));
    assert.equal(identity.Arn, 'arn:aws:sts::111111111111:federated-user/bob');
  });
});
