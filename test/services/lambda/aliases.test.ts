import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateAliasCommand,
  DeleteAliasCommand,
  GetAliasCommand,
  GetFunctionCommand,
  InvokeCommand,
  type LambdaClient,
  ListAliasesCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig, startCloud } from '../../helpers/cloud.js';
import { createFunction, decode, functionName, lambdaClient, zip } from './lambda-helpers.js';

async function rejects(promise: Promise<unknown>, name: string, message: string): Promise<void> {
  await assert.rejects(promise, (error: Error) => {
    assert.equal(error.name, name);
    assert.equal(error.message, message);
    return true;
  });
}

const tagged = (tag: string) =>
  zip({
    'index.js': `exports.handler = async (event, context) => ({ tag: '${tag}', arn: context.invokedFunctionArn });`,
  });

describe('Lambda aliases', () => {
  let cloud: NimbusCloud;
  let client: LambdaClient;
  before(async () => {
    cloud = await startCloud();
    client = lambdaClient(cloud);
  });
  after(async () => {
    await cloud.stop();
  });

  /** A function with versions 1 (tag v1) and 2 (tag v2). */
  async function twoVersions(): Promise<string> {
    const name = functionName('alias');
    await createFunction(client, { FunctionName: name, Code: { ZipFile: tagged('v1') }, Publish: true });
    await client.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: tagged('v2'), Publish: true }));
    return name;
  }

  describe('CreateAlias', () => {
    it('creates an alias with routing and answers it as GetAlias does', async () => {
      const name = await twoVersions();
      const created = await client.send(
        new CreateAliasCommand({
          FunctionName: name,
          Name: 'live',
          FunctionVersion: '1',
          Description: 'custom-alias',
          RoutingConfig: { AdditionalVersionWeights: { '2': 0.2 } },
        }),
      );
      assert.equal(created.AliasArn, `arn:aws:lambda:us-east-1:000000000000:function:${name}:live`);
      assert.equal(created.FunctionVersion, '1');
      assert.deepEqual(created.RoutingConfig, { AdditionalVersionWeights: { '2': 0.2 } });
      const got = await client.send(new GetAliasCommand({ FunctionName: name, Name: 'live' }));
      assert.deepEqual({ ...got, $metadata: undefined }, { ...created, $metadata: undefined });
      const fn = await client.send(new GetFunctionCommand({ FunctionName: name, Qualifier: 'live' }));
      assert.equal(fn.Configuration?.FunctionArn, created.AliasArn);
      assert.equal(fn.Configuration?.Version, '1');
    });

    it('refuses an alias that exists, a missing version and a name of digits', async () => {
      const name = await twoVersions();
      await client.send(new CreateAliasCommand({ FunctionName: name, Name: 'custom', FunctionVersion: '1' }));
      const arn = `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
      await rejects(
        client.send(new CreateAliasCommand({ FunctionName: name, Name: 'custom', FunctionVersion: '1' })),
        'ResourceConflictException',
        `Alias already exists: ${arn}:custom`,
      );
      await rejects(
        client.send(new CreateAliasCommand({ FunctionName: name, Name: 'other', FunctionVersion: '10' })),
        'ResourceNotFoundException',
        `Function not found: ${arn}:10`,
      );
      await rejects(
        client.send(new CreateAliasCommand({ FunctionName: name, Name: '2024', FunctionVersion: '1' })),
        'ValidationException',
        "1 validation error detected: Value '2024' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)",
      );
    });

    it('refuses routing configurations as AWS does', async () => {
      const name = await twoVersions();
      const create = (version: string, weights: Record<string, number>) =>
        client.send(
          new CreateAliasCommand({
            FunctionName: name,
            Name: 'routed',
            FunctionVersion: version,
            RoutingConfig: { AdditionalVersionWeights: weights },
          }),
        );
      await rejects(
        create('1', { '2': 0.5, '3': 0.2 }),
        'InvalidParameterValueException',
        'Number of items in AdditionalVersionWeights cannot be greater than 1',
      );
      await rejects(
        create('1', { '1': 0.5 }),
        'InvalidParameterValueException',
        'Invalid function version 1. Function version 1 is already included in routing configuration.',
      );
      await rejects(
        create('$LATEST', { '1': 0.5 }),
        'InvalidParameterValueException',
        '$LATEST is not supported for an alias pointing to more than 1 version',
      );
      await rejects(
        create('1', { '10': 0.5 }),
        'ResourceNotFoundException',
        `Function not found: arn:aws:lambda:us-east-1:000000000000:function:${name}:10`,
      );
    });
  });

  describe('UpdateAlias', () => {
    it('moves an alias and refuses a stale RevisionId or an alias that does not exist', async () => {
      const name = await twoVersions();
      const created = await client.send(
        new CreateAliasCommand({ FunctionName: name, Name: 'moving', FunctionVersion: '1' }),
      );
      const moved = await client.send(
        new UpdateAliasCommand({
          FunctionName: name,
          Name: 'moving',
          FunctionVersion: '2',
          RevisionId: created.RevisionId,
        }),
      );
      assert.equal(moved.FunctionVersion, '2');
      assert.notEqual(moved.RevisionId, created.RevisionId);
      const invoked = await client.send(new InvokeCommand({ FunctionName: name, Qualifier: 'moving' }));
      assert.equal(invoked.ExecutedVersion, '2');
      assert.deepEqual(decode(invoked.Payload), {
        tag: 'v2',
        arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}:moving`,
      });
      await rejects(
        client.send(new UpdateAliasCommand({ FunctionName: name, Name: 'moving', RevisionId: created.RevisionId })),
        'PreconditionFailedException',
        'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
      );
      await rejects(
        client.send(new UpdateAliasCommand({ FunctionName: name, Name: 'non-existent', FunctionVersion: '1' })),
        'ResourceNotFoundException',
        `Alias not found: arn:aws:lambda:us-east-1:000000000000:function:${name}:non-existent`,
      );
    });
  });

  describe('Invoke through an alias', () => {
    it('sends invocations to both versions by weight', async () => {
      const name = await twoVersions();
      await client.send(
        new CreateAliasCommand({
          FunctionName: name,
          Name: 'split',
          FunctionVersion: '1',
          RoutingConfig: { AdditionalVersionWeights: { '2': 0.5 } },
        }),
      );
      const seen = new Set<string>();
      for (let i = 0; i < 30 && seen.size < 2; i++) {
        const out = await client.send(new InvokeCommand({ FunctionName: name, Qualifier: 'split' }));
        seen.add(out.ExecutedVersion ?? '');
      }
      assert.deepEqual([...seen].sort(), ['1', '2']);
    });

    it('answers Function not found with the alias for one that does not exist', async () => {
      const name = await twoVersions();
      await rejects(
        client.send(new InvokeCommand({ FunctionName: name, Qualifier: 'non-existent-alias' })),
        'ResourceNotFoundException',
        `Function not found: arn:aws:lambda:us-east-1:000000000000:function:${name}:non-existent-alias`,
      );
    });
  });

  describe('asynchronous invocations through an alias', () => {
    /** A function whose versions log `RAN <tag> <version>` for each event. */
    async function loggingVersions(): Promise<string> {
      const name = functionName('async');
      const code = (tag: string) =>
        zip({
          'index.js': `exports.handler = async () => { console.log('RAN ${tag} ' + process.env.AWS_LAMBDA_FUNCTION_VERSION); };`,
        });
      await createFunction(client, { FunctionName: name, Code: { ZipFile: code('v1') }, Publish: true });
      await client.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: code('v2') }));
      await client.send(new CreateAliasCommand({ FunctionName: name, Name: 'stable', FunctionVersion: '1' }));
      return name;
    }

    async function ran(name: string): Promise<string> {
      const logs = new CloudWatchLogsClient(clientConfig(cloud));
      const deadline = Date.now() + 10_000;
      for (;;) {
        const out = await logs
          .send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${name}`, filterPattern: 'RAN' }))
          .catch(() => ({ events: [] }));
        const line = out.events?.[0]?.message;
        if (line) return line.slice(line.indexOf('RAN ')).trim();
        if (Date.now() > deadline) assert.fail('the function did not run');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    it('runs the alias’s version for an Event invocation', async () => {
      const name = await loggingVersions();
      const out = await client.send(
        new InvokeCommand({ FunctionName: name, Qualifier: 'stable', InvocationType: 'Event' }),
      );
      assert.equal(out.StatusCode, 202);
      assert.equal(await ran(name), 'RAN v1 1');
    });

    it('runs the alias’s version for an SNS subscription to the alias ARN', async () => {
      const name = await loggingVersions();
      const sns = new SNSClient(clientConfig(cloud));
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `${name}-topic` }));
      await sns.send(
        new SubscribeCommand({
          TopicArn,
          Protocol: 'lambda',
          Endpoint: `arn:aws:lambda:us-east-1:000000000000:function:${name}:stable`,
        }),
      );
      await sns.send(new PublishCommand({ TopicArn, Message: 'hello' }));
      assert.equal(await ran(name), 'RAN v1 1');
    });
  });

  describe('GetAlias, ListAliases and DeleteAlias', () => {
    it('lists aliases by name, filters by version, deletes one, and deleting a missing one succeeds', async () => {
      const name = await twoVersions();
      await client.send(new CreateAliasCommand({ FunctionName: name, Name: 'b', FunctionVersion: '2' }));
      await client.send(new CreateAliasCommand({ FunctionName: name, Name: 'a', FunctionVersion: '1' }));
      const all = await client.send(new ListAliasesCommand({ FunctionName: name }));
      assert.deepEqual(
        all.Aliases?.map((alias) => alias.Name),
        ['a', 'b'],
      );
      const two = await client.send(new ListAliasesCommand({ FunctionName: name, FunctionVersion: '2' }));
      assert.deepEqual(
        two.Aliases?.map((alias) => alias.Name),
        ['b'],
      );
      await client.send(new DeleteAliasCommand({ FunctionName: name, Name: 'a' }));
      await client.send(new DeleteAliasCommand({ FunctionName: name, Name: 'a' }));
      await rejects(
        client.send(new GetAliasCommand({ FunctionName: name, Name: 'a' })),
        'ResourceNotFoundException',
        `Cannot find alias arn: arn:aws:lambda:us-east-1:000000000000:function:${name}:a`,
      );
      const v3 = await client.send(new PublishVersionCommand({ FunctionName: name }));
      assert.equal(v3.Version, '2');
    });
  });
});
