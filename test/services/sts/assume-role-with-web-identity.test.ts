import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  STSClient,
  type STSServiceException,
} from '@aws-sdk/client-sts';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig, startCloud } from '../../helpers/cloud.js';

function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}

async function rejection(promise: Promise<unknown>): Promise<STSServiceException> {
  try {
    await promise;
  } catch (error) {
    return error as STSServiceException;
  }
  assert.fail('expected the call to fail');
}

describe('AssumeRoleWithWebIdentity', () => {
  let cloud: NimbusCloud;
  let sts: STSClient;
  before(async () => {
    cloud = await startCloud();
    sts = new STSClient(clientConfig(cloud));
  });
  after(() => cloud.stop());

  test('returns credentials for the role with the token subject, audience and provider', async () => {
    const token = jwt({
      iss: 'https://token.actions.githubusercontent.com',
      sub: 'repo:acme/app:ref:refs/heads/main',
      aud: 'sts.amazonaws.com',
      exp: Math.floor(cloud.clock.now() / 1000) + 600,
    });
    const assumed = await sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: 'arn:aws:iam::444444444444:role/github-deploy',
        RoleSessionName: 'gha',
        WebIdentityToken: token,
      }),
    );
    assert.equal(assumed.SubjectFromWebIdentityToken, 'repo:acme/app:ref:refs/heads/main');
    assert.equal(assumed.Audience, 'sts.amazonaws.com');
    assert.equal(assumed.Provider, 'token.actions.githubusercontent.com');
    assert.equal(assumed.AssumedRoleUser?.Arn, 'arn:aws:sts::444444444444:assumed-role/github-deploy/gha');
    const session = new STSClient(
      clientConfig(cloud, {
        accessKeyId: assumed.Credentials?.AccessKeyId ?? '',
        secretAccessKey: assumed.Credentials?.SecretAccessKey ?? '',
        sessionToken: assumed.Credentials?.SessionToken ?? '',
      }),
    );
    const identity = await session.send(new GetCallerIdentityCommand({}));
    assert.equal(identity.Account, '444444444444');
  });

  test('returns ExpiredTokenException for a token past its exp', async () => {
    const token = jwt({ iss: 'https://issuer.example', sub: 'u', aud: 'a', exp: 1000 });
    const error = await rejection(
      sts.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: 'arn:aws:iam::444444444444:role/r',
          RoleSessionName: 'sess',
          WebIdentityToken: token,
        }),
      ),
    );
    assert.equal(error.name, 'ExpiredTokenException');
    assert.equal(error.$metadata.httpStatusCode, 400);
  });

  test('returns InvalidIdentityToken for a token that is not a JWT', async () => {
    const error = await rejection(
      sts.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: 'arn:aws:iam::444444444444:role/r',
          RoleSessionName: 'sess',
          WebIdentityToken: 'not-a-jwt-at-all',
        }),
      ),
    );
    assert.equal(error.name, 'InvalidIdentityTokenException');
    assert.equal(error.$metadata.httpStatusCode, 400);
  });
});
