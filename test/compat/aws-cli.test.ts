import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../helpers/cloud.js';
import { awsCli, clientEnv, run, skipAwsCli } from './tools.js';

interface CliResult {
  status: number | null;
  json: Record<string, unknown>;
  stderr: string;
}

describe('AWS CLI v2', { skip: skipAwsCli }, () => {
  let cloud: NimbusCloud;
  before(async () => {
    cloud = await startCloud();
  });
  after(() => cloud.stop());

  async function aws(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
    const result = await run(awsCli, ['--endpoint-url', cloud.endpoint, '--output', 'json', ...args], clientEnv(env));
    let json: Record<string, unknown> = {};
    if (result.stdout.trim()) json = JSON.parse(result.stdout) as Record<string, unknown>;
    return { status: result.status, json, stderr: result.stderr };
  }

  test('sts get-caller-identity returns account 000000000000 for test/test', async () => {
    const result = await aws(['sts', 'get-caller-identity']);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.json.Account, '000000000000');
    assert.equal(result.json.Arn, 'arn:aws:iam::000000000000:root');
  });

  test('sts get-caller-identity returns the account of a 12-digit access key id', async () => {
    const result = await aws(['sts', 'get-caller-identity'], { AWS_ACCESS_KEY_ID: '210987654321' });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.json.Account, '210987654321');
  });

  test('sts assume-role returns credentials for the role', async () => {
    const result = await aws([
      'sts',
      'assume-role',
      '--role-arn',
      'arn:aws:iam::000000000000:role/cli',
      '--role-session-name',
      'cli-session',
    ]);
    assert.equal(result.status, 0, result.stderr);
    const user = result.json.AssumedRoleUser as { Arn: string };
    assert.equal(user.Arn, 'arn:aws:sts::000000000000:assumed-role/cli/cli-session');
  });

  test('iam create-user, get-user, list-users and delete-user work end to end', async () => {
    assert.equal((await aws(['iam', 'create-user', '--user-name', 'cli-user', '--path', '/team/'])).status, 0);
    const got = await aws(['iam', 'get-user', '--user-name', 'cli-user']);
    assert.equal(got.status, 0, got.stderr);
    assert.equal((got.json.User as { Arn: string }).Arn, 'arn:aws:iam::000000000000:user/team/cli-user');
    const listed = await aws(['iam', 'list-users', '--path-prefix', '/team/']);
    assert.deepEqual(
      (listed.json.Users as Array<{ UserName: string }>).map((u) => u.UserName),
      ['cli-user'],
    );
    assert.equal((await aws(['iam', 'delete-user', '--user-name', 'cli-user'])).status, 0);
  });

  test('iam get-user for a missing user fails with NoSuchEntity and AWS message', async () => {
    const result = await aws(['iam', 'get-user', '--user-name', 'nobody']);
    assert.notEqual(result.status, 0);
    assert.match(
      result.stderr,
      /An error occurred \(NoSuchEntity\) when calling the GetUser operation: The user with name nobody cannot be found\./,
    );
  });

  test('iam create-role with an inline policy round-trips the documents', async () => {
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::bucket/*' }],
    });
    assert.equal(
      (await aws(['iam', 'create-role', '--role-name', 'cli-role', '--assume-role-policy-document', trust])).status,
      0,
    );
    assert.equal(
      (
        await aws([
          'iam',
          'put-role-policy',
          '--role-name',
          'cli-role',
          '--policy-name',
          'read',
          '--policy-document',
          policy,
        ])
      ).status,
      0,
    );
    const got = await aws(['iam', 'get-role-policy', '--role-name', 'cli-role', '--policy-name', 'read']);
    assert.equal(got.status, 0, got.stderr);
    assert.deepEqual(got.json.PolicyDocument, JSON.parse(policy));
    const role = await aws(['iam', 'get-role', '--role-name', 'cli-role']);
    assert.deepEqual(
      (role.json.Role as { AssumeRolePolicyDocument: unknown }).AssumeRolePolicyDocument,
      JSON.parse(trust),
    );
  });

  test('iam list-users pages with --max-items and --starting-token', async () => {
    for (const name of ['page-a', 'page-b', 'page-c'])
      await aws(['iam', 'create-user', '--user-name', name, '--path', '/paging/']);
    const first = await aws(['iam', 'list-users', '--path-prefix', '/paging/', '--max-items', '2']);
    assert.equal((first.json.Users as unknown[]).length, 2);
    const token = first.json.NextToken as string;
    assert.ok(token);
    const second = await aws([
      'iam',
      'list-users',
      '--path-prefix',
      '/paging/',
      '--max-items',
      '2',
      '--starting-token',
      token,
    ]);
    assert.deepEqual(
      (second.json.Users as Array<{ UserName: string }>).map((u) => u.UserName),
      ['page-c'],
    );
  });
});
