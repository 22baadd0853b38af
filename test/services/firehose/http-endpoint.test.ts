import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import {
  CreateDeliveryStreamCommand,
  type CreateDeliveryStreamCommandInput,
  DescribeDeliveryStreamCommand,
  type FirehoseClient,
  PutRecordBatchCommand,
} from '@aws-sdk/client-firehose';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { delivered, firehoseFor, keysOf, objectText, role, s3For, settle, utf8 } from './firehose-helpers.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: { requestId: string; timestamp: number; records: Array<{ data: string }> };
}

describe('HTTP endpoint destination', () => {
  let cloud: NimbusCloud;
  let firehose: FirehoseClient;
  let s3: S3Client;
  let server: Server;
  let url: string;
  let received: Received[] = [];
  /** What the endpoint answers: AWS's acknowledgement, or a failure. */
  let answer: 'ack' | 'error' = 'ack';

  // The model allows only https:// endpoints, so the endpoint is HTTPS with a certificate made
  // here by openssl, and this process (which runs Nimbus) accepts it.
  const certDir = mkdtempSync(join(tmpdir(), 'nimbus-firehose-tls-'));
  before(async () => {
    cloud = await startCloud();
    firehose = firehoseFor(cloud);
    s3 = s3For(cloud);
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        join(certDir, 'key.pem'),
        '-out',
        join(certDir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    const tls = { key: readFileSync(join(certDir, 'key.pem')), cert: readFileSync(join(certDir, 'cert.pem')) };
    server = createServer(tls, (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        let bytes = Buffer.concat(chunks);
        if (request.headers['content-encoding'] === 'gzip') bytes = gunzipSync(bytes);
        const body = JSON.parse(bytes.toString('utf8')) as Received['body'];
        received.push({ headers: request.headers, body });
        if (answer === 'error') {
          response.writeHead(500).end('{"errorMessage":"down"}');
          return;
        }
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ requestId: body.requestId, timestamp: Date.now() }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/ingest`;
  });
  after(async () => {
    await cloud.stop();
    await new Promise((resolve) => server.close(resolve));
    rmSync(certDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await cloud.reset();
    received = [];
    answer = 'ack';
    await s3.send(new CreateBucketCommand({ Bucket: 'backup' }));
  });

  const createHttpStream = (
    name: string,
    extra: Partial<NonNullable<CreateDeliveryStreamCommandInput['HttpEndpointDestinationConfiguration']>> = {},
  ) =>
    firehose.send(
      new CreateDeliveryStreamCommand({
        DeliveryStreamName: name,
        HttpEndpointDestinationConfiguration: {
          EndpointConfiguration: { Url: url, Name: 'collector', AccessKey: 'secret-key' },
          BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 0 },
          RequestConfiguration: { CommonAttributes: [{ AttributeName: 'env', AttributeValue: 'test' }] },
          S3Configuration: {
            RoleARN: role,
            BucketARN: 'arn:aws:s3:::backup',
            ErrorOutputPrefix: 'failed/!{firehose:error-output-type}/',
          },
          ...extra,
        },
      }),
    );

  const putAll = (stream: string, texts: string[]) =>
    firehose.send(
      new PutRecordBatchCommand({ DeliveryStreamName: stream, Records: texts.map((text) => ({ Data: utf8(text) })) }),
    );

  async function posts(count: number): Promise<Received[]> {
    const until = Date.now() + 5000;
    while (received.length < count && Date.now() < until) await settle(10);
    return received;
  }

  test('POSTs AWS request format with the Firehose headers, and an acknowledged delivery writes no backup', async () => {
    const { DeliveryStreamARN } = await createHttpStream('to-http');
    await putAll('to-http', ['one', 'two']);
    const [post] = await posts(1);
    assert.ok(post);
    assert.equal(post.headers['content-type'], 'application/json');
    assert.equal(post.headers['x-amz-firehose-protocol-version'], '1.0');
    assert.equal(post.headers['x-amz-firehose-request-id'], post.body.requestId);
    assert.equal(post.headers['x-amz-firehose-source-arn'], DeliveryStreamARN);
    assert.equal(post.headers['x-amz-firehose-access-key'], 'secret-key');
    assert.deepEqual(JSON.parse(post.headers['x-amz-firehose-common-attributes'] as string), {
      commonAttributes: { env: 'test' },
    });
    assert.equal(typeof post.body.timestamp, 'number');
    assert.deepEqual(
      post.body.records.map((r) => Buffer.from(r.data, 'base64').toString()),
      ['one', 'two'],
    );
    await settle();
    assert.deepEqual(await keysOf(s3, 'backup'), []);
  });

  test('gzips the body with ContentEncoding GZIP, and AllData also backs every record up to S3', async () => {
    await createHttpStream('zipped', {
      RequestConfiguration: { ContentEncoding: 'GZIP' },
      S3BackupMode: 'AllData',
      S3Configuration: { RoleARN: role, BucketARN: 'arn:aws:s3:::backup', Prefix: 'all/' },
    });
    await putAll('zipped', ['a', 'b']);
    const [post] = await posts(1);
    assert.equal(post?.headers['content-encoding'], 'gzip');
    const [key] = await delivered(s3, 'backup', 1);
    assert.match(key as string, /^all\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/zipped-1-/);
    assert.equal(await objectText(s3, 'backup', key as string), 'ab');
  });

  test('a failing endpoint is retried, and after RetryOptions the records go to the backup as http-endpoint-failed', async () => {
    answer = 'error';
    await createHttpStream('flaky', { RetryOptions: { DurationInSeconds: 10 } });
    await putAll('flaky', ['lost?']);
    await posts(1);
    await settle(); // the failed answer is handled, and the retry armed, after the endpoint has it
    cloud.clock.advance(5);
    await posts(2);
    await settle();
    assert.equal(received.length, 2, 'retried after 5 s');
    cloud.clock.advance(5);
    const [key] = await delivered(s3, 'backup', 1);
    assert.match(key as string, /^failed\/http-endpoint-failed\/flaky-1-/);
    const failure = JSON.parse(await objectText(s3, 'backup', key as string)) as Record<string, unknown>;
    assert.equal(failure.errorCode, 'HttpEndpoint.ResponseReceivedNotOK');
    assert.equal(Buffer.from(failure.rawData as string, 'base64').toString(), 'lost?');
    assert.equal(failure.attemptsMade, 3);
    cloud.clock.advance(5);
    await settle();
    assert.equal(received.length, 3, 'posts at 0, 5 and 10 s, then none: the retry duration is over');
  });

  test('describes the endpoint without its access key', async () => {
    await createHttpStream('described');
    const { DeliveryStreamDescription } = await firehose.send(
      new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'described' }),
    );
    const http = DeliveryStreamDescription?.Destinations?.[0]?.HttpEndpointDestinationDescription;
    assert.deepEqual(http?.EndpointConfiguration, { Url: url, Name: 'collector' });
    assert.equal(http?.S3BackupMode, 'FailedDataOnly');
    assert.deepEqual(http?.RetryOptions, { DurationInSeconds: 300 });
    assert.equal(http?.S3DestinationDescription?.BucketARN, 'arn:aws:s3:::backup');
  });
});
