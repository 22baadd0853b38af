import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import {
  AddLayerVersionPermissionCommand,
  CreateFunctionCommand,
  DeleteLayerVersionCommand,
  GetFunctionConfigurationCommand,
  GetLayerVersionByArnCommand,
  GetLayerVersionCommand,
  GetLayerVersionPolicyCommand,
  InvokeCommand,
  type LambdaClient,
  ListLayersCommand,
  ListLayerVersionsCommand,
  PublishLayerVersionCommand,
  RemoveLayerVersionPermissionCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig, startCloud } from '../../helpers/cloud.js';
import { createFunction, decode, functionName, lambdaClient, role, zip } from './lambda-helpers.js';

async function rejects(promise: Promise<unknown>, name: string, message: string): Promise<void> {
  await assert.rejects(promise, (error: Error) => {
    assert.equal(error.name, name);
    assert.equal(error.message, message);
    return true;
  });
}

const hasPython = spawnSync('python3', ['--version']).status === 0;

const nodeLayer = zip({
  'nodejs/node_modules/greeting/index.js': "module.exports = (name) => 'hello ' + name;",
  'bin/tool': ['#!/bin/sh\necho tool', 0o755],
});
const pythonLayer = zip({ 'python/greeting.py': "def greet(name):\n    return 'hi ' + name\n" });

