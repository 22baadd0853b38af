import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type FirehoseClient, PutRecordBatchCommand, PutRecordCommand } from '@aws-sdk/client-firehose';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import {
  account,
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

/** `yyyy/MM/dd/HH/` then `<stream>-<version>-yyyy-MM-dd-HH-mm-ss-<uuid>`, AWS's default object name. */
const defaultName = (prefix: string, stream: string, version = 1) =>
  new RegExp(
    `^${prefix}(\\d{4})/(\\d{2})/(\\d{2})/(\\d{2})/${stream}-${version}-\\1-\\2-\\3-\\4-\\d{2}-\\d{2}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`,
  );

describe('PutRecord and PutRecordBatch', () => {
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

  const put = (stream: string, text: string) =>
    firehose.send(new PutRecordCommand({ DeliveryStreamName: stream, Record: { Data: utf8(text) } }));

  describe('PutRecord', () => {
    test('answers a RecordId, and the record is delivered once the buffering interval passes', async () => {
      await createS3Stream(firehose, 'orders', 'sink', { Prefix: 'raw/' });
      const answer = await put('orders', '{"n":1}\n');
      assert.ok(answer.RecordId && answer.RecordId.length > 0);
      assert.equal(answer.Encrypted, false);
      await put('orders', '{"n":2}\n');
      cloud.clock.advance(299);
      await settle();
      assert.deepEqual(await keysOf(s3, 'sink'), []);
      cloud.clock.advance(1);
      const keys = await delivered(s3, 'sink', 1);
      assert.equal(keys.length, 1);
      assert.match(keys[0] as string, defaultName('raw/', 'orders'));
      assert.equal(await objectText(s3, 'sink', keys[0] as string), '{"n":1}\n{"n":2}\n');
    });

    test('names the object by the oldest record in UTC', async () => {
      await createS3Stream(firehose, 'clocked', 'sink', { BufferingHints: { IntervalInSeconds: 60 } });
      const at = new Date(cloud.clock.now());
      await put('clocked', 'x');
      cloud.clock.advance(60);
      const [key] = await delivered(s3, 'sink', 1);
      const pad = (n: number) => String(n).padStart(2, '0');
      const hour = `${at.getUTCFullYear()}/${pad(at.getUTCMonth() + 1)}/${pad(at.getUTCDate())}/${pad(at.getUTCHours())}/`;
      assert.ok(key?.startsWith(hour), `${key} starts with ${hour}`);
      assert.match(key as string, defaultName('', 'clocked'));
    });

    test('returns ResourceNotFoundException for a stream that does not exist', async () => {
      await assertFirehoseError(
        put('nowhere', 'x'),
        'ResourceNotFoundException',
        `Firehose nowhere under account ${account} not found.`,
      );
    });

    test('refuses data over 1,000 KiB with the model limit', async () => {
      await createS3Stream(firehose, 'big', 'sink');
      await assert.rejects(
        firehose.send(new PutRecordCommand({ DeliveryStreamName: 'big', Record: { Data: new Uint8Array(1_024_001) } })),
        (error: Error) => {
          assert.equal(error.name, 'ValidationException');
          assert.match(error.message, /Member must have length less than or equal to 1024000/);
          return true;
        },
      );
    });
  });

  describe('PutRecordBatch', () => {
    test('answers one RecordId per record and FailedPutCount 0, delivered in order', async () => {
      await createS3Stream(firehose, 'batch', 'sink', { BufferingHints: { IntervalInSeconds: 0 } });
      const answer = await firehose.send(
        new PutRecordBatchCommand({
          DeliveryStreamName: 'batch',
          Records: ['a', 'b', 'c'].map((text) => ({ Data: utf8(text) })),
        }),
      );
      assert.equal(answer.FailedPutCount, 0);
      assert.equal(answer.RequestResponses?.length, 3);
      assert.equal(new Set(answer.RequestResponses?.map((r) => r.RecordId)).size, 3);
      const [key] = await delivered(s3, 'sink', 1);
      assert.equal(await objectText(s3, 'sink', key as string), 'abc');
    });

    test('delivers at once when the buffer reaches SizeInMBs, without waiting for the interval', async () => {
      await createS3Stream(firehose, 'sized', 'sink', { BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 900 } });
      const chunk = 'x'.repeat(600 * 1024);
      await firehose.send(
        new PutRecordBatchCommand({
          DeliveryStreamName: 'sized',
          Records: [{ Data: utf8(chunk) }, { Data: utf8(chunk) }],
        }),
      );
      const first = await delivered(s3, 'sink', 1);
      assert.equal(first.length, 1, 'the first MiB went at once');
      await settle();
      assert.equal((await keysOf(s3, 'sink')).length, 1, 'the rest waits for the interval');
      cloud.clock.advance(900);
      assert.equal((await delivered(s3, 'sink', 2)).length, 2);
    });

    test('returns InvalidArgumentException for a batch over 4 MiB', async () => {
      await createS3Stream(firehose, 'huge', 'sink');
      const record = { Data: new Uint8Array(1_000_000) };
      await assertFirehoseError(
        firehose.send(new PutRecordBatchCommand({ DeliveryStreamName: 'huge', Records: Array(5).fill(record) })),
        'InvalidArgumentException',
        'Records size exceeds 4 MB limit',
      );
    });

    test('refuses more than 500 records with the model limit', async () => {
      await createS3Stream(firehose, 'many', 'sink');
      await assert.rejects(
        firehose.send(
          new PutRecordBatchCommand({ DeliveryStreamName: 'many', Records: Array(501).fill({ Data: utf8('x') }) }),
        ),
        (error: Error) => {
          assert.equal(error.name, 'ValidationException');
          assert.match(
            error.message,
            /at 'records' failed to satisfy constraint: Member must have length less than or equal to 500/,
          );
          return true;
        },
      );
    });
  });
});
