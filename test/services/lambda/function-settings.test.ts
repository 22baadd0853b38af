import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateAliasCommand,
  DeleteAliasCommand,
  DeleteFunctionCommand,
  DeleteProvisionedConcurrencyConfigCommand,
  GetAccountSettingsCommand,
  GetFunctionRecursionConfigCommand,
  GetProvisionedConcurrencyConfigCommand,
  GetRuntimeManagementConfigCommand,
  type LambdaClient,
  ListProvisionedConcurrencyConfigsCommand,
  PublishLayerVersionCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  PutFunctionRecursionConfigCommand,
  PutProvisionedConcurrencyConfigCommand,
  PutRuntimeManagementConfigCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { createFunction, fnArn, functionName, lambdaClient, rejectsWith, zip } from './lambda-helpers.js';

// Expected answers: shared/aws-reference/recorded-responses/services/lambda_/test_lambda_api
// (TestLambdaProvisionedConcurrency, TestLambdaAccountSettings, TestLambdaRecursion) and
// test_lambda (TestLambdaConcurrency test_reserved_provisioned_overlap).

const lambdaDate = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/;
const runtimeVersion =
  'arn:aws:lambda:us-east-1::runtime:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

describe('Lambda function settings', () => {
  let cloud: NimbusCloud;
  let client: LambdaClient;
  before(async () => {
    cloud = await startCloud();
    client = lambdaClient(cloud);
  });
  after(() => cloud.stop());

  /** A function with versions 1 and 2 and, when asked, an alias `live` on version 1. */
  async function published(options: { alias?: boolean; on?: LambdaClient } = {}): Promise<string> {
    const on = options.on ?? client;
    const name = functionName('settings');
    await createFunction(on, { FunctionName: name, Publish: true });
    await on.send(
      new UpdateFunctionCodeCommand({
        FunctionName: name,
        ZipFile: zip({ 'index.js': 'exports.handler = async () => 2;' }),
        Publish: true,
      }),
    );
    if (options.alias) {
      await on.send(new CreateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: '1' }));
    }
    return name;
  }

  const put = (FunctionName: string, Qualifier: string, ProvisionedConcurrentExecutions = 1, on = client) =>
    on.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName, Qualifier, ProvisionedConcurrentExecutions }));
  const get = (FunctionName: string, Qualifier: string) =>
    client.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName, Qualifier }));
  const list = (FunctionName: string, MaxItems?: number, Marker?: string) =>
    client.send(new ListProvisionedConcurrencyConfigsCommand({ FunctionName, MaxItems, Marker }));

  describe('PutProvisionedConcurrencyConfig', () => {
    test('answers 202 IN_PROGRESS with nothing allocated yet for a version and an alias', async () => {
      const name = await published({ alias: true });
      for (const qualifier of ['2', 'live']) {
        const out = await put(name, qualifier, 3);
        assert.equal(out.$metadata.httpStatusCode, 202);
        assert.equal(out.RequestedProvisionedConcurrentExecutions, 3);
        assert.equal(out.AvailableProvisionedConcurrentExecutions, 0);
        assert.equal(out.AllocatedProvisionedConcurrentExecutions, 0);
        assert.equal(out.Status, 'IN_PROGRESS');
        assert.match(out.LastModified ?? '', lambdaDate);
      }
    });

    test('replaces the configuration a qualifier has', async () => {
      const name = await published();
      await put(name, '1', 2);
      await put(name, '1', 4);
      const got = await get(name, '1');
      assert.equal(got.RequestedProvisionedConcurrentExecutions, 4);
      assert.equal((await list(name)).ProvisionedConcurrencyConfigs?.length, 1);
    });

    test('refuses $LATEST with InvalidParameterValueException', async () => {
      const name = await published();
      await rejectsWith(
        put(name, '$LATEST'),
        'InvalidParameterValueException',
        'Provisioned Concurrency Configs cannot be applied to unpublished function versions.',
        400,
      );
    });

    test('returns ValidationException for 0', async () => {
      const name = await published();
      await rejectsWith(
        put(name, '1', 0),
        'ValidationException',
        "1 validation error detected: Value '0' at 'provisionedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 1",
        400,
      );
    });

    test('returns ResourceNotFoundException for a missing alias, version or function', async () => {
      const name = await published();
      await rejectsWith(
        put(name, 'doesnotexist'),
        'ResourceNotFoundException',
        `Cannot find alias arn: ${fnArn(name, 'doesnotexist')}`,
        404,
      );
      await rejectsWith(put(name, '10'), 'ResourceNotFoundException', `Function not found: ${fnArn(name, '10')}`, 404);
      await rejectsWith(
        put('doesnotexist', 'noalias'),
        'ResourceNotFoundException',
        `Cannot find alias arn: ${fnArn('doesnotexist', 'noalias')}`,
        404,
      );
      await rejectsWith(
        put('doesnotexist', '1'),
        'ResourceNotFoundException',
        `Function not found: ${fnArn('doesnotexist', '1')}`,
        404,
      );
    });

    test('refuses more than the function reserves, counting its other configurations', async () => {
      const name = await published();
      await client.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 2 }));
      await put(name, '1', 2);
      const message =
        'Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function';
      await rejectsWith(put(name, '2', 1), 'InvalidParameterValueException', message, 400);
      await rejectsWith(put(name, '1', 3), 'InvalidParameterValueException', message, 400);
      // Its own configuration does not count against itself.
      assert.equal((await put(name, '1', 1)).RequestedProvisionedConcurrentExecutions, 1);
    });

    test("refuses more than the account's unreserved concurrency, and leaving it under 100", async () => {
      const west = lambdaClient(cloud, 'us-west-2');
      const name = await published({ on: west });
      await rejectsWith(
        put(name, '1', 1001, west),
        'InvalidParameterValueException',
        "Specified ConcurrentExecutions for function is greater than account's unreserved concurrency [1000].",
        400,
      );
      await rejectsWith(
        put(name, '1', 901, west),
        'InvalidParameterValueException',
        "Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].",
        400,
      );
      assert.equal((await put(name, '1', 900, west)).Status, 'IN_PROGRESS');
    });

    test('returns ResourceConflictException for an alias and its version both provisioned', async () => {
      const name = await published({ alias: true });
      await put(name, '1');
      await rejectsWith(
        put(name, 'live'),
        'ResourceConflictException',
        "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version",
        409,
      );
      await client.send(new DeleteProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: '1' }));
      await put(name, 'live');
      await rejectsWith(
        put(name, '1'),
        'ResourceConflictException',
        'Version is pointed by a Provisioned Concurrency alias',
        409,
      );
    });
  });

  describe('GetProvisionedConcurrencyConfig', () => {
    test('answers READY with all of it allocated after the Put', async () => {
      const name = await published({ alias: true });
      const putOut = await put(name, 'live', 5);
      const got = await get(name, 'live');
      assert.equal(got.$metadata.httpStatusCode, 200);
      assert.equal(got.RequestedProvisionedConcurrentExecutions, 5);
      assert.equal(got.AvailableProvisionedConcurrentExecutions, 5);
      assert.equal(got.AllocatedProvisionedConcurrentExecutions, 5);
      assert.equal(got.Status, 'READY');
      assert.equal(got.LastModified, putOut.LastModified);
    });

    test('returns ProvisionedConcurrencyConfigNotFoundException when none is set', async () => {
      const name = await published();
      await rejectsWith(
        get(name, '1'),
        'ProvisionedConcurrencyConfigNotFoundException',
        'No Provisioned Concurrency Config found for this function',
        404,
      );
    });

    test('refuses $LATEST and names a missing alias or version', async () => {
      const name = await published();
      await rejectsWith(
        get(name, '$LATEST'),
        'InvalidParameterValueException',
        'The function resource provided must be an alias or a published version.',
        400,
      );
      await rejectsWith(
        get(name, 'noalias'),
        'ResourceNotFoundException',
        `Cannot find alias arn: ${fnArn(name, 'noalias')}`,
        404,
      );
      await rejectsWith(get(name, '10'), 'ResourceNotFoundException', `Function not found: ${fnArn(name, '10')}`, 404);
      await rejectsWith(
        get('doesnotexist', 'noalias'),
        'ResourceNotFoundException',
        `Cannot find alias arn: ${fnArn('doesnotexist', 'noalias')}`,
        404,
      );
    });
  });

  describe('DeleteProvisionedConcurrencyConfig', () => {
    const remove = (FunctionName: string, Qualifier: string) =>
      client.send(new DeleteProvisionedConcurrencyConfigCommand({ FunctionName, Qualifier }));

    test('deletes the configuration with 204, after which Get finds none', async () => {
      const name = await published();
      await put(name, '1');
      assert.equal((await remove(name, '1')).$metadata.httpStatusCode, 204);
      await rejectsWith(
        get(name, '1'),
        'ProvisionedConcurrencyConfigNotFoundException',
        'No Provisioned Concurrency Config found for this function',
        404,
      );
    });

    test('answers 204 when there is no configuration', async () => {
      const name = await published();
      assert.equal((await remove(name, '1')).$metadata.httpStatusCode, 204);
    });

    test('refuses $LATEST and names a missing function, alias or version', async () => {
      const name = await published();
      await rejectsWith(
        remove(name, '$LATEST'),
        'InvalidParameterValueException',
        'The function resource provided must be an alias or a published version.',
        400,
      );
      await rejectsWith(
        remove('doesnotexist', '1'),
        'ResourceNotFoundException',
        `Function not found: ${fnArn('doesnotexist', '1')}`,
        404,
      );
      await rejectsWith(
        remove(name, 'noalias'),
        'ResourceNotFoundException',
        `Cannot find alias arn: ${fnArn(name, 'noalias')}`,
        404,
      );
      await rejectsWith(
        remove(name, '10'),
        'ResourceNotFoundException',
        `Function not found: ${fnArn(name, '10')}`,
        404,
      );
    });
  });

  describe('ListProvisionedConcurrencyConfigs', () => {
    test('answers an empty list for a function without configurations', async () => {
      const name = await published();
      assert.deepEqual((await list(name)).ProvisionedConcurrencyConfigs, []);
    });

    test('lists each configuration with its qualified ARN, in pages', async () => {
      const name = await published({ alias: true });
      await put(name, '2', 2);
      await put(name, 'live', 1);
      const first = await list(name, 1);
      assert.equal(first.ProvisionedConcurrencyConfigs?.length, 1);
      assert.equal(first.ProvisionedConcurrencyConfigs?.[0]?.FunctionArn, fnArn(name, '2'));
      assert.equal(first.ProvisionedConcurrencyConfigs?.[0]?.Status, 'READY');
      assert.equal(first.ProvisionedConcurrencyConfigs?.[0]?.AllocatedProvisionedConcurrentExecutions, 2);
      assert.match(first.ProvisionedConcurrencyConfigs?.[0]?.LastModified ?? '', lambdaDate);
      assert.ok(first.NextMarker);
      const second = await list(name, 1, first.NextMarker);
      assert.deepEqual(
        second.ProvisionedConcurrencyConfigs?.map((entry) => entry.FunctionArn),
        [fnArn(name, 'live')],
      );
      assert.equal(second.NextMarker, undefined);
    });

    test('returns ResourceNotFoundException naming the unqualified function', async () => {
      await rejectsWith(
        list('doesnotexist'),
        'ResourceNotFoundException',
        `Function not found: ${fnArn('doesnotexist')}`,
        404,
      );
    });

    test('forgets the configurations of a deleted alias, version and function', async () => {
      const name = await published({ alias: true });
      await put(name, 'live');
      await put(name, '2');
      await client.send(new DeleteAliasCommand({ FunctionName: name, Name: 'live' }));
      await rejectsWith(
        get(name, 'live'),
        'ResourceNotFoundException',
        `Cannot find alias arn: ${fnArn(name, 'live')}`,
        404,
      );
      await client.send(new DeleteFunctionCommand({ FunctionName: name, Qualifier: '2' }));
      assert.deepEqual((await list(name)).ProvisionedConcurrencyConfigs, []);

      const other = await published();
      await put(other, '1');
      await client.send(new DeleteFunctionCommand({ FunctionName: other }));
      await createFunction(client, { FunctionName: other, Publish: true });
      assert.deepEqual((await list(other)).ProvisionedConcurrencyConfigs, []);
    });
  });

  describe('PutFunctionConcurrency', () => {
    test("refuses less than the function's provisioned concurrency", async () => {
      const name = await published();
      await put(name, '1', 2);
      await rejectsWith(
        client.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 1 })),
        'InvalidParameterValueException',
        " ReservedConcurrentExecutions  1 should not be lower than function's total provisioned concurrency [2].",
        400,
      );
      const out = await client.send(
        new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 2 }),
      );
      assert.equal(out.ReservedConcurrentExecutions, 2);
    });
  });

  describe('GetAccountSettings', () => {
    test("answers AWS's limits and the region's functions and code", async () => {
      const central = lambdaClient(cloud, 'eu-central-1');
      const empty = await central.send(new GetAccountSettingsCommand({}));
      assert.deepEqual(empty.AccountLimit, {
        TotalCodeSize: 80530636800,
        CodeSizeUnzipped: 262144000,
        CodeSizeZipped: 52428800,
        ConcurrentExecutions: 1000,
        UnreservedConcurrentExecutions: 1000,
      });
      assert.deepEqual(empty.AccountUsage, { TotalCodeSize: 0, FunctionCount: 0 });

      const first = await createFunction(central, {});
      const second = await createFunction(central, {});
      const size = first.CodeSize ?? 0;
      assert.ok(size > 0);
      await central.send(
        new PutFunctionConcurrencyCommand({ FunctionName: second.FunctionName, ReservedConcurrentExecutions: 100 }),
      );
      const two = await central.send(new GetAccountSettingsCommand({}));
      assert.equal(two.AccountLimit?.UnreservedConcurrentExecutions, 900);
      assert.deepEqual(two.AccountUsage, { TotalCodeSize: size + (second.CodeSize ?? 0), FunctionCount: 2 });

      // A configuration change adds nothing; a published version and a layer version add their code
      // (test_account_settings_total_code_size_config_update, test_account_settings_total_code_size).
      await central.send(new UpdateFunctionConfigurationCommand({ FunctionName: first.FunctionName, Timeout: 9 }));
      const unchanged = await central.send(new GetAccountSettingsCommand({}));
      assert.equal(unchanged.AccountUsage?.TotalCodeSize, two.AccountUsage?.TotalCodeSize);
      await central.send(new PublishVersionCommand({ FunctionName: first.FunctionName }));
      const layer = await central.send(
        new PublishLayerVersionCommand({
          LayerName: functionName('layer'),
          Content: { ZipFile: zip({ 'nodejs/lib.js': 'module.exports = 1;' }) },
        }),
      );
      const more = await central.send(new GetAccountSettingsCommand({}));
      assert.equal(
        more.AccountUsage?.TotalCodeSize,
        (two.AccountUsage?.TotalCodeSize ?? 0) + size + (layer.Content?.CodeSize ?? 0),
      );
      assert.equal(more.AccountUsage?.FunctionCount, 2);

      await central.send(new DeleteFunctionCommand({ FunctionName: second.FunctionName }));
      const after = await central.send(new GetAccountSettingsCommand({}));
      assert.equal(after.AccountLimit?.UnreservedConcurrentExecutions, 1000);
      assert.equal(after.AccountUsage?.FunctionCount, 1);
    });
  });

  describe('GetFunctionRecursionConfig', () => {
    test('answers Terminate for a function that never set it', async () => {
      const created = await createFunction(client, {});
      const out = await client.send(new GetFunctionRecursionConfigCommand({ FunctionName: created.FunctionName }));
      assert.equal(out.RecursiveLoop, 'Terminate');
    });

    test('returns ResourceNotFoundException for a missing function', async () => {
      await rejectsWith(
        client.send(new GetFunctionRecursionConfigCommand({ FunctionName: 'doesnotexist' })),
        'ResourceNotFoundException',
        `Function not found: ${fnArn('doesnotexist')}`,
        404,
      );
    });
  });

  describe('PutFunctionRecursionConfig', () => {
    test('answers and keeps Allow, then Terminate again', async () => {
      const created = await createFunction(client, {});
      const FunctionName = created.FunctionName;
      const out = await client.send(new PutFunctionRecursionConfigCommand({ FunctionName, RecursiveLoop: 'Allow' }));
      assert.equal(out.RecursiveLoop, 'Allow');
      assert.equal((await client.send(new GetFunctionRecursionConfigCommand({ FunctionName }))).RecursiveLoop, 'Allow');
      await client.send(new PutFunctionRecursionConfigCommand({ FunctionName, RecursiveLoop: 'Terminate' }));
      assert.equal(
        (await client.send(new GetFunctionRecursionConfigCommand({ FunctionName }))).RecursiveLoop,
        'Terminate',
      );
    });

    test('returns ValidationException for a value that is not Allow or Terminate', async () => {
      const created = await createFunction(client, {});
      // AWS lists the set as [Terminate, Allow] (put_recursion_invalid_value_error; the model
      // patch puts it in that order).
      await rejectsWith(
        client.send(
          new PutFunctionRecursionConfigCommand({
            FunctionName: created.FunctionName,
            RecursiveLoop: 'InvalidValue' as 'Allow',
          }),
        ),
        'ValidationException',
        "1 validation error detected: Value 'InvalidValue' at 'recursiveLoop' failed to satisfy constraint: Member must satisfy enum value set: [Terminate, Allow]",
        400,
      );
    });

    test('returns ResourceNotFoundException for a missing function', async () => {
      await rejectsWith(
        client.send(new PutFunctionRecursionConfigCommand({ FunctionName: 'doesnotexist', RecursiveLoop: 'Allow' })),
        'ResourceNotFoundException',
        `Function not found: ${fnArn('doesnotexist')}`,
        404,
      );
    });
  });

  describe('GetRuntimeManagementConfig', () => {
    test('answers Auto with the function ARN and no runtime version until set', async () => {
      const name = await published();
      const out = await client.send(new GetRuntimeManagementConfigCommand({ FunctionName: name }));
      assert.equal(out.UpdateRuntimeOn, 'Auto');
      assert.equal(out.FunctionArn, fnArn(name));
      assert.equal(out.RuntimeVersionArn, undefined);
      const version = await client.send(new GetRuntimeManagementConfigCommand({ FunctionName: name, Qualifier: '1' }));
      assert.equal(version.UpdateRuntimeOn, 'Auto');
      assert.equal(version.FunctionArn, fnArn(name, '1'));
    });

    test('returns ResourceNotFoundException for a missing function or version', async () => {
      const name = await published();
      await rejectsWith(
        client.send(new GetRuntimeManagementConfigCommand({ FunctionName: 'doesnotexist' })),
        'ResourceNotFoundException',
        `Function not found: ${fnArn('doesnotexist')}`,
        404,
      );
      await rejectsWith(
        client.send(new GetRuntimeManagementConfigCommand({ FunctionName: name, Qualifier: '10' })),
        'ResourceNotFoundException',
        `Function not found: ${fnArn(name, '10')}`,
        404,
      );
    });
  });

  describe('PutRuntimeManagementConfig', () => {
    test('keeps Manual with its runtime version for one version only', async () => {
      const name = await published();
      const out = await client.send(
        new PutRuntimeManagementConfigCommand({
          FunctionName: name,
          Qualifier: '1',
          UpdateRuntimeOn: 'Manual',
          RuntimeVersionArn: runtimeVersion,
        }),
      );
      assert.equal(out.UpdateRuntimeOn, 'Manual');
      assert.equal(out.FunctionArn, fnArn(name, '1'));
      assert.equal(out.RuntimeVersionArn, runtimeVersion);
      const got = await client.send(new GetRuntimeManagementConfigCommand({ FunctionName: name, Qualifier: '1' }));
      assert.equal(got.UpdateRuntimeOn, 'Manual');
      assert.equal(got.RuntimeVersionArn, runtimeVersion);
      const latest = await client.send(new GetRuntimeManagementConfigCommand({ FunctionName: name }));
      assert.equal(latest.UpdateRuntimeOn, 'Auto');
    });

    test('answers FunctionUpdate without a runtime version', async () => {
      const name = await published();
      const out = await client.send(
        new PutRuntimeManagementConfigCommand({ FunctionName: name, UpdateRuntimeOn: 'FunctionUpdate' }),
      );
      assert.equal(out.UpdateRuntimeOn, 'FunctionUpdate');
      assert.equal(out.FunctionArn, fnArn(name));
      assert.equal(out.RuntimeVersionArn, undefined);
      const got = await client.send(new GetRuntimeManagementConfigCommand({ FunctionName: name }));
      assert.equal(got.UpdateRuntimeOn, 'FunctionUpdate');
    });

    test('refuses Manual without a runtime version', async () => {
      const name = await published();
      await rejectsWith(
        client.send(new PutRuntimeManagementConfigCommand({ FunctionName: name, UpdateRuntimeOn: 'Manual' })),
        'InvalidParameterValueException',
        'RuntimeVersionArn is required when UpdateRuntimeOn is Manual.',
        400,
      );
    });

    test('returns ValidationException for an unknown mode', async () => {
      const name = await published();
      await rejectsWith(
        client.send(
          new PutRuntimeManagementConfigCommand({ FunctionName: name, UpdateRuntimeOn: 'Sometimes' as 'Auto' }),
        ),
        'ValidationException',
        "1 validation error detected: Value 'Sometimes' at 'updateRuntimeOn' failed to satisfy constraint: Member must satisfy enum value set: [Auto, Manual, FunctionUpdate]",
        400,
      );
    });

    test('forgets the setting with the function', async () => {
      const name = await published();
      await client.send(
        new PutRuntimeManagementConfigCommand({ FunctionName: name, UpdateRuntimeOn: 'FunctionUpdate' }),
      );
      await client.send(new DeleteFunctionCommand({ FunctionName: name }));
      await createFunction(client, { FunctionName: name });
      const got = await client.send(new GetRuntimeManagementConfigCommand({ FunctionName: name }));
      assert.equal(got.UpdateRuntimeOn, 'Auto');
    });
  });
});
