import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InvokeWithResponseStreamCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { createFunction, lambdaClient, zip } from './lambda-helpers.js';

describe('InvokeWithResponseStream', () => {
  let cloud: NimbusCloud;
  let client: LambdaClient;
  before(async () => {
    cloud = await startCloud();
    client = lambdaClient(cloud);
  });
  after(async () => {
    await cloud.stop();
  });

  async function events(functionName: string, payload: unknown, logType?: 'Tail') {
    const out = await client.send(
      new InvokeWithResponseStreamCommand({
        FunctionName: functionName,
        Payload: new TextEncoder().encode(JSON.stringify(payload)),
        ...(logType ? { LogType: logType } : {}),
      }),
    );
    const chunks: string[] = [];
    let complete: Record<string, unknown> | undefined;
    for await (const event of out.EventStream ?? []) {
      if (event.PayloadChunk?.Payload) chunks.push(new TextDecoder().decode(event.PayloadChunk.Payload));
      if (event.InvokeComplete) complete = { ...event.InvokeComplete };
    }
    return { out, body: chunks.join(''), complete };
  }

  it('streams the function’s response as payload chunks and ends with InvokeComplete', async () => {
    const fn = await createFunction(client, {
      Code: { ZipFile: zip({ 'index.js': 'exports.handler = async (event) => ({ got: event.n * 2 });' }) },
    });
    const { out, body, complete } = await events(fn.FunctionName as string, { n: 21 }, 'Tail');
    assert.equal(out.StatusCode, 200);
    assert.equal(out.ExecutedVersion, '$LATEST');
    assert.deepEqual(JSON.parse(body), { got: 42 });
    assert.equal(complete?.ErrorCode, undefined);
    assert.match(Buffer.from(String(complete?.LogResult), 'base64').toString('utf8'), /REPORT RequestId:/);
  });

  it('ends a failed invocation with its error in InvokeComplete', async () => {
    const fn = await createFunction(client, {
      Code: { ZipFile: zip({ 'index.js': "exports.handler = async () => { throw new TypeError('bad input'); };" }) },
    });
    const { body, complete } = await events(fn.FunctionName as string, {});
    assert.equal(body, '');
    assert.equal(complete?.ErrorCode, 'Unhandled');
    const details = JSON.parse(String(complete?.ErrorDetails));
    assert.equal(details.errorType, 'TypeError');
    assert.equal(details.errorMessage, 'bad input');
  });
});
