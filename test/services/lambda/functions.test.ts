import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  DeleteFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  type LambdaClient,
  ListFunctionsCommand,
  ListTagsCommand,
  PutFunctionConcurrencyCommand,
  TagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig, startCloud } from '../../helpers/cloud.js';
import { createFunction, functionName, lambdaClient, nodeEcho, zip } from './lambda-helpers.js';

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64');
}

async function rejects(promise: Promise<unknown>, name: string, message: string): Promise<void> {
  await assert.rejects(promise, (error: Error) => {
    assert.equal(error.name, name);
    assert.equal(error.message, message);
    return true;
  });
}

describe('Lambda functions', () => {
  let cloud: NimbusCloud;
  let client: LambdaClient;
  before(async () => {
    cloud = await startCloud();
    client = lambdaClient(cloud);
  });
  after(async () => {
    await cloud.stop();
  });

  describe('CreateFunction', () => {
    it('answers Pending with the code hash and size, and GetFunction answers Active', async () => {
      const name = functionName();
      const created = await createFunction(client, {
        FunctionName: name,
        Environment: { Variables: { ENV_A: '1' } },
        Tags: { team: 'x' },
      });
      assert.equal(created.$metadata.httpStatusCode, 201);
      assert.equal(created.State, 'Pending');
      assert.equal(created.StateReason, 'The function is being created.');
      assert.equal(created.StateReasonCode, 'Creating');
      assert.equal(created.LastUpdateStatus, undefined);
      assert.equal(created.CodeSha256, sha256(nodeEcho));
      assert.equal(created.CodeSize, nodeEcho.length);
      assert.equal(created.FunctionArn, `arn:aws:lambda:us-east-1:000000000000:function:${name}`);
      assert.equal(created.Timeout, 3);
      assert.equal(created.MemorySize, 128);
      assert.deepEqual(created.Environment, { Variables: { ENV_A: '1' } });
      assert.deepEqual(created.LoggingConfig, { LogFormat: 'Text', LogGroup: `/aws/lambda/${name}` });
      assert.match(created.LastModified ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);

      const got = await client.send(new GetFunctionCommand({ FunctionName: name }));
      assert.equal(got.Configuration?.State, 'Active');
      assert.equal(got.Configuration?.LastUpdateStatus, 'Successful');
      assert.notEqual(got.Configuration?.RevisionId, created.RevisionId);
      assert.deepEqual(got.Tags, { team: 'x' });
      assert.equal(got.Code?.RepositoryType, 'S3');
      const download = await fetch(got.Code?.Location ?? '');
      assert.equal(download.status, 200);
      assert.equal(sha256(new Uint8Array(await download.arrayBuffer())), created.CodeSha256);
    });

    it('lets the SDK waiter for an active function return at once', async () => {
      const created = await createFunction(client, {});
      const result = await waitUntilFunctionActiveV2(
        { client, maxWaitTime: 5, minDelay: 1 },
        { FunctionName: created.FunctionName },
      );
      assert.equal(result.state, 'SUCCESS');
    });

    it('reads the code from an S3 object', async () => {
      const s3 = new S3Client({ ...clientConfig(cloud), forcePathStyle: true });
      await s3.send(new CreateBucketCommand({ Bucket: 'lambda-code' }));
      await s3.send(new PutObjectCommand({ Bucket: 'lambda-code', Key: 'fn.zip', Body: nodeEcho }));
      const created = await createFunction(client, { Code: { S3Bucket: 'lambda-code', S3Key: 'fn.zip' } });
      assert.equal(created.CodeSha256, sha256(nodeEcho));
      await rejects(
        createFunction(client, { Code: { S3Bucket: 'lambda-code', S3Key: 'missing.zip' } }),
        'InvalidParameterValueException',
        'Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.',
      );
      await rejects(
        createFunction(client, { Code: { S3Bucket: 'no-such-bucket-here', S3Key: 'fn.zip' } }),
        'InvalidParameterValueException',
        'Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket does not exist',
      );
    });

    it('returns ResourceConflictException for a name in use', async () => {
      const created = await createFunction(client, {});
      await rejects(
        createFunction(client, { FunctionName: created.FunctionName }),
        'ResourceConflictException',
        `Function already exist: ${created.FunctionName}`,
      );
    });

    it('returns InvalidParameterValueException for a deprecated runtime', async () => {
      await rejects(
        createFunction(client, { Runtime: 'python3.7' }),
        'InvalidParameterValueException',
        'The runtime parameter of python3.7 is no longer supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime while creating or updating functions.',
      );
    });

    it('returns InvalidParameterValueException for a runtime that does not exist, listing AWS’s set', async () => {
      await rejects(
        createFunction(client, { Runtime: 'non-existent-runtime' as never }),
        'InvalidParameterValueException',
        "Value non-existent-runtime at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [nodejs20.x, python3.14, provided.al2023, python3.12, python3.13, nodejs24.x, nodejs22.x, java25, python3.10, python3.11, java21, ruby3.3, ruby3.4, ruby3.2, python3.8, python3.9, java17, nodejs16.x, dotnet10, dotnet8, java11, dotnet6, nodejs18.x, provided.al2, java8.al2] or be a valid ARN",
      );
    });

    it('returns InvalidParameterValueException for environment variables over 4 KB', async () => {
      const big = 'x'.repeat(4096);
      await rejects(
        createFunction(client, { Environment: { Variables: { LARGE_VAR: big } } }),
        'InvalidParameterValueException',
        `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: {"LARGE_VAR":"${big}"}`,
      );
    });

    it('returns InvalidParameterValueException for a zip that does not unzip', async () => {
      await rejects(
        createFunction(client, { Code: { ZipFile: new TextEncoder().encode('not a zip') } }),
        'InvalidParameterValueException',
        'Could not unzip uploaded file. Please check your file, then try to upload again.',
      );
    });

    it('refuses a zip entry that names a path outside the code directory', async () => {
      for (const name of ['../escape.js', '/etc/escape.js', 'a/../../escape.js']) {
        await rejects(
          createFunction(client, { Code: { ZipFile: zip({ [name]: 'x' }) } }),
          'InvalidParameterValueException',
          'Could not unzip uploaded file. Please check your file, then try to upload again.',
        );
      }
    });

    it('returns ValidationException for memory over 10240 MB and a timeout over 900 s', async () => {
      await rejects(
        createFunction(client, { MemorySize: 10241, Timeout: 901 }),
        'ValidationException',
        "2 validation errors detected: Value '10241' at 'memorySize' failed to satisfy constraint: Member must have value less than or equal to 10240; Value '901' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900",
      );
    });

    it('returns InvalidParameterValueException for a bare name over 64 characters', async () => {
      const name = 'a'.repeat(65);
      await rejects(
        createFunction(client, { FunctionName: name }),
        'InvalidParameterValueException',
        `1 validation error detected: Value '${name}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64`,
      );
    });
  });

  describe('GetFunction', () => {
    it('returns ResourceNotFoundException naming the ARN', async () => {
      await rejects(
        client.send(new GetFunctionCommand({ FunctionName: 'doesnotexist' })),
        'ResourceNotFoundException',
        'Function not found: arn:aws:lambda:us-east-1:000000000000:function:doesnotexist',
      );
      await rejects(
        client.send(new GetFunctionConfigurationCommand({ FunctionName: 'doesnotexist', Qualifier: '1221' })),
        'ResourceNotFoundException',
        'Function not found: arn:aws:lambda:us-east-1:000000000000:function:doesnotexist:1221',
      );
    });

    it('finds a function by ARN and partial ARN, and refuses another region', async () => {
      const created = await createFunction(client, {});
      const byArn = await client.send(new GetFunctionConfigurationCommand({ FunctionName: created.FunctionArn }));
      assert.equal(byArn.FunctionName, created.FunctionName);
      const partial = await client.send(
        new GetFunctionConfigurationCommand({ FunctionName: `000000000000:function:${created.FunctionName}` }),
      );
      assert.equal(partial.FunctionName, created.FunctionName);
      await rejects(
        client.send(
          new GetFunctionCommand({
            FunctionName: `arn:aws:lambda:ap-southeast-1:000000000000:function:${created.FunctionName}`,
          }),
        ),
        'ResourceNotFoundException',
        "Functions from 'ap-southeast-1' are not reachable in this region ('us-east-1')",
      );
      await rejects(
        client.send(new GetFunctionCommand({ FunctionName: `${created.FunctionName}:1`, Qualifier: '2' })),
        'InvalidParameterValueException',
        'The derived qualifier from the function name does not match the specified qualifier.',
      );
    });
  });

  describe('ListFunctions', () => {
    it('pages with Marker and MaxItems, in name order, without state', async () => {
      const other = lambdaClient(cloud, 'eu-west-3');
      const names = ['list-c', 'list-a', 'list-b'];
      for (const name of names) await createFunction(other, { FunctionName: name });
      const first = await other.send(new ListFunctionsCommand({ MaxItems: 2 }));
      assert.deepEqual(
        first.Functions?.map((fn) => fn.FunctionName),
        ['list-a', 'list-b'],
      );
      assert.equal(first.Functions?.[0]?.State, undefined);
      assert.ok(first.NextMarker);
      const second = await other.send(new ListFunctionsCommand({ MaxItems: 2, Marker: first.NextMarker }));
      assert.deepEqual(
        second.Functions?.map((fn) => fn.FunctionName),
        ['list-c'],
      );
      assert.equal(second.NextMarker, undefined);
      const all = await other.send(new ListFunctionsCommand({ FunctionVersion: 'ALL' }));
      assert.equal(all.Functions?.[0]?.FunctionArn, 'arn:aws:lambda:eu-west-3:000000000000:function:list-a:$LATEST');
    });
  });

  describe('UpdateFunctionCode', () => {
    it('answers InProgress with the new hash, and later reads Successful', async () => {
      const created = await createFunction(client, {});
      const code = zip({ 'index.js': 'exports.handler = async () => "v2";' });
      const updated = await client.send(
        new UpdateFunctionCodeCommand({ FunctionName: created.FunctionName, ZipFile: code }),
      );
      assert.equal(updated.LastUpdateStatus, 'InProgress');
      assert.equal(updated.LastUpdateStatusReasonCode, 'Creating');
      assert.equal(updated.CodeSha256, sha256(code));
      await waitUntilFunctionUpdatedV2({ client, maxWaitTime: 5, minDelay: 1 }, { FunctionName: created.FunctionName });
      const config = await client.send(new GetFunctionConfigurationCommand({ FunctionName: created.FunctionName }));
      assert.equal(config.LastUpdateStatus, 'Successful');
      assert.equal(config.CodeSha256, sha256(code));
    });

    it('returns PreconditionFailedException for a stale RevisionId', async () => {
      const created = await createFunction(client, {});
      await rejects(
        client.send(
          new UpdateFunctionCodeCommand({ FunctionName: created.FunctionName, ZipFile: nodeEcho, RevisionId: 'stale' }),
        ),
        'PreconditionFailedException',
        'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
      );
    });
  });

  describe('UpdateFunctionConfiguration', () => {
    it('changes what it is given and keeps the rest', async () => {
      const created = await createFunction(client, {
        Description: 'before',
        Environment: { Variables: { ENV_A: '1' } },
      });
      const updated = await client.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: created.FunctionName,
          Timeout: 10,
          MemorySize: 512,
          Runtime: 'python3.12',
          Handler: 'handler.handler',
        }),
      );
      assert.equal(updated.LastUpdateStatus, 'InProgress');
      assert.equal(updated.Timeout, 10);
      assert.equal(updated.MemorySize, 512);
      assert.equal(updated.Runtime, 'python3.12');
      assert.equal(updated.Description, 'before');
      assert.deepEqual(updated.Environment, { Variables: { ENV_A: '1' } });
      await rejects(
        client.send(
          new UpdateFunctionConfigurationCommand({ FunctionName: created.FunctionName, Runtime: 'nodejs12.x' }),
        ),
        'InvalidParameterValueException',
        'The runtime parameter of nodejs12.x is no longer supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime while creating or updating functions.',
      );
    });
  });

  describe('DeleteFunction', () => {
    it('deletes, and a second delete returns ResourceNotFoundException', async () => {
      const created = await createFunction(client, {});
      const deleted = await client.send(new DeleteFunctionCommand({ FunctionName: created.FunctionName }));
      assert.equal(deleted.$metadata.httpStatusCode, 204);
      await rejects(
        client.send(new DeleteFunctionCommand({ FunctionName: created.FunctionName })),
        'ResourceNotFoundException',
        `Function not found: ${created.FunctionArn}`,
      );
    });
  });

  describe('PutFunctionConcurrency and tags', () => {
    it('keeps reserved concurrency and tags, and names a missing function with $LATEST', async () => {
      const created = await createFunction(client, {});
      const put = await client.send(
        new PutFunctionConcurrencyCommand({ FunctionName: created.FunctionName, ReservedConcurrentExecutions: 3 }),
      );
      assert.equal(put.ReservedConcurrentExecutions, 3);
      const got = await client.send(new GetFunctionCommand({ FunctionName: created.FunctionName }));
      assert.deepEqual(got.Concurrency, { ReservedConcurrentExecutions: 3 });
      await rejects(
        client.send(
          new PutFunctionConcurrencyCommand({ FunctionName: 'doesnotexist', ReservedConcurrentExecutions: 1 }),
        ),
        'ResourceNotFoundException',
        'Function not found: arn:aws:lambda:us-east-1:000000000000:function:doesnotexist:$LATEST',
      );
      await client.send(new TagResourceCommand({ Resource: created.FunctionArn, Tags: { A: 'a' } }));
      const tags = await client.send(new ListTagsCommand({ Resource: created.FunctionArn }));
      assert.deepEqual(tags.Tags, { A: 'a' });
    });
  });
});
