import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type FirehoseClient, PutRecordBatchCommand, UpdateDestinationCommand } from '@aws-sdk/client-firehose';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import {
  assertFirehoseError,
  createS3Stream,
  delivered,
  firehoseFor,
  keysOf,
  objectText,
  s3For,
  settle,
  utf8,
} from './firehose-helpers.js';

describe('Delivery to S3', () => {
  let cloud: NimbusCloud;
  let firehose: FirehoseClient;
  let s3: S3Client;
  before(async () => {
    cloud = await startCloud();
    firehose = firehoseFor(cloud);
    s3 = s3For(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await s3.send(new CreateBucketCommand({ Bucket: 'sink' }));
  });

  const putAll = (stream: string, texts: string[]) =>
    firehose.send(
      new PutRecordBatchCommand({ DeliveryStreamName: stream, Records: texts.map((text) => ({ Data: utf8(text) })) }),
    );

  test('evaluates timestamp and random-string expressions, with no default time prefix after them', async () => {
    await createS3Stream(firehose, 'expr', 'sink', {
      Prefix: 'logs/dt=!{timestamp:yyyy-MM-dd}/h=!{timestamp:HH}/!{firehose:random-string}/',
      ErrorOutputPrefix: 'errors/!{firehose:error-output-type}/',
      BufferingHints: { IntervalInSeconds: 0 },
    });
    const at = new Date(cloud.clock.now());
    await putAll('expr', ['one']);
    const [key] = await delivered(s3, 'sink', 1);
    const pad = (n: number) => String(n).padStart(2, '0');
    const day = `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())}`;
    assert.match(
      key as string,
      new RegExp(`^logs/dt=${day}/h=${pad(at.getUTCHours())}/[A-Za-z0-9]{11}/expr-1-${day}-`),
    );
  });

  test('quoted text in a timestamp pattern is literal', async () => {
    await createS3Stream(firehose, 'quoted', 'sink', {
      Prefix: "y=!{timestamp:yyyy}/'!{timestamp:'week'}'/",
      ErrorOutputPrefix: 'errors/',
      BufferingHints: { IntervalInSeconds: 0 },
    });
    await putAll('quoted', ['x']);
    const [key] = await delivered(s3, 'sink', 1);
    assert.match(key as string, /^y=\d{4}\/'week'\/quoted-1-/);
  });

  test('CustomTimeZone names objects in that zone', async () => {
    await createS3Stream(firehose, 'tokyo', 'sink', {
      CustomTimeZone: 'Asia/Tokyo',
      BufferingHints: { IntervalInSeconds: 0 },
    });
    const at = new Date(cloud.clock.now() + 9 * 3600 * 1000);
    await putAll('tokyo', ['x']);
    const [key] = await delivered(s3, 'sink', 1);
    const pad = (n: number) => String(n).padStart(2, '0');
    const hour = `${at.getUTCFullYear()}/${pad(at.getUTCMonth() + 1)}/${pad(at.getUTCDate())}/${pad(at.getUTCHours())}/`;
    assert.ok(key?.startsWith(hour), `${key} starts with ${hour}`);
  });

  test('returns InvalidArgumentException for a CustomTimeZone that does not exist', async () => {
    await assertFirehoseError(
      createS3Stream(firehose, 'nowhere', 'sink', { CustomTimeZone: 'Mars/Olympus' }),
      'InvalidArgumentException',
      'CustomTimeZone Mars/Olympus is not a supported time zone.',
    );
  });

  test('GZIP compresses each object and names it .gz', async () => {
    await createS3Stream(firehose, 'zipped', 'sink', {
      CompressionFormat: 'GZIP',
      BufferingHints: { IntervalInSeconds: 0 },
    });
    await putAll('zipped', ['hello ', 'world']);
    const [key] = await delivered(s3, 'sink', 1);
    assert.match(key as string, /\.gz$/);
    assert.equal(await objectText(s3, 'sink', key as string, true), 'hello world');
  });

  test('names objects with the stream version that UpdateDestination moved on', async () => {
    await createS3Stream(firehose, 'versioned', 'sink', { Prefix: 'v/', BufferingHints: { IntervalInSeconds: 60 } });
    await firehose.send(
      new UpdateDestinationCommand({
        DeliveryStreamName: 'versioned',
        CurrentDeliveryStreamVersionId: '1',
        DestinationId: 'destinationId-000000000001',
        ExtendedS3DestinationUpdate: { Prefix: 'w/' },
      }),
    );
    await putAll('versioned', ['x']);
    cloud.clock.advance(60);
    const [key] = await delivered(s3, 'sink', 1);
    assert.match(key as string, /^w\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/versioned-2-/);
  });

  test('dynamic partitioning writes one object per partition key from the metadata query', async () => {
    await createS3Stream(firehose, 'parts', 'sink', {
      Prefix: 'customer=!{partitionKeyFromQuery:customer_id}/region=!{partitionKeyFromQuery:region}/',
      ErrorOutputPrefix: 'failed/!{firehose:error-output-type}/',
      DynamicPartitioningConfiguration: { Enabled: true },
      BufferingHints: { IntervalInSeconds: 60 },
      ProcessingConfiguration: {
        Enabled: true,
        Processors: [
          {
            Type: 'MetadataExtraction',
            Parameters: [
              {
                ParameterName: 'MetadataExtractionQuery',
                ParameterValue: '{customer_id: .customer_id, region: .where.region}',
              },
              { ParameterName: 'JsonParsingEngine', ParameterValue: 'JQ-1.6' },
            ],
          },
          { Type: 'AppendDelimiterToRecord', Parameters: [{ ParameterName: 'Delimiter', ParameterValue: '\\n' }] },
        ],
      },
    });
    await putAll('parts', [
      '{"customer_id":"a","where":{"region":"eu"},"n":1}',
      '{"customer_id":7,"where":{"region":"us"},"n":2}',
      '{"customer_id":"a","where":{"region":"eu"},"n":3}',
      'not json',
      '{"where":{"region":"eu"}}',
    ]);
    cloud.clock.advance(60);
    const keys = (await delivered(s3, 'sink', 3)).sort();
    assert.equal(keys.length, 3);
    assert.match(keys[0] as string, /^customer=7\/region=us\/parts-1-/);
    assert.match(keys[1] as string, /^customer=a\/region=eu\/parts-1-/);
    assert.match(keys[2] as string, /^failed\/partitioning-failed\/parts-1-/);
    assert.equal(await objectText(s3, 'sink', keys[0] as string), '{"customer_id":7,"where":{"region":"us"},"n":2}\n');
    assert.equal(
      await objectText(s3, 'sink', keys[1] as string),
      '{"customer_id":"a","where":{"region":"eu"},"n":1}\n{"customer_id":"a","where":{"region":"eu"},"n":3}\n',
    );
    const failures = (await objectText(s3, 'sink', keys[2] as string))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(
      failures.map((f) => [f.errorCode, Buffer.from(f.rawData as string, 'base64').toString()]),
      [
        ['DynamicPartitioning.MetadataExtractionFailed', 'not json'],
        ['DynamicPartitioning.MetadataExtractionFailed', '{"where":{"region":"eu"}}'],
      ],
    );
    assert.equal(typeof failures[0]?.arrivalTimestamp, 'number');
  });

  test('a delivery to a bucket that is gone is retried every 5 seconds until it succeeds', async () => {
    await createS3Stream(firehose, 'later', 'late-bucket', {
      Prefix: 'in/',
      BufferingHints: { IntervalInSeconds: 60 },
    });
    await putAll('later', ['kept']);
    cloud.clock.advance(60);
    await settle();
    await s3.send(new CreateBucketCommand({ Bucket: 'late-bucket' }));
    await settle();
    assert.deepEqual(await keysOf(s3, 'late-bucket'), [], 'nothing before the retry is due');
    cloud.clock.advance(5);
    const [key] = await delivered(s3, 'late-bucket', 1);
    assert.match(key as string, /^in\/\d{4}\//);
    assert.equal(await objectText(s3, 'late-bucket', key as string), 'kept');
  });

  test('records still failing after 24 hours are dropped', async () => {
    await createS3Stream(firehose, 'lost', 'never-bucket', { BufferingHints: { IntervalInSeconds: 0 } });
    await putAll('lost', ['gone']);
    await settle();
    for (let i = 0; i < 3; i++) {
      cloud.clock.advance(12 * 3600);
      await settle();
    }
    await s3.send(new CreateBucketCommand({ Bucket: 'never-bucket' }));
    cloud.clock.advance(10);
    await settle(100);
    assert.deepEqual(await keysOf(s3, 'never-bucket'), []);
  });
});