describe('Lambda layers', () => {
  let cloud: NimbusCloud;
  let client: LambdaClient;
  before(async () => {
    cloud = await startCloud();
    client = lambdaClient(cloud);
  });
  after(async () => {
    await cloud.stop();
  });

  describe('PublishLayerVersion', () => {
    it('numbers versions per layer, never reusing one, and lists them newest first', async () => {
      const layer = functionName('layer');
      const first = await client.send(
        new PublishLayerVersionCommand({
          LayerName: layer,
          Content: { ZipFile: nodeLayer },
          CompatibleRuntimes: ['nodejs20.x'],
          CompatibleArchitectures: ['x86_64'],
          LicenseInfo: 'MIT',
          Description: 'greetings',
        }),
      );
      assert.equal(first.Version, 1);
      assert.equal(first.LayerArn, `arn:aws:lambda:us-east-1:000000000000:layer:${layer}`);
      assert.equal(first.LayerVersionArn, `${first.LayerArn}:1`);
      assert.equal(first.Content?.CodeSize, nodeLayer.length);
      assert.match(first.CreatedDate ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
      const location = first.Content?.Location ?? '';
      const downloaded = Buffer.from(await (await fetch(location)).arrayBuffer());
      assert.deepEqual(downloaded, Buffer.from(nodeLayer));
      await client.send(new PublishLayerVersionCommand({ LayerName: layer, Content: { ZipFile: nodeLayer } }));
      const listed = await client.send(new ListLayerVersionsCommand({ LayerName: layer }));
      assert.deepEqual(
        listed.LayerVersions?.map((each) => each.Version),
        [2, 1],
      );
      assert.equal(listed.LayerVersions?.[1]?.LicenseInfo, 'MIT');
      const nodeOnly = await client.send(
        new ListLayerVersionsCommand({ LayerName: layer, CompatibleRuntime: 'nodejs20.x' }),
      );
      assert.deepEqual(
        nodeOnly.LayerVersions?.map((each) => each.Version),
        [1],
      );
      await client.send(new DeleteLayerVersionCommand({ LayerName: layer, VersionNumber: 1 }));
      await client.send(new DeleteLayerVersionCommand({ LayerName: layer, VersionNumber: 2 }));
      const third = await client.send(
        new PublishLayerVersionCommand({ LayerName: layer, Content: { ZipFile: nodeLayer } }),
      );
      assert.equal(third.Version, 3);
    });

    it('reads its zip from S3', async () => {
      const s3 = new S3Client({ ...clientConfig(cloud), forcePathStyle: true });
      await s3.send(new CreateBucketCommand({ Bucket: 'layer-code' }));
      await s3.send(new PutObjectCommand({ Bucket: 'layer-code', Key: 'layer.zip', Body: pythonLayer }));
      const layer = functionName('s3layer');
      const published = await client.send(
        new PublishLayerVersionCommand({ LayerName: layer, Content: { S3Bucket: 'layer-code', S3Key: 'layer.zip' } }),
      );
      assert.equal(published.Content?.CodeSize, pythonLayer.length);
    });
  });

  describe('GetLayerVersion and ListLayers', () => {
    it('answers a version by name and by ARN, AWS’s errors for missing ones, and lists the latest of each layer', async () => {
      const layer = functionName('get');
      const published = await client.send(
        new PublishLayerVersionCommand({
          LayerName: layer,
          Content: { ZipFile: nodeLayer },
          CompatibleRuntimes: ['python3.12'],
        }),
      );
      const byName = await client.send(new GetLayerVersionCommand({ LayerName: layer, VersionNumber: 1 }));
      assert.equal(byName.LayerVersionArn, published.LayerVersionArn);
      const byArn = await client.send(new GetLayerVersionByArnCommand({ Arn: published.LayerVersionArn }));
      assert.equal(byArn.Version, 1);
      await rejects(
        client.send(new GetLayerVersionCommand({ LayerName: layer, VersionNumber: 2 })),
        'ResourceNotFoundException',
        'The resource you requested does not exist.',
      );
      await rejects(
        client.send(new GetLayerVersionCommand({ LayerName: layer, VersionNumber: 0 })),
        'InvalidParameterValueException',
        'Layer Version Cannot be less than 1',
      );
      const layers = await client.send(new ListLayersCommand({ CompatibleRuntime: 'python3.12' }));
      const mine = layers.Layers?.find((each) => each.LayerName === layer);
      assert.equal(mine?.LatestMatchingVersion?.LayerVersionArn, published.LayerVersionArn);
    });
  });

  describe('layer version policies', () => {
    it('adds, reads and removes statements with revisions, with AWS’s errors', async () => {
      const layer = functionName('policy');
      const published = await client.send(
        new PublishLayerVersionCommand({ LayerName: layer, Content: { ZipFile: nodeLayer } }),
      );
      await rejects(
        client.send(new GetLayerVersionPolicyCommand({ LayerName: layer, VersionNumber: 1 })),
        'ResourceNotFoundException',
        'No policy is associated with the given resource.',
      );
      const added = await client.send(
        new AddLayerVersionPermissionCommand({
          LayerName: layer,
          VersionNumber: 1,
          StatementId: 's1',
          Action: 'lambda:GetLayerVersion',
          Principal: '*',
        }),
      );
      assert.deepEqual(JSON.parse(added.Statement ?? ''), {
        Sid: 's1',
        Effect: 'Allow',
        Principal: '*',
        Action: 'lambda:GetLayerVersion',
        Resource: published.LayerVersionArn,
      });
      const policy = await client.send(new GetLayerVersionPolicyCommand({ LayerName: layer, VersionNumber: 1 }));
      assert.equal(policy.RevisionId, added.RevisionId);
      await rejects(
        client.send(
          new AddLayerVersionPermissionCommand({
            LayerName: layer,
            VersionNumber: 1,
            StatementId: 's1',
            Action: 'lambda:GetLayerVersion',
            Principal: '*',
          }),
        ),
        'ResourceConflictException',
        'The statement id (s1) provided already exists. Please provide a new statement id, or remove the existing statement.',
      );
      await rejects(
        client.send(
          new AddLayerVersionPermissionCommand({
            LayerName: layer,
            VersionNumber: 2,
            StatementId: 's2',
            Action: 'lambda:GetLayerVersion',
            Principal: '*',
          }),
        ),
        'ResourceNotFoundException',
        `Layer version ${published.LayerArn}:2 does not exist.`,
      );
      await rejects(
        client.send(
          new RemoveLayerVersionPermissionCommand({
            LayerName: layer,
            VersionNumber: 1,
            StatementId: 's1',
            RevisionId: 'x',
          }),
        ),
        'PreconditionFailedException',
        'The Revision Id provided does not match the latest Revision Id. Call the GetLayerPolicy API to retrieve the latest Revision Id',
      );
      await client.send(
        new RemoveLayerVersionPermissionCommand({ LayerName: layer, VersionNumber: 1, StatementId: 's1' }),
      );
      await rejects(
        client.send(new RemoveLayerVersionPermissionCommand({ LayerName: layer, VersionNumber: 1, StatementId: 's1' })),
        'ResourceNotFoundException',
        'Statement s1 is not found in resource policy.',
      );
    });
  });

  describe('functions with layers', () => {
    it('refuses missing layers, two versions of one layer and more than five', async () => {
      const layer = functionName('fnlayer');
      const v1 = await client.send(
        new PublishLayerVersionCommand({ LayerName: layer, Content: { ZipFile: nodeLayer } }),
      );
      const v2 = await client.send(
        new PublishLayerVersionCommand({ LayerName: layer, Content: { ZipFile: nodeLayer } }),
      );
      const arn = v1.LayerArn as string;
      await rejects(
        createFunction(client, { Layers: [`${arn}:9`] }),
        'InvalidParameterValueException',
        `Layer version ${arn}:9 does not exist.`,
      );
      await rejects(
        createFunction(client, { Layers: [v1.LayerVersionArn as string, v2.LayerVersionArn as string] }),
        'InvalidParameterValueException',
        `Two different versions of the same layer are not allowed to be referenced in the same function. ${v1.LayerVersionArn} and ${v2.LayerVersionArn} are versions of the same layer.`,
      );
      await rejects(
        createFunction(client, { Layers: Array.from({ length: 6 }, (_, index) => `${arn}-${index}:1`) }),
        'InvalidParameterValueException',
        'Cannot reference more than 5 layers.',
      );
    });

    it('runs a Node.js function that requires a module and a command from its layer', async () => {
      const layer = functionName('nodelayer');
      const published = await client.send(
        new PublishLayerVersionCommand({ LayerName: layer, Content: { ZipFile: nodeLayer } }),
      );
      const fn = await createFunction(client, {
        Code: {
          ZipFile: zip({
            'index.js': `const greet = require('greeting');
const { execFileSync } = require('node:child_process');
exports.handler = async () => ({ greeting: greet('layer'), tool: execFileSync('tool').toString().trim(), opt: process.env.NIMBUS_LAMBDA_OPT !== undefined });`,
          }),
        },
        Layers: [published.LayerVersionArn as string],
      });
      assert.deepEqual(fn.Layers, [{ Arn: published.LayerVersionArn, CodeSize: nodeLayer.length }]);
      const out = await client.send(new InvokeCommand({ FunctionName: fn.FunctionName }));
      assert.deepEqual(decode(out.Payload), { greeting: 'hello layer', tool: 'tool', opt: true });
      await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: fn.FunctionName, Layers: [] }));
      const config = await client.send(new GetFunctionConfigurationCommand({ FunctionName: fn.FunctionName }));
      assert.equal(config.Layers, undefined);
    });

    it('runs a Python function that imports a module from its layer', {
      skip: !hasPython && 'no python3',
    }, async () => {
      const layer = functionName('pylayer');
      const published = await client.send(
        new PublishLayerVersionCommand({ LayerName: layer, Content: { ZipFile: pythonLayer } }),
      );
      const name = functionName('py');
      await client.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: 'python3.12',
          Handler: 'handler.handler',
          Role: role,
          Code: {
            ZipFile: zip({
              'handler.py': "import greeting\n\ndef handler(event, context):\n    return greeting.greet('py')\n",
            }),
          },
          Layers: [published.LayerVersionArn as string],
        }),
      );
      const out = await client.send(new InvokeCommand({ FunctionName: name }));
      assert.equal(decode(out.Payload), 'hi py');
    });
  });
});
