import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { CloudWatchLogsClient, DescribeLogStreamsCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig, startCloud } from '../../helpers/cloud.js';
import { createFunction, decode, lambdaClient, zip } from './lambda-helpers.js';

const hasBoto3 = spawnSync('python3', ['-c', 'import boto3']).status === 0;

interface LambdaFromServices {
  invokeEventFromService(functionArn: string, payload: string): Promise<void>;
  invokeSync(functionArn: string, payload: string): Promise<{ payload: string; functionError?: string }>;
}

describe('Lambda runtimes', () => {
  let cloud: NimbusCloud;
  let client: LambdaClient;
  before(async () => {
    cloud = await startCloud();
    client = lambdaClient(cloud);
  });
  after(async () => {
    await cloud.stop();
  });

  describe('Python', () => {
    it('returns a handler result and logs with AWS logging format', async () => {
      const fn = await createFunction(client, {
        Runtime: 'python3.12',
        Handler: 'handler.handler',
        Code: {
          ZipFile: zip({
            'handler.py': `import logging, os
logger = logging.getLogger()
logger.setLevel(logging.INFO)
def handler(event, context):
    print("printed", event["n"])
    logger.info("logged")
    return {"n": event["n"] + 1, "name": context.function_name, "memory": context.memory_limit_in_mb,
            "request": context.aws_request_id, "arn": context.invoked_function_arn,
            "remaining": context.get_remaining_time_in_millis(), "root": os.environ["LAMBDA_TASK_ROOT"] == os.getcwd()}
`,
          }),
        },
      });
      const out = await client.send(
        new InvokeCommand({ FunctionName: fn.FunctionName, Payload: '{"n":1}', LogType: 'Tail' }),
      );
      const requestId = out.$metadata.requestId;
      const result = decode(out.Payload) as Record<string, unknown>;
      assert.equal(out.FunctionError, undefined);
      assert.deepEqual(
        { ...result, remaining: typeof result.remaining },
        {
          n: 2,
          name: fn.FunctionName,
          memory: '128',
          request: requestId,
          arn: fn.FunctionArn,
          remaining: 'number',
          root: true,
        },
      );
      const log = Buffer.from(out.LogResult ?? '', 'base64').toString();
      assert.match(log, /\nprinted 1\n/);
      assert.match(
        log,
        new RegExp(`\\n\\[INFO\\]\\t\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\t${requestId}\\tlogged\\n`),
      );
    });

    it('answers an exception with errorMessage, errorType, requestId and stackTrace', async () => {
      const fn = await createFunction(client, {
        Runtime: 'python3.12',
        Handler: 'handler.handler',
        Code: {
          ZipFile: zip({ 'handler.py': 'def handler(event, context):\n    raise ValueError("Handler fails")\n' }),
        },
      });
      const out = await client.send(new InvokeCommand({ FunctionName: fn.FunctionName }));
      assert.equal(out.FunctionError, 'Unhandled');
      const error = decode(out.Payload) as { stackTrace: string[] };
      assert.deepEqual(
        { ...error, stackTrace: error.stackTrace.length },
        { errorMessage: 'Handler fails', errorType: 'ValueError', requestId: out.$metadata.requestId, stackTrace: 1 },
      );
      assert.match(
        error.stackTrace[0] ?? '',
        /handler\.py", line 2, in handler\n {4}raise ValueError\("Handler fails"\)\n$/,
      );
    });

    it('reports a module that cannot be imported as Runtime.ImportModuleError', async () => {
      const fn = await createFunction(client, {
        Runtime: 'python3.12',
        Handler: 'missing.handler',
        Code: { ZipFile: zip({ 'handler.py': 'def handler(event, context):\n    return 1\n' }) },
      });
      const out = await client.send(new InvokeCommand({ FunctionName: fn.FunctionName }));
      assert.equal(out.FunctionError, 'Unhandled');
      assert.deepEqual(decode(out.Payload), {
        errorMessage: "Unable to import module 'missing': No module named 'missing'",
        errorType: 'Runtime.ImportModuleError',
        requestId: '',
        stackTrace: [],
      });
    });

    it('lets a function call Nimbus with boto3', { skip: !hasBoto3 && 'python3 has no boto3' }, async () => {
      const fn = await createFunction(client, {
        Runtime: 'python3.12',
        Handler: 'handler.handler',
        Timeout: 30,
        Code: {
          ZipFile: zip({
            'handler.py': `import boto3
def handler(event, context):
    return boto3.client("sts", endpoint_url=__import__("os").environ["AWS_ENDPOINT_URL"]).get_caller_identity()["Arn"]
`,
          }),
        },
      });
      const out = await client.send(new InvokeCommand({ FunctionName: fn.FunctionName }));
      assert.equal(decode(out.Payload), `arn:aws:sts::000000000000:assumed-role/lambda-role/${fn.FunctionName}`);
    });
  });

  describe('provided.al2023', () => {
    it("runs the function's own bootstrap against the Runtime API", async () => {
      const bootstrap = `#!/usr/bin/env node
const http = require('http');
const api = process.env.AWS_LAMBDA_RUNTIME_API;
function call(method, path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request('http://' + api + '/2018-06-01/runtime' + path, { method }, (res) => {
      let data = ''; res.on('data', (c) => (data += c)); res.on('end', () => resolve({ headers: res.headers, body: data }));
    });
    req.on('error', reject); req.end(body);
  });
}
(async () => {
  for (;;) {
    const next = await call('GET', '/invocation/next');
    const id = next.headers['lambda-runtime-aws-request-id'];
    const reply = JSON.stringify({ echo: JSON.parse(next.body), handler: process.env._HANDLER,
      deadline: Number(next.headers['lambda-runtime-deadline-ms']) > Date.now(), arn: next.headers['lambda-runtime-invoked-function-arn'] });
    await call('POST', '/invocation/' + id + '/response', reply);
  }
})();
`;
      const fn = await createFunction(client, {
        Runtime: 'provided.al2023',
        Handler: 'whatever.handler',
        Code: { ZipFile: zip({ bootstrap: [bootstrap, 0o755] }) },
      });
      const out = await client.send(new InvokeCommand({ FunctionName: fn.FunctionName, Payload: '{"x":1}' }));
      assert.deepEqual(decode(out.Payload), {
        echo: { x: 1 },
        handler: 'whatever.handler',
        deadline: true,
        arn: fn.FunctionArn,
      });
    });

    it('answers Runtime.InvalidEntrypoint when there is no bootstrap', async () => {
      const fn = await createFunction(client, {
        Runtime: 'provided.al2023',
        Handler: 'x',
        Code: { ZipFile: zip({ 'main.sh': 'echo' }) },
      });
      const out = await client.send(new InvokeCommand({ FunctionName: fn.FunctionName }));
      assert.equal(out.FunctionError, 'Unhandled');
      assert.deepEqual(decode(out.Payload), {
        errorType: 'Runtime.InvalidEntrypoint',
        errorMessage: `RequestId: ${out.$metadata.requestId} Error: Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]`,
      });
    });
  });

  describe('logs', () => {
    it('writes START, the output, END and REPORT to /aws/lambda/<function>', async () => {
      const fn = await createFunction(client, {
        Code: {
          ZipFile: zip({
            'index.js': 'exports.handler = async () => { console.log("line one\\nline two"); return 1; };',
          }),
        },
      });
      const out = await client.send(new InvokeCommand({ FunctionName: fn.FunctionName }));
      const requestId = out.$metadata.requestId;
      const logs = new CloudWatchLogsClient(clientConfig(cloud));
      const group = `/aws/lambda/${fn.FunctionName}`;
      let messages: string[] = [];
      for (let attempt = 0; attempt < 50 && !messages.some((m) => m.startsWith('REPORT')); attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: group })).catch(() => undefined);
        const stream = streams?.logStreams?.[0]?.logStreamName;
        if (!stream) continue;
        assert.match(stream, /^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
        const events = await logs.send(
          new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: true }),
        );
        messages = (events.events ?? []).map((event) => event.message ?? '');
      }
      assert.equal(messages[0], `START RequestId: ${requestId} Version: $LATEST\n`);
      assert.match(messages[1] ?? '', new RegExp(`\\t${requestId}\\tINFO\\tline one\nline two\n$`));
      assert.equal(messages[2], `END RequestId: ${requestId}\n`);
      assert.match(messages[3] ?? '', new RegExp(`^REPORT RequestId: ${requestId}\\tDuration: `));
    });
  });

  describe('LambdaFromServices', () => {
    it('runs invocations for other services, and refuses a function that does not exist', async () => {
      const fn = await createFunction(client, {
        Code: {
          ZipFile: zip({
            'index.js':
              'exports.handler = async (event) => { if (event.fail) throw new Error("no"); return event.v; };',
          }),
        },
      });
      const lambda = (await cloud.server.nimbus.deps().provider('lambda')) as unknown as LambdaFromServices;
      assert.deepEqual(await lambda.invokeSync(fn.FunctionArn ?? '', '{"v":5}'), { payload: '5' });
      const failed = await lambda.invokeSync(fn.FunctionArn ?? '', '{"fail":true}');
      assert.equal(failed.functionError, 'Unhandled');
      await lambda.invokeEventFromService(fn.FunctionArn ?? '', '{"v":6}');
      await assert.rejects(lambda.invokeEventFromService('arn:aws:lambda:us-east-1:000000000000:function:nope', '{}'), {
        name: 'ResourceNotFoundException',
        message: 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope',
      });
    });
  });
});
