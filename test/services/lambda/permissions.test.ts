import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AddPermissionCommand,
  CreateAliasCommand,
  GetFunctionCommand,
  GetPolicyCommand,
  type LambdaClient,
  PublishVersionCommand,
  RemovePermissionCommand,
} from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig, startCloud } from '../../helpers/cloud.js';
import { createFunction, functionName, lambdaClient } from './lambda-helpers.js';

async function rejects(promise: Promise<unknown>, name: string, message: string): Promise<void> {
  await assert.rejects(promise, (error: Error) => {
    assert.equal(error.name, name);
    assert.equal(error.message, message);
    return true;
  });
}

const s3Permission = (name: string, sid = 's3', extra: Record<string, string> = {}) =>
  new AddPermissionCommand({
    FunctionName: name,
    StatementId: sid,
    Action: 'lambda:InvokeFunction',
    Principal: 's3.amazonaws.com',
    SourceArn: 'arn:aws:s3:::some-bucket',
    ...extra,
  });

describe('Lambda resource policies', () => {
  let cloud: NimbusCloud;
  let client: LambdaClient;
  before(async () => {
    cloud = await startCloud();
    client = lambdaClient(cloud);
  });
  after(async () => {
    await cloud.stop();
  });

  describe('AddPermission', () => {
    it('answers the statement as AWS builds it and GetPolicy the document with the function’s revision', async () => {
      const name = functionName('perm');
      await createFunction(client, { FunctionName: name });
      const added = await client.send(s3Permission(name));
      const arn = `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
      assert.deepEqual(JSON.parse(added.Statement ?? ''), {
        Sid: 's3',
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'lambda:InvokeFunction',
        Resource: arn,
        Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::some-bucket' } },
      });
      const policy = await client.send(new GetPolicyCommand({ FunctionName: name }));
      const document = JSON.parse(policy.Policy ?? '');
      assert.equal(document.Version, '2012-10-17');
      assert.equal(document.Id, 'default');
      assert.equal(document.Statement.length, 1);
      const fn = await client.send(new GetFunctionCommand({ FunctionName: name }));
      assert.equal(policy.RevisionId, fn.Configuration?.RevisionId);
    });

    it('writes account, wildcard and condition fields in AWS’s shapes', async () => {
      const name = functionName('perm');
      await createFunction(client, { FunctionName: name });
      const account = await client.send(
        new AddPermissionCommand({
          FunctionName: name,
          StatementId: 'account-id',
          Action: 'lambda:InvokeFunction',
          Principal: '111111111111',
        }),
      );
      assert.deepEqual(JSON.parse(account.Statement ?? '').Principal, { AWS: 'arn:aws:iam::111111111111:root' });
      const url = await client.send(
        new AddPermissionCommand({
          FunctionName: name,
          StatementId: 'urlPermission',
          Action: 'lambda:InvokeFunctionUrl',
          Principal: '*',
          SourceAccount: '111111111111',
          SourceArn: 'arn:aws:s3:::bucket',
          PrincipalOrgID: 'o-1234567890',
          FunctionUrlAuthType: 'NONE',
        }),
      );
      const statement = JSON.parse(url.Statement ?? '');
      assert.equal(statement.Principal, '*');
      assert.deepEqual(statement.Condition, {
        StringEquals: {
          'AWS:SourceAccount': '111111111111',
          'lambda:FunctionUrlAuthType': 'NONE',
          'aws:PrincipalOrgID': 'o-1234567890',
        },
        ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::bucket' },
      });
    });

    it('refuses a used statement id, $LATEST, a missing version or alias and an invalid principal', async () => {
      const name = functionName('perm');
      await createFunction(client, { FunctionName: name });
      const arn = `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
      await client.send(s3Permission(name));
      await rejects(
        client.send(s3Permission(name)),
        'ResourceConflictException',
        'The statement id (s3) provided already exists. Please provide a new statement id, or remove the existing statement.',
      );
      await rejects(
        // The qualifier as part of the name: the Qualifier parameter's pattern refuses `$`.
        client.send(s3Permission(`${name}:$LATEST`, 'latest')),
        'InvalidParameterValueException',
        'We currently do not support adding policies for $LATEST.',
      );
      await rejects(
        client.send(s3Permission(name, 'v', { Qualifier: '42' })),
        'ResourceNotFoundException',
        `Function not found: ${arn}:42`,
      );
      await rejects(
        client.send(s3Permission(name, 'a', { Qualifier: 'alias-doesnotexist' })),
        'ResourceNotFoundException',
        `Cannot find alias arn: ${arn}:alias-doesnotexist`,
      );
      await rejects(
        client.send(s3Permission('doesnotexist')),
        'ResourceNotFoundException',
        'Function not found: arn:aws:lambda:us-east-1:000000000000:function:doesnotexist',
      );
      await rejects(
        client.send(
          new AddPermissionCommand({
            FunctionName: name,
            StatementId: 'bad',
            Action: 'lambda:InvokeFunction',
            Principal: 'invalid-principal',
          }),
        ),
        'InvalidParameterValueException',
        'The provided principal was invalid. Please check the principal and try again.',
      );
    });

    it('keeps a policy per version and alias, each with its own revision', async () => {
      const name = functionName('perm');
      await createFunction(client, { FunctionName: name, Publish: true });
      await client.send(new CreateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: '1' }));
      await client.send(s3Permission(name));
      await rejects(
        client.send(new GetPolicyCommand({ FunctionName: name, Qualifier: '1' })),
        'ResourceNotFoundException',
        'The resource you requested does not exist.',
      );
      await client.send(s3Permission(name, 's3', { Qualifier: '1' }));
      const version = await client.send(new GetPolicyCommand({ FunctionName: name, Qualifier: '1' }));
      assert.equal(
        JSON.parse(version.Policy ?? '').Statement[0].Resource,
        `arn:aws:lambda:us-east-1:000000000000:function:${name}:1`,
      );
      const v1 = await client.send(new GetFunctionCommand({ FunctionName: name, Qualifier: '1' }));
      assert.equal(version.RevisionId, v1.Configuration?.RevisionId);
      await rejects(
        client.send(s3Permission(name, 's3', { Qualifier: 'live', RevisionId: 'stale' })),
        'PreconditionFailedException',
        'The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id',
      );
      await client.send(s3Permission(name, 's3', { Qualifier: 'live' }));
      const alias = await client.send(new GetPolicyCommand({ FunctionName: name, Qualifier: 'live' }));
      assert.equal(
        JSON.parse(alias.Policy ?? '').Statement[0].Resource,
        `arn:aws:lambda:us-east-1:000000000000:function:${name}:live`,
      );
    });
  });

  describe('RemovePermission', () => {
    it('removes one statement, then the policy, with AWS’s errors for what is not there', async () => {
      const name = functionName('perm');
      await createFunction(client, { FunctionName: name });
      await rejects(
        client.send(new RemovePermissionCommand({ FunctionName: name, StatementId: 's3' })),
        'ResourceNotFoundException',
        'No policy is associated with the given resource.',
      );
      await client.send(s3Permission(name));
      await client.send(s3Permission(name, 'sqs'));
      const before = await client.send(new GetPolicyCommand({ FunctionName: name }));
      await rejects(
        client.send(new RemovePermissionCommand({ FunctionName: name, StatementId: 'non-existent' })),
        'ResourceNotFoundException',
        'Statement non-existent is not found in resource policy.',
      );
      await client.send(new RemovePermissionCommand({ FunctionName: name, StatementId: 'sqs' }));
      const after = await client.send(new GetPolicyCommand({ FunctionName: name }));
      assert.deepEqual(
        JSON.parse(after.Policy ?? '').Statement.map((statement: { Sid: string }) => statement.Sid),
        ['s3'],
      );
      assert.notEqual(after.RevisionId, before.RevisionId);
      await client.send(new RemovePermissionCommand({ FunctionName: name, StatementId: 's3' }));
      await rejects(
        client.send(new GetPolicyCommand({ FunctionName: name })),
        'ResourceNotFoundException',
        'The resource you requested does not exist.',
      );
      await rejects(
        client.send(new RemovePermissionCommand({ FunctionName: 'doesnotexist', StatementId: 's3' })),
        'ResourceNotFoundException',
        'No policy found for: arn:aws:lambda:us-east-1:000000000000:function:doesnotexist',
      );
    });
  });

  describe('S3 bucket notifications', () => {
    it('are refused for a function whose policy does not let S3 invoke it from that bucket', async () => {
      const name = functionName('perm');
      const fn = await createFunction(client, { FunctionName: name });
      const s3 = new S3Client({ ...clientConfig(cloud), forcePathStyle: true });
      await s3.send(new CreateBucketCommand({ Bucket: 'perm-checked' }));
      const put = () =>
        s3.send(
          new PutBucketNotificationConfigurationCommand({
            Bucket: 'perm-checked',
            NotificationConfiguration: {
              LambdaFunctionConfigurations: [{ LambdaFunctionArn: fn.FunctionArn, Events: ['s3:ObjectCreated:*'] }],
            },
          }),
        );
      await rejects(put(), 'InvalidArgument', 'Unable to validate the following destination configurations');
      // A permission for another bucket does not do.
      await client.send(s3Permission(name));
      await rejects(put(), 'InvalidArgument', 'Unable to validate the following destination configurations');
      await client.send(s3Permission(name, 'this-bucket', { SourceArn: 'arn:aws:s3:::perm-*' }));
      await put();
    });
  });

  it('publishing a version copies no policy to it', async () => {
    const name = functionName('perm');
    await createFunction(client, { FunctionName: name });
    await client.send(s3Permission(name));
    await client.send(new PublishVersionCommand({ FunctionName: name }));
    await rejects(
      client.send(new GetPolicyCommand({ FunctionName: name, Qualifier: '1' })),
      'ResourceNotFoundException',
      'The resource you requested does not exist.',
    );
  });
});
