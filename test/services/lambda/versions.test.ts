import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DeleteFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  type LambdaClient,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { createFunction, decode, functionName, lambdaClient, zip } from './lambda-helpers.js';

async function rejects(promise: Promise<unknown>, name: string, message: string): Promise<void> {
  await assert.rejects(promise, (error: Error) => {
    assert.equal(error.name, name);
    assert.equal(error.message, message);
    return true;
  });
}

const versionEcho = zip({
  'index.js':
    'exports.handler = async (event, context) => ({ version: process.env.AWS_LAMBDA_FUNCTION_VERSION, arn: context.invokedFunctionArn, tag: "v1" });',
});
const versionEcho2 = zip({
  'index.js':
    'exports.handler = async (event, context) => ({ version: process.env.AWS_LAMBDA_FUNCTION_VERSION, arn: context.invokedFunctionArn, tag: "v2" });',
});

describe('Lambda versions', () => {
  let cloud: NimbusCloud;
  let client: LambdaClient;
  before(async () => {
    cloud = await startCloud();
    client = lambdaClient(cloud);
  });
  after(async () => {
    await cloud.stop();
  });

  describe('PublishVersion', () => {
    it('publishes $LATEST as version 1 with its own description and gives $LATEST a new revision', async () => {
      const name = functionName('pub');
      await createFunction(client, { FunctionName: name, Description: 'latest' });
      const before = await client.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
      const v1 = await client.send(new PublishVersionCommand({ FunctionName: name, Description: 'first' }));
      assert.equal(v1.Version, '1');
      assert.equal(v1.FunctionArn, `arn:aws:lambda:us-east-1:000000000000:function:${name}:1`);
      assert.equal(v1.Description, 'first');
      assert.equal(v1.State, 'Active');
      assert.equal(v1.LastUpdateStatus, 'Successful');
      const after = await client.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
      assert.equal(after.Description, 'latest');
      assert.notEqual(after.RevisionId, before.RevisionId);
    });

    it('answers the last version again when nothing changed since it was published', async () => {
      const name = functionName('pub');
      await createFunction(client, { FunctionName: name });
      const v1 = await client.send(new PublishVersionCommand({ FunctionName: name }));
      const again = await client.send(new PublishVersionCommand({ FunctionName: name }));
      assert.equal(again.Version, '1');
      assert.equal(again.RevisionId, v1.RevisionId);
      await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Timeout: 9 }));
      const v2 = await client.send(new PublishVersionCommand({ FunctionName: name }));
      assert.equal(v2.Version, '2');
      assert.equal(v2.Timeout, 9);
    });

    it('refuses a CodeSha256 other than $LATEST’s in AWS’s words', async () => {
      const name = functionName('pub');
      const fn = await createFunction(client, { FunctionName: name });
      await rejects(
        client.send(new PublishVersionCommand({ FunctionName: name, CodeSha256: 'somenonexistentsha256' })),
        'InvalidParameterValueException',
        `CodeSHA256 (somenonexistentsha256) is different from current CodeSHA256 in $LATEST (${fn.CodeSha256}). Please try again with the CodeSHA256 in $LATEST.`,
      );
    });

    it('refuses a RevisionId that does not match with PreconditionFailedException', async () => {
      const name = functionName('pub');
      await createFunction(client, { FunctionName: name });
      await rejects(
        client.send(new PublishVersionCommand({ FunctionName: name, RevisionId: 'wrong' })),
        'PreconditionFailedException',
        'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
      );
    });

    it('publishes on CreateFunction with Publish and answers the pending version on the function ARN', async () => {
      const name = functionName('pub');
      const created = await createFunction(client, { FunctionName: name, Publish: true });
      assert.equal(created.Version, '1');
      assert.equal(created.State, 'Pending');
      assert.equal(created.FunctionArn, `arn:aws:lambda:us-east-1:000000000000:function:${name}`);
      const v1 = await client.send(new GetFunctionCommand({ FunctionName: name, Qualifier: '1' }));
      assert.equal(v1.Configuration?.FunctionArn, `arn:aws:lambda:us-east-1:000000000000:function:${name}:1`);
      const latest = await client.send(new GetFunctionCommand({ FunctionName: name, Qualifier: '$LATEST' }));
      assert.equal(latest.Configuration?.FunctionArn, `arn:aws:lambda:us-east-1:000000000000:function:${name}:$LATEST`);
    });

    it('publishes on UpdateFunctionCode with Publish and answers the new version', async () => {
      const name = functionName('pub');
      await createFunction(client, { FunctionName: name, Code: { ZipFile: versionEcho } });
      const updated = await client.send(
        new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: versionEcho2, Publish: true }),
      );
      assert.equal(updated.Version, '1');
      assert.equal(updated.FunctionArn, `arn:aws:lambda:us-east-1:000000000000:function:${name}:1`);
      assert.equal(updated.State, 'Pending');
    });
  });

  describe('ListVersionsByFunction', () => {
    it('lists $LATEST first with qualified ARNs, then each version, and pages with a marker', async () => {
      const name = functionName('list');
      await createFunction(client, { FunctionName: name });
      await client.send(new PublishVersionCommand({ FunctionName: name }));
      await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Timeout: 5 }));
      await client.send(new PublishVersionCommand({ FunctionName: name }));
      const all = await client.send(new ListVersionsByFunctionCommand({ FunctionName: name }));
      assert.deepEqual(
        all.Versions?.map((each) => [each.Version, each.FunctionArn?.split(':').slice(-2).join(':')]),
        [
          ['$LATEST', `${name}:$LATEST`],
          ['1', `${name}:1`],
          ['2', `${name}:2`],
        ],
      );
      assert.equal(all.Versions?.[0]?.State, undefined);
      const first = await client.send(new ListVersionsByFunctionCommand({ FunctionName: name, MaxItems: 2 }));
      assert.equal(first.Versions?.length, 2);
      const rest = await client.send(
        new ListVersionsByFunctionCommand({ FunctionName: name, MaxItems: 2, Marker: first.NextMarker }),
      );
      assert.deepEqual(
        rest.Versions?.map((each) => each.Version),
        ['2'],
      );
      assert.equal(rest.NextMarker, undefined);
    });
  });

  describe('ListFunctions', () => {
    it('lists published versions after $LATEST with FunctionVersion ALL, and only $LATEST without', async () => {
      const name = functionName('listall');
      await createFunction(client, { FunctionName: name, Publish: true });
      const all = await client.send(new ListFunctionsCommand({ FunctionVersion: 'ALL' }));
      assert.deepEqual(
        all.Functions?.filter((fn) => fn.FunctionName === name).map((fn) => fn.Version),
        ['$LATEST', '1'],
      );
      const plain = await client.send(new ListFunctionsCommand({}));
      assert.deepEqual(
        plain.Functions?.filter((fn) => fn.FunctionName === name).map((fn) => fn.Version),
        ['$LATEST'],
      );
    });
  });

  describe('qualifiers', () => {
    it('links each version’s own code from GetFunction', async () => {
      const name = functionName('code');
      await createFunction(client, { FunctionName: name, Code: { ZipFile: versionEcho }, Publish: true });
      await client.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: versionEcho2 }));
      const v1 = await client.send(new GetFunctionCommand({ FunctionName: name, Qualifier: '1' }));
      const latest = await client.send(new GetFunctionCommand({ FunctionName: name }));
      const download = async (url: string | undefined) => Buffer.from(await (await fetch(url ?? '')).arrayBuffer());
      assert.deepEqual(await download(v1.Code?.Location), Buffer.from(versionEcho));
      assert.deepEqual(await download(latest.Code?.Location), Buffer.from(versionEcho2));
    });

    it('runs each version’s own code, names it in X-Amz-Executed-Version and in the environment', async () => {
      const name = functionName('run');
      await createFunction(client, { FunctionName: name, Code: { ZipFile: versionEcho }, Publish: true });
      await client.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: versionEcho2 }));
      const v1 = await client.send(new InvokeCommand({ FunctionName: name, Qualifier: '1' }));
      assert.equal(v1.ExecutedVersion, '1');
      assert.deepEqual(decode(v1.Payload), {
        version: '1',
        arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}:1`,
        tag: 'v1',
      });
      const latest = await client.send(new InvokeCommand({ FunctionName: name }));
      assert.equal(latest.ExecutedVersion, '$LATEST');
      assert.deepEqual(decode(latest.Payload), {
        version: '$LATEST',
        arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
        tag: 'v2',
      });
      const byArn = await client.send(
        new InvokeCommand({ FunctionName: `arn:aws:lambda:us-east-1:000000000000:function:${name}:1` }),
      );
      assert.equal((decode(byArn.Payload) as { tag: string }).tag, 'v1');
    });

    it('shares reserved concurrency among versions: a busy version throttles another', async () => {
      const name = functionName('reserved');
      const slow = zip({
        'index.js':
          'exports.handler = async (event) => { await new Promise((r) => setTimeout(r, event.wait ?? 0)); return "ok"; };',
      });
      await createFunction(client, { FunctionName: name, Code: { ZipFile: slow }, Publish: true });
      await client.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 1 }));
      // Warm both, one after the other: an idle process holds no concurrency.
      await client.send(new InvokeCommand({ FunctionName: name, Qualifier: '1' }));
      await client.send(new InvokeCommand({ FunctionName: name }));
      const busy = client.send(
        new InvokeCommand({ FunctionName: name, Qualifier: '1', Payload: new TextEncoder().encode('{"wait":1500}') }),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      await rejects(
        client.send(new InvokeCommand({ FunctionName: name })),
        'TooManyRequestsException',
        'Rate Exceeded.',
      );
      assert.equal((await busy).StatusCode, 200);
    });

    it('answers Function not found with the qualifier for a version that does not exist', async () => {
      const name = functionName('missing');
      await createFunction(client, { FunctionName: name });
      const arn = `arn:aws:lambda:us-east-1:000000000000:function:${name}:1221`;
      await rejects(
        client.send(new GetFunctionCommand({ FunctionName: name, Qualifier: '1221' })),
        'ResourceNotFoundException',
        `Function not found: ${arn}`,
      );
      await rejects(
        client.send(new InvokeCommand({ FunctionName: name, Qualifier: '1221' })),
        'ResourceNotFoundException',
        `Function not found: ${arn}`,
      );
    });

    it('deletes one version with DeleteFunction and a Qualifier, leaving the function and other versions', async () => {
      const name = functionName('del');
      await createFunction(client, { FunctionName: name, Code: { ZipFile: versionEcho }, Publish: true });
      await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Timeout: 7 }));
      await client.send(new PublishVersionCommand({ FunctionName: name }));
      await client.send(new DeleteFunctionCommand({ FunctionName: name, Qualifier: '1' }));
      const list = await client.send(new ListVersionsByFunctionCommand({ FunctionName: name }));
      assert.deepEqual(
        list.Versions?.map((each) => each.Version),
        ['$LATEST', '2'],
      );
      const v2 = await client.send(new InvokeCommand({ FunctionName: name, Qualifier: '2' }));
      assert.equal((decode(v2.Payload) as { tag: string }).tag, 'v1');
      // Numbers are never reused.
      await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Timeout: 8 }));
      const v3 = await client.send(new PublishVersionCommand({ FunctionName: name }));
      assert.equal(v3.Version, '3');
    });
  });
});
