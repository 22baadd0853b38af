import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateCodeSigningConfigCommand,
  DeleteCodeSigningConfigCommand,
  DeleteFunctionCodeSigningConfigCommand,
  DeleteFunctionCommand,
  GetCodeSigningConfigCommand,
  GetFunctionCodeSigningConfigCommand,
  type LambdaClient,
  ListCodeSigningConfigsCommand,
  ListFunctionsByCodeSigningConfigCommand,
  PutFunctionCodeSigningConfigCommand,
  UpdateCodeSigningConfigCommand,
} from '@aws-sdk/client-lambda';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { createFunction, fnArn, functionName, lambdaClient, rejectsWith } from './lambda-helpers.js';

// Expected answers: shared/aws-reference/recorded-responses/services/lambda_/test_lambda_api
// (TestCodeSigningConfig test_function_code_signing_config, test_code_signing_not_found_excs).

const profile = 'arn:aws:signer:us-east-1:000000000000:/signing-profiles/test';
const missingConfig = 'arn:aws:lambda:us-east-1:000000000000:code-signing-config:csc-0123456789abcdef0';

describe('Lambda code signing configurations', () => {
  let cloud: NimbusCloud;
  let client: LambdaClient;
  before(async () => {
    cloud = await startCloud();
    client = lambdaClient(cloud);
  });
  after(() => cloud.stop());

  const create = (UntrustedArtifactOnDeployment: 'Warn' | 'Enforce' = 'Enforce') =>
    client.send(
      new CreateCodeSigningConfigCommand({
        Description: 'Testing CodeSigning Config',
        AllowedPublishers: { SigningProfileVersionArns: [profile] },
        CodeSigningPolicies: { UntrustedArtifactOnDeployment },
      }),
    );

  test('creates a configuration with 201, updates, lists and deletes it', async () => {
    const created = await create();
    assert.equal(created.$metadata.httpStatusCode, 201);
    const config = created.CodeSigningConfig;
    assert.match(config?.CodeSigningConfigId ?? '', /^csc-[0-9a-f]{17}$/);
    assert.equal(
      config?.CodeSigningConfigArn,
      `arn:aws:lambda:us-east-1:000000000000:code-signing-config:${config?.CodeSigningConfigId}`,
    );
    assert.deepEqual(config?.AllowedPublishers, { SigningProfileVersionArns: [profile] });
    assert.deepEqual(config?.CodeSigningPolicies, { UntrustedArtifactOnDeployment: 'Enforce' });
    assert.equal(config?.Description, 'Testing CodeSigning Config');
    assert.match(config?.LastModified ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    const arn = config?.CodeSigningConfigArn as string;

    const updated = await client.send(
      new UpdateCodeSigningConfigCommand({
        CodeSigningConfigArn: arn,
        CodeSigningPolicies: { UntrustedArtifactOnDeployment: 'Warn' },
      }),
    );
    assert.equal(updated.CodeSigningConfig?.CodeSigningPolicies?.UntrustedArtifactOnDeployment, 'Warn');
    const got = await client.send(new GetCodeSigningConfigCommand({ CodeSigningConfigArn: arn }));
    assert.deepEqual(got.CodeSigningConfig, updated.CodeSigningConfig);
    const listed = await client.send(new ListCodeSigningConfigsCommand({}));
    assert.ok(listed.CodeSigningConfigs?.some((entry) => entry.CodeSigningConfigArn === arn));

    const deleted = await client.send(new DeleteCodeSigningConfigCommand({ CodeSigningConfigArn: arn }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
    await rejectsWith(
      client.send(new GetCodeSigningConfigCommand({ CodeSigningConfigArn: arn })),
      'ResourceNotFoundException',
      `The Lambda code signing configuration ${arn} can not be found.`,
    );
  });

  test('attaches a configuration to a function, lists the function under it, and detaches it', async () => {
    const arn = (await create()).CodeSigningConfig?.CodeSigningConfigArn as string;
    const name = functionName('csc');
    await createFunction(client, { FunctionName: name });
    const none = await client.send(new GetFunctionCodeSigningConfigCommand({ FunctionName: name }));
    assert.equal(none.$metadata.httpStatusCode, 200);
    assert.equal(none.CodeSigningConfigArn, undefined);
    assert.equal(none.FunctionName, undefined);

    const put = await client.send(
      new PutFunctionCodeSigningConfigCommand({ FunctionName: name, CodeSigningConfigArn: arn }),
    );
    assert.equal(put.CodeSigningConfigArn, arn);
    assert.equal(put.FunctionName, name);
    const got = await client.send(new GetFunctionCodeSigningConfigCommand({ FunctionName: name }));
    assert.equal(got.CodeSigningConfigArn, arn);
    assert.equal(got.FunctionName, name);
    const users = await client.send(new ListFunctionsByCodeSigningConfigCommand({ CodeSigningConfigArn: arn }));
    assert.deepEqual(users.FunctionArns, [fnArn(name)]);

    const detached = await client.send(new DeleteFunctionCodeSigningConfigCommand({ FunctionName: name }));
    assert.equal(detached.$metadata.httpStatusCode, 204);
    const again = await client.send(new DeleteFunctionCodeSigningConfigCommand({ FunctionName: name }));
    assert.equal(again.$metadata.httpStatusCode, 204);
    const empty = await client.send(new ListFunctionsByCodeSigningConfigCommand({ CodeSigningConfigArn: arn }));
    assert.deepEqual(empty.FunctionArns, []);
  });

  test('forgets a deleted function, so that a new one of its name has no configuration', async () => {
    const arn = (await create()).CodeSigningConfig?.CodeSigningConfigArn as string;
    const name = functionName('csc');
    await createFunction(client, { FunctionName: name });
    await client.send(new PutFunctionCodeSigningConfigCommand({ FunctionName: name, CodeSigningConfigArn: arn }));
    await client.send(new DeleteFunctionCommand({ FunctionName: name }));
    await createFunction(client, { FunctionName: name });
    const got = await client.send(new GetFunctionCodeSigningConfigCommand({ FunctionName: name }));
    assert.equal(got.CodeSigningConfigArn, undefined);
  });

  test('answers unknown configurations and functions with the errors AWS gives', async () => {
    const missingFn = 'csc-test-doesnotexist';
    const fnNotFound = `Function not found: ${fnArn(missingFn)}`;
    const configNotFound = `The Lambda code signing configuration ${missingConfig} can not be found.`;
    await rejectsWith(
      client.send(new DeleteCodeSigningConfigCommand({ CodeSigningConfigArn: missingConfig })),
      'ResourceNotFoundException',
      configNotFound,
    );
    await rejectsWith(
      client.send(new UpdateCodeSigningConfigCommand({ CodeSigningConfigArn: missingConfig, Description: 'x' })),
      'ResourceNotFoundException',
      configNotFound,
    );
    await rejectsWith(
      client.send(new ListFunctionsByCodeSigningConfigCommand({ CodeSigningConfigArn: missingConfig })),
      'ResourceNotFoundException',
      configNotFound,
    );
    await rejectsWith(
      client.send(new GetFunctionCodeSigningConfigCommand({ FunctionName: missingFn })),
      'ResourceNotFoundException',
      fnNotFound,
    );
    await rejectsWith(
      client.send(new DeleteFunctionCodeSigningConfigCommand({ FunctionName: missingFn })),
      'ResourceNotFoundException',
      fnNotFound,
    );
    const arn = (await create()).CodeSigningConfig?.CodeSigningConfigArn as string;
    await rejectsWith(
      client.send(new PutFunctionCodeSigningConfigCommand({ FunctionName: missingFn, CodeSigningConfigArn: arn })),
      'ResourceNotFoundException',
      fnNotFound,
    );
    // With both unknown, the configuration is named.
    await rejectsWith(
      client.send(
        new PutFunctionCodeSigningConfigCommand({ FunctionName: missingFn, CodeSigningConfigArn: missingConfig }),
      ),
      'CodeSigningConfigNotFoundException',
      `The code signing configuration cannot be found. Check that the provided configuration is not deleted: ${missingConfig}.`,
    );
  });

  test('attaches the configuration CreateFunction names, and refuses an unknown one', async () => {
    const arn = (await create()).CodeSigningConfig?.CodeSigningConfigArn as string;
    const name = functionName('csc');
    await createFunction(client, { FunctionName: name, CodeSigningConfigArn: arn });
    const got = await client.send(new GetFunctionCodeSigningConfigCommand({ FunctionName: name }));
    assert.equal(got.CodeSigningConfigArn, arn);
    await rejectsWith(
      createFunction(client, { FunctionName: functionName('csc'), CodeSigningConfigArn: missingConfig }),
      'CodeSigningConfigNotFoundException',
      `The code signing configuration cannot be found. Check that the provided configuration is not deleted: ${missingConfig}.`,
    );
  });

  test('refuses to delete a configuration a function uses', async () => {
    const arn = (await create()).CodeSigningConfig?.CodeSigningConfigArn as string;
    const name = functionName('csc');
    await createFunction(client, { FunctionName: name });
    await client.send(new PutFunctionCodeSigningConfigCommand({ FunctionName: name, CodeSigningConfigArn: arn }));
    await rejectsWith(
      client.send(new DeleteCodeSigningConfigCommand({ CodeSigningConfigArn: arn })),
      'ResourceConflictException',
      `The code signing configuration ${arn} is used by one or more functions.`,
      409,
    );
  });
});
