import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import {
  CreateAliasCommand,
  CreateFunctionUrlConfigCommand,
  DeleteFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand,
  type LambdaClient,
  ListFunctionUrlConfigsCommand,
  UpdateFunctionUrlConfigCommand,
} from '@aws-sdk/client-lambda';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { createFunction, functionName, lambdaClient, zip } from './lambda-helpers.js';

async function rejects(promise: Promise<unknown>, name: string, message: string): Promise<void> {
  await assert.rejects(promise, (error: Error) => {
    assert.equal(error.name, name);
    assert.equal(error.message, message);
    return true;
  });
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A plain HTTP request to a function URL, as a browser or curl sends it. */
function call(
  cloud: NimbusCloud,
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Answer> {
  const parsed = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: cloud.port,
        path: `${parsed.pathname}${parsed.search}`,
        method: options.method ?? 'GET',
        headers: { host: parsed.host, ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Answers with the event it got, or the response the event's header `x-answer` names. */
const echo = zip({
  'index.js': `exports.handler = async (event) => {
  if (event.headers['x-answer'] === 'plain') return { hello: 'world' };
  if (event.headers['x-answer'] === 'fail') throw new Error('boom');
  if (event.headers['x-answer'] === 'framing')
    return { statusCode: 200, headers: { 'Content-Length': '999', Connection: 'close', 'x-kept': 'yes' }, body: 'short' };
  return {
    statusCode: 201,
    headers: { 'content-type': 'application/json', 'x-custom': 'yes' },
    cookies: ['a=1', 'b=2'],
    body: JSON.stringify(event),
  };
};`,
});

describe('Lambda function URLs', () => {
  let cloud: NimbusCloud;
  let client: LambdaClient;
  before(async () => {
    cloud = await startCloud();
    client = lambdaClient(cloud);
  });
  after(async () => {
    await cloud.stop();
  });

  describe('CreateFunctionUrlConfig and friends', () => {
    it('creates, reads, updates, lists and deletes a URL config in AWS’s shapes', async () => {
      const name = functionName('url');
      const fn = await createFunction(client, { FunctionName: name, Code: { ZipFile: echo } });
      const created = await client.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, AuthType: 'NONE' }));
      assert.match(
        created.FunctionUrl ?? '',
        new RegExp(`^http://[a-z0-9]{32}\\.lambda-url\\.us-east-1\\.localhost:${cloud.port}/$`),
      );
      assert.equal(created.FunctionArn, fn.FunctionArn);
      assert.equal(created.InvokeMode, undefined);
      const got = await client.send(new GetFunctionUrlConfigCommand({ FunctionName: name }));
      assert.equal(got.InvokeMode, 'BUFFERED');
      assert.equal(got.FunctionUrl, created.FunctionUrl);
      await rejects(
        client.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, AuthType: 'NONE' })),
        'ResourceConflictException',
        `Failed to create function url config for [functionArn = ${fn.FunctionArn}]. Error message:  FunctionUrlConfig exists for this Lambda function`,
      );
      const updated = await client.send(
        new UpdateFunctionUrlConfigCommand({ FunctionName: name, AuthType: 'AWS_IAM' }),
      );
      assert.equal(updated.AuthType, 'AWS_IAM');
      const listed = await client.send(new ListFunctionUrlConfigsCommand({ FunctionName: name }));
      assert.equal(listed.FunctionUrlConfigs?.length, 1);
      await client.send(new DeleteFunctionUrlConfigCommand({ FunctionName: name }));
      await rejects(
        client.send(new GetFunctionUrlConfigCommand({ FunctionName: name })),
        'ResourceNotFoundException',
        'The resource you requested does not exist.',
      );
    });

    it('answers AWS’s errors for a missing function, a version qualifier and a missing alias', async () => {
      const name = functionName('url');
      await createFunction(client, { FunctionName: name, Publish: true });
      await rejects(
        client.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'doesnotexist', AuthType: 'NONE' })),
        'ResourceNotFoundException',
        'Function does not exist',
      );
      await rejects(
        client.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, Qualifier: '1', AuthType: 'NONE' })),
        'ValidationException',
        "1 validation error detected: Value '1' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: ((?!^\\d+$)^[0-9a-zA-Z-_]+$)",
      );
      await rejects(
        client.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, Qualifier: 'nope', AuthType: 'NONE' })),
        'ResourceNotFoundException',
        'Function does not exist',
      );
      await rejects(
        client.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'doesnotexist' })),
        'ResourceNotFoundException',
        'Function does not exist',
      );
      await client.send(new CreateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: '1' }));
      const alias = await client.send(
        new CreateFunctionUrlConfigCommand({ FunctionName: name, Qualifier: 'live', AuthType: 'NONE' }),
      );
      assert.equal(alias.FunctionArn, `arn:aws:lambda:us-east-1:000000000000:function:${name}:live`);
    });
  });

  describe('requests to the URL', () => {
    it('invoke the function with AWS’s payload 2.0 event and answer its response', async () => {
      const name = functionName('url');
      await createFunction(client, { FunctionName: name, Code: { ZipFile: echo } });
      const { FunctionUrl } = await client.send(
        new CreateFunctionUrlConfigCommand({ FunctionName: name, AuthType: 'NONE' }),
      );
      const answer = await call(cloud, `${FunctionUrl}items/42?color=red&size=L`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', cookie: 'session=abc; theme=dark', 'user-agent': 'test-agent' },
        body: 'hello',
      });
      assert.equal(answer.status, 201);
      assert.equal(answer.headers['x-custom'], 'yes');
      assert.deepEqual(answer.headers['set-cookie'], ['a=1', 'b=2']);
      const event = JSON.parse(answer.body);
      assert.equal(event.version, '2.0');
      assert.equal(event.routeKey, '$default');
      assert.equal(event.rawPath, '/items/42');
      assert.equal(event.rawQueryString, 'color=red&size=L');
      assert.deepEqual(event.queryStringParameters, { color: 'red', size: 'L' });
      assert.deepEqual(event.cookies, ['session=abc', 'theme=dark']);
      assert.equal(event.headers['content-type'], 'text/plain');
      assert.equal(event.body, 'hello');
      assert.equal(event.isBase64Encoded, false);
      assert.equal(event.requestContext.http.method, 'POST');
      assert.equal(event.requestContext.http.path, '/items/42');
      assert.equal(event.requestContext.http.userAgent, 'test-agent');
      assert.equal(event.requestContext.accountId, 'anonymous');
      assert.equal(event.requestContext.domainPrefix, new URL(FunctionUrl as string).hostname.split('.')[0]);
    });

    it('send a binary body base64-encoded', async () => {
      const name = functionName('url');
      await createFunction(client, { FunctionName: name, Code: { ZipFile: echo } });
      const { FunctionUrl } = await client.send(
        new CreateFunctionUrlConfigCommand({ FunctionName: name, AuthType: 'NONE' }),
      );
      const bytes = Buffer.from([0, 1, 2, 250]);
      const answer = await call(cloud, FunctionUrl as string, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream' },
        body: bytes,
      });
      const event = JSON.parse(answer.body);
      assert.equal(event.isBase64Encoded, true);
      assert.equal(event.body, bytes.toString('base64'));
    });

    it('answer a plain result as JSON with 200 and a function error with 502', async () => {
      const name = functionName('url');
      await createFunction(client, { FunctionName: name, Code: { ZipFile: echo } });
      const { FunctionUrl } = await client.send(
        new CreateFunctionUrlConfigCommand({ FunctionName: name, AuthType: 'NONE' }),
      );
      const plain = await call(cloud, FunctionUrl as string, { headers: { 'x-answer': 'plain' } });
      assert.equal(plain.status, 200);
      assert.equal(plain.headers['content-type'], 'application/json');
      assert.deepEqual(JSON.parse(plain.body), { hello: 'world' });
      const failed = await call(cloud, FunctionUrl as string, { headers: { 'x-answer': 'fail' } });
      assert.equal(failed.status, 502);
      assert.deepEqual(JSON.parse(failed.body), { Message: 'Internal Server Error' });
    });

    it('write the framing headers themselves, whatever the function answers for them', async () => {
      const name = functionName('url');
      await createFunction(client, { FunctionName: name, Code: { ZipFile: echo } });
      const { FunctionUrl } = await client.send(
        new CreateFunctionUrlConfigCommand({ FunctionName: name, AuthType: 'NONE' }),
      );
      const answer = await call(cloud, FunctionUrl as string, { headers: { 'x-answer': 'framing' } });
      assert.equal(answer.status, 200);
      assert.equal(answer.body, 'short');
      assert.equal(answer.headers['content-length'], '5');
      assert.equal(answer.headers.connection, 'keep-alive');
      assert.equal(answer.headers['x-kept'], 'yes');
    });

    it('need a signature for AWS_IAM and name the caller in the event', async () => {
      const name = functionName('url');
      await createFunction(client, { FunctionName: name, Code: { ZipFile: echo } });
      const { FunctionUrl } = await client.send(
        new CreateFunctionUrlConfigCommand({ FunctionName: name, AuthType: 'AWS_IAM' }),
      );
      const unsigned = await call(cloud, FunctionUrl as string);
      assert.equal(unsigned.status, 403);
      const signed = await call(cloud, FunctionUrl as string, {
        headers: {
          authorization:
            'AWS4-HMAC-SHA256 Credential=123456789012/20240101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=abc',
        },
      });
      assert.equal(signed.status, 201);
      const event = JSON.parse(signed.body);
      assert.equal(event.requestContext.accountId, '123456789012');
      assert.equal(event.requestContext.authorizer.iam.accessKey, '123456789012');
    });

    it('answer CORS preflights and add CORS headers by the URL’s Cors setting', async () => {
      const name = functionName('url');
      await createFunction(client, { FunctionName: name, Code: { ZipFile: echo } });
      const { FunctionUrl } = await client.send(
        new CreateFunctionUrlConfigCommand({
          FunctionName: name,
          AuthType: 'NONE',
          Cors: { AllowOrigins: ['https://app.example'], AllowMethods: ['GET', 'POST'], MaxAge: 60 },
        }),
      );
      const preflight = await call(cloud, FunctionUrl as string, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
      });
      assert.equal(preflight.status, 200);
      assert.equal(preflight.headers['access-control-allow-origin'], 'https://app.example');
      assert.equal(preflight.headers['access-control-allow-methods'], 'GET,POST');
      assert.equal(preflight.headers['access-control-max-age'], '60');
      const actual = await call(cloud, FunctionUrl as string, { headers: { origin: 'https://app.example' } });
      assert.equal(actual.headers['access-control-allow-origin'], 'https://app.example');
      const other = await call(cloud, FunctionUrl as string, { headers: { origin: 'https://evil.example' } });
      assert.equal(other.headers['access-control-allow-origin'], undefined);
    });

    it('answer 403 for a URL id that names no function URL', async () => {
      const answer = await call(
        cloud,
        `http://abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.localhost:${cloud.port}/`,
      );
      assert.equal(answer.status, 403);
      assert.deepEqual(JSON.parse(answer.body), { Message: 'Forbidden' });
    });
  });
});
