import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  InvokeCommand,
  type LambdaClient,
  PutFunctionConcurrencyCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { createFunction, decode, lambdaClient, zip } from './lambda-helpers.js';

async function rejects(promise: Promise<unknown>, name: string, message: string): Promise<void> {
  await assert.rejects(promise, (error: Error) => {
    assert.equal(error.name, name);
    assert.equal(error.message, message);
    return true;
  });
}

const text = (payload: Uint8Array | undefined) => new TextDecoder().decode(payload);

interface Warm {
  count: number;
  stream: string;
}

interface Environment {
  env: Record<string, string>;
  runtimeApi: string;
  taskRoot: string;
  cwd: string;
  stream: string;
  endpoint: string;
  key: string;
  context: {
    functionName: string;
    memoryLimitInMB: string;
    invokedFunctionArn: string;
    awsRequestId: string;
    logStreamName: string;
    remaining: number;
    clientContext: unknown;
  };
}

describe('Invoke', () => {
  let cloud: NimbusCloud;
  let client: LambdaClient;
  before(async () => {
    cloud = await startCloud();
    client = lambdaClient(cloud);
  });
  after(async () => {
    await cloud.stop();
  });

  describe('Node.js', () => {
    it('returns an async handler result with the executed version and a log tail', async () => {
      const fn = await createFunction(client, {
        Code: {
          ZipFile: zip({
            'index.js':
              'exports.handler = async (event) => { console.log("got", event.n); return { doubled: event.n * 2 }; };',
          }),
        },
      });
      const out = await client.send(
        new InvokeCommand({ FunctionName: fn.FunctionName, Payload: JSON.stringify({ n: 21 }), LogType: 'Tail' }),
      );
      assert.equal(out.StatusCode, 200);
      assert.equal(out.ExecutedVersion, '$LATEST');
      assert.equal(out.FunctionError, undefined);
      assert.deepEqual(decode(out.Payload), { doubled: 42 });
      const log = Buffer.from(out.LogResult ?? '', 'base64').toString('utf8');
      const requestId = out.$metadata.requestId;
      assert.match(log, new RegExp(`^START RequestId: ${requestId} Version: \\$LATEST\n`));
      assert.match(log, new RegExp(`\\t${requestId}\\tINFO\\tgot 21\n`));
      assert.match(log, new RegExp(`END RequestId: ${requestId}\n`));
      assert.match(
        log,
        new RegExp(
          `REPORT RequestId: ${requestId}\\tDuration: \\d+\\.\\d\\d ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB\\tInit Duration: \\d+\\.\\d\\d ms\\t\n$`,
        ),
      );
    });

    it('loads ES modules and callback handlers, and answers null for no result', async () => {
      const esm = await createFunction(client, {
        Code: { ZipFile: zip({ 'app.mjs': 'export const handler = async () => "from esm";' }) },
        Handler: 'app.handler',
      });
      assert.equal(
        text((await client.send(new InvokeCommand({ FunctionName: esm.FunctionName }))).Payload),
        '"from esm"',
      );
      const typed = await createFunction(client, {
        Code: {
          ZipFile: zip({
            'package.json': '{"type":"module"}',
            'lib/main.js': 'export const nested = { run: async () => "nested" };',
          }),
        },
        Handler: 'lib/main.nested.run',
      });
      assert.equal(
        text((await client.send(new InvokeCommand({ FunctionName: typed.FunctionName }))).Payload),
        '"nested"',
      );
      const callback = await createFunction(client, {
        Code: {
          ZipFile: zip({
            'index.js': 'exports.handler = (event, context, done) => setTimeout(() => done(null, 7), 5);',
          }),
        },
      });
      assert.equal(text((await client.send(new InvokeCommand({ FunctionName: callback.FunctionName }))).Payload), '7');
      const nothing = await createFunction(client, {
        Code: { ZipFile: zip({ 'index.js': 'exports.handler = async () => {};' }) },
      });
      assert.equal(
        text((await client.send(new InvokeCommand({ FunctionName: nothing.FunctionName }))).Payload),
        'null',
      );
    });

    it('answers a thrown error as Unhandled with errorType, errorMessage and trace', async () => {
      const fn = await createFunction(client, {
        Code: {
          ZipFile: zip({ 'index.js': 'exports.handler = async () => { throw new TypeError("bad input"); };' }),
        },
      });
      const out = await client.send(new InvokeCommand({ FunctionName: fn.FunctionName, Payload: '{}' }));
      assert.equal(out.StatusCode, 200);
      assert.equal(out.FunctionError, 'Unhandled');
      const error = decode(out.Payload) as { errorType: string; errorMessage: string; trace: string[] };
      assert.equal(error.errorType, 'TypeError');
      assert.equal(error.errorMessage, 'bad input');
      assert.equal(error.trace[0], 'TypeError: bad input');
    });

    it('reports a missing handler as AWS does', async () => {
      const fn = await createFunction(client, { Handler: 'index.missing' });
      const out = await client.send(new InvokeCommand({ FunctionName: fn.FunctionName }));
      assert.equal(out.FunctionError, 'Unhandled');
      assert.deepEqual(decode(out.Payload), {
        errorType: 'Runtime.HandlerNotFound',
        errorMessage: 'index.missing is undefined or not exported',
        trace: ['Runtime.HandlerNotFound: index.missing is undefined or not exported'],
      });
    });

    it('gives the function AWS environment, context and the variables it was configured with', async () => {
      const fn = await createFunction(client, {
        MemorySize: 256,
        Environment: { Variables: { GREETING: 'hello' } },
        Code: {
          ZipFile: zip({
            'index.js': `exports.handler = async (event, context) => ({
              env: Object.fromEntries(['AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
                'AWS_REGION', 'AWS_DEFAULT_REGION', '_HANDLER', 'TZ', 'AWS_LAMBDA_LOG_GROUP_NAME', 'GREETING', 'AWS_EXECUTION_ENV']
                .map((name) => [name, process.env[name]])),
              runtimeApi: process.env.AWS_LAMBDA_RUNTIME_API, taskRoot: process.env.LAMBDA_TASK_ROOT, cwd: process.cwd(),
              stream: process.env.AWS_LAMBDA_LOG_STREAM_NAME, endpoint: process.env.AWS_ENDPOINT_URL,
              key: process.env.AWS_ACCESS_KEY_ID,
              context: { functionName: context.functionName, memoryLimitInMB: context.memoryLimitInMB,
                invokedFunctionArn: context.invokedFunctionArn, awsRequestId: context.awsRequestId,
                logGroupName: context.logGroupName, logStreamName: context.logStreamName,
                remaining: context.getRemainingTimeInMillis(), clientContext: context.clientContext },
            });`,
          }),
        },
      });
      const out = await client.send(
        new InvokeCommand({
          FunctionName: fn.FunctionName,
          ClientContext: Buffer.from(JSON.stringify({ custom: { foo: 'bar' } })).toString('base64'),
        }),
      );
      const result = decode(out.Payload) as Environment;
      assert.deepEqual(result.env, {
        AWS_LAMBDA_FUNCTION_NAME: fn.FunctionName,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
        AWS_REGION: 'us-east-1',
        AWS_DEFAULT_REGION: 'us-east-1',
        _HANDLER: 'index.handler',
        TZ: ':UTC',
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.FunctionName}`,
        GREETING: 'hello',
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
      });
      assert.match(result.runtimeApi, /^127\.0\.0\.1:\d+$/);
      assert.notEqual(result.runtimeApi, new URL(cloud.endpoint).host);
      assert.equal(result.cwd, result.taskRoot);
      assert.match(result.stream, /^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
      assert.equal(result.endpoint, cloud.endpoint);
      assert.match(result.key, /^ASIA/);
      assert.equal(result.context.functionName, fn.FunctionName);
      assert.equal(result.context.memoryLimitInMB, '256');
      assert.equal(result.context.invokedFunctionArn, fn.FunctionArn);
      assert.equal(result.context.awsRequestId, out.$metadata.requestId);
      assert.equal(result.context.logStreamName, result.stream);
      assert.ok(result.context.remaining > 0 && result.context.remaining <= 3000);
      assert.deepEqual(result.context.clientContext, { custom: { foo: 'bar' } });
    });

    it('lets a function call Nimbus with the AWS SDK, from CommonJS and from an ES module', async () => {
      const source = `const { STSClient, GetCallerIdentityCommand } = require('@aws-sdk/client-sts');
        exports.handler = async () => (await new STSClient({}).send(new GetCallerIdentityCommand({}))).Arn;`;
      const cjs = await createFunction(client, { Code: { ZipFile: zip({ 'index.js': source }) }, Timeout: 30 });
      const cjsOut = await client.send(new InvokeCommand({ FunctionName: cjs.FunctionName }));
      assert.equal(decode(cjsOut.Payload), `arn:aws:sts::000000000000:assumed-role/lambda-role/${cjs.FunctionName}`);
      const esm = await createFunction(client, {
        Timeout: 30,
        Code: {
          ZipFile: zip({
            'index.mjs': `import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
              export const handler = async () => (await new STSClient({}).send(new GetCallerIdentityCommand({}))).Account;`,
          }),
        },
      });
      const esmOut = await client.send(new InvokeCommand({ FunctionName: esm.FunctionName }));
      assert.equal(decode(esmOut.Payload), '000000000000');
    });

    it('reuses a warm environment and starts another for concurrent invocations', async () => {
      const fn = await createFunction(client, {
        Code: {
          ZipFile: zip({
            'index.js': `let count = 0;
              exports.handler = async (event) => { count++; await new Promise((r) => setTimeout(r, event.wait ?? 0));
                return { count, stream: process.env.AWS_LAMBDA_LOG_STREAM_NAME }; };`,
          }),
        },
      });
      const first = decode((await client.send(new InvokeCommand({ FunctionName: fn.FunctionName }))).Payload) as Warm;
      const second = decode((await client.send(new InvokeCommand({ FunctionName: fn.FunctionName }))).Payload) as Warm;
      assert.equal(second.count, 2);
      assert.equal(second.stream, first.stream);
      const both = await Promise.all(
        [1, 2].map(() => client.send(new InvokeCommand({ FunctionName: fn.FunctionName, Payload: '{"wait":300}' }))),
      );
      const streams = new Set(both.map((out) => (decode(out.Payload) as Warm).stream));
      assert.equal(streams.size, 2);
    });

    it('gives each of 10 concurrent long invocations (the default most environments of a function) an environment of its own, so they run at once', async () => {
      // A barrier: each handler marks its arrival in a shared directory and waits for all 8,
      // which only invocations that run at the same time can pass.
      const fn = await createFunction(client, {
        Timeout: 20,
        Code: {
          ZipFile: zip({
            'index.js': `const fs = require('node:fs');
              exports.handler = async (event, context) => {
                fs.writeFileSync(event.dir + '/' + context.awsRequestId, '');
                const until = Date.now() + 15000;
                while (fs.readdirSync(event.dir).length < 10 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
                return { seen: fs.readdirSync(event.dir).length, stream: process.env.AWS_LAMBDA_LOG_STREAM_NAME };
              };`,
          }),
        },
      });
      const dir = mkdtempSync(join(tmpdir(), 'nimbus-barrier-'));
      try {
        const outs = await Promise.all(
          Array.from({ length: 10 }, () =>
            client.send(new InvokeCommand({ FunctionName: fn.FunctionName, Payload: JSON.stringify({ dir }) })),
          ),
        );
        const answers = outs.map((out) => decode(out.Payload) as { seen: number; stream: string });
        assert.deepEqual(
          answers.map((answer) => answer.seen),
          Array(10).fill(10),
        );
        assert.equal(new Set(answers.map((answer) => answer.stream)).size, 10);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('runs the new code after UpdateFunctionCode', async () => {
      const fn = await createFunction(client, {
        Code: { ZipFile: zip({ 'index.js': 'exports.handler = async () => "v1";' }) },
      });
      assert.equal(decode((await client.send(new InvokeCommand({ FunctionName: fn.FunctionName }))).Payload), 'v1');
      await client.send(
        new UpdateFunctionCodeCommand({
          FunctionName: fn.FunctionName,
          ZipFile: zip({ 'index.js': 'exports.handler = async () => "v2";' }),
        }),
      );
      assert.equal(decode((await client.send(new InvokeCommand({ FunctionName: fn.FunctionName }))).Payload), 'v2');
    });

    it('kills a function that runs past its timeout, and starts a fresh one next time', async () => {
      const fn = await createFunction(client, {
        Timeout: 1,
        Code: {
          ZipFile: zip({
            'index.js':
              'exports.handler = async (event) => { if (event.hang) await new Promise(() => setInterval(() => {}, 1000)); return process.pid; };',
          }),
        },
      });
      const before = decode((await client.send(new InvokeCommand({ FunctionName: fn.FunctionName }))).Payload);
      const out = await client.send(
        new InvokeCommand({ FunctionName: fn.FunctionName, Payload: '{"hang":true}', LogType: 'Tail' }),
      );
      const requestId = out.$metadata.requestId;
      assert.equal(out.FunctionError, 'Unhandled');
      assert.deepEqual(decode(out.Payload), {
        errorType: 'Sandbox.Timedout',
        errorMessage: `RequestId: ${requestId} Error: Task timed out after 1.00 seconds`,
      });
      assert.match(Buffer.from(out.LogResult ?? '', 'base64').toString(), /Task timed out after 1\.00 seconds\n/);
      const afterwards = decode((await client.send(new InvokeCommand({ FunctionName: fn.FunctionName }))).Payload);
      assert.notEqual(afterwards, before);
    });

    it('answers a process exit as Runtime.ExitError and replaces the process', async () => {
      const fn = await createFunction(client, {
        Code: {
          ZipFile: zip({
            'index.js': 'exports.handler = async (event) => { if (event.exit) process.exit(3); return "alive"; };',
          }),
        },
      });
      const out = await client.send(new InvokeCommand({ FunctionName: fn.FunctionName, Payload: '{"exit":true}' }));
      assert.equal(out.FunctionError, 'Unhandled');
      assert.deepEqual(decode(out.Payload), {
        errorType: 'Runtime.ExitError',
        errorMessage: `RequestId: ${out.$metadata.requestId} Error: Runtime exited with error: exit status 3`,
      });
      assert.equal(decode((await client.send(new InvokeCommand({ FunctionName: fn.FunctionName }))).Payload), 'alive');
    });

    it('answers an exit while the module loads as Runtime.ExitError, with what it printed first in the log tail', async () => {
      // The process ends before it asks for its first event, so before the invocation is given to it.
      const fn = await createFunction(client, {
        Code: {
          ZipFile: zip({ 'index.js': 'console.log("loading"); process.exit(2); exports.handler = async () => 1;' }),
        },
      });
      const out = await client.send(new InvokeCommand({ FunctionName: fn.FunctionName, LogType: 'Tail' }));
      assert.equal(out.FunctionError, 'Unhandled');
      assert.deepEqual(decode(out.Payload), {
        errorType: 'Runtime.ExitError',
        errorMessage: `RequestId: ${out.$metadata.requestId} Error: Runtime exited with error: exit status 2`,
      });
      assert.match(
        Buffer.from(out.LogResult ?? '', 'base64').toString(),
        /^\S+\tundefined\tINFO\tloading\nSTART RequestId: /,
      );
    });
  });

  describe('invocation types', () => {
    it('answers 202 for Event and runs it in the background', async () => {
      const marker = `/tmp/nimbus-lambda-event-${process.pid}-${Date.now()}`;
      const fn = await createFunction(client, {
        Code: {
          ZipFile: zip({
            'index.js': `const fs = require('fs'); exports.handler = async (event) => { fs.writeFileSync(event.path, 'ran'); };`,
          }),
        },
      });
      const out = await client.send(
        new InvokeCommand({
          FunctionName: fn.FunctionName,
          InvocationType: 'Event',
          Payload: JSON.stringify({ path: marker }),
        }),
      );
      assert.equal(out.StatusCode, 202);
      const { existsSync, readFileSync, rmSync } = await import('node:fs');
      for (let i = 0; i < 100 && !existsSync(marker); i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(readFileSync(marker, 'utf8'), 'ran');
      rmSync(marker);
    });

    it('answers 204 for DryRun without running the function', async () => {
      const fn = await createFunction(client, {});
      const out = await client.send(new InvokeCommand({ FunctionName: fn.FunctionName, InvocationType: 'DryRun' }));
      assert.equal(out.StatusCode, 204);
    });
  });

  describe('errors', () => {
    it('returns ResourceNotFoundException naming $LATEST', async () => {
      await rejects(
        client.send(new InvokeCommand({ FunctionName: 'doesnotexist' })),
        'ResourceNotFoundException',
        'Function not found: arn:aws:lambda:us-east-1:000000000000:function:doesnotexist:$LATEST',
      );
    });

    it('returns InvalidRequestContentException for a payload that is not JSON', async () => {
      const fn = await createFunction(client, {});
      await rejects(
        client.send(new InvokeCommand({ FunctionName: fn.FunctionName, Payload: 'hello' })),
        'InvalidRequestContentException',
        "Could not parse request body into json: Could not parse payload into json: Unrecognized token 'hello': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 6]",
      );
    });

    it('throttles a synchronous invocation beyond the reserved concurrency', async () => {
      const fn = await createFunction(client, {});
      await client.send(
        new PutFunctionConcurrencyCommand({ FunctionName: fn.FunctionName, ReservedConcurrentExecutions: 0 }),
      );
      await rejects(
        client.send(new InvokeCommand({ FunctionName: fn.FunctionName })),
        'TooManyRequestsException',
        'Rate Exceeded.',
      );
    });
  });
});
