import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CreateDeliveryStreamCommand,
  DescribeDeliveryStreamCommand,
  type FirehoseClient,
  PutRecordCommand,
} from '@aws-sdk/client-firehose';
import { CreateStreamCommand, DescribeStreamCommand, KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig, startCloud } from '../../helpers/cloud.js';
import {
  account,
  assertFirehoseError,
  delivered,
  firehoseFor,
  objectText,
  role,
  s3For,
  settle,
  utf8,
} from './firehose-helpers.js';

describe('Kinesis stream as source', () => {
  let cloud: NimbusCloud;
  let firehose: FirehoseClient;
  let kinesis: KinesisClient;
  let s3: S3Client;
  let kinesisArn: string;
  before(async () => {
    cloud = await startCloud();
    firehose = firehoseFor(cloud);
    // Kinesis's SDK client speaks HTTP/2 by default; Nimbus answers HTTP/1.1.
    kinesis = new KinesisClient({
      ...clientConfig(cloud, { accessKeyId: account }),
      requestHandler: new NodeHttpHandler(),
    });
    s3 = s3For(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await kinesis.send(new CreateStreamCommand({ StreamName: 'source', ShardCount: 2 }));
    const { StreamDescription } = await kinesis.send(new DescribeStreamCommand({ StreamName: 'source' }));
    kinesisArn = StreamDescription?.StreamARN as string;
  });

  const createFromKinesis = (name: string, bucket: string) =>
    firehose.send(
      new CreateDeliveryStreamCommand({
        DeliveryStreamName: name,
        DeliveryStreamType: 'KinesisStreamAsSource',
        KinesisStreamSourceConfiguration: { KinesisStreamARN: kinesisArn, RoleARN: role },
        ExtendedS3DestinationConfiguration: {
          RoleARN: role,
          BucketARN: `arn:aws:s3:::${bucket}`,
          Prefix: 'Test-message-2948294kdlsie/',
          BufferingHints: { IntervalInSeconds: 0 },
        },
      }),
    );

  const putToKinesis = (texts: string[]) =>
    kinesis.send(
      new PutRecordsCommand({
        StreamName: 'source',
        Records: texts.map((text, i) => ({ Data: utf8(text), PartitionKey: `key-${i}` })),
      }),
    );

  // As LocalStack's recorded test_kinesis_firehose_kinesis_as_source_multiple_delivery_streams:
  // two delivery streams read one Kinesis stream, each into its own bucket under the prefix.
  test('two delivery streams each deliver what is put to the Kinesis stream afterwards', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'bucket-a' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'bucket-b' }));
    await putToKinesis(['before;']);
    await createFromKinesis('from-kinesis-a', 'bucket-a');
    await createFromKinesis('from-kinesis-b', 'bucket-b');
    await putToKinesis(['one;', 'two;', 'three;']);
    for (const bucket of ['bucket-a', 'bucket-b']) {
      const keys = await delivered(s3, bucket, 1);
      assert.ok(keys.length >= 1, `${bucket} has objects`);
      for (const key of keys) assert.equal(key.split('/')[0], 'Test-message-2948294kdlsie');
      let text = '';
      for (const key of keys) text += await objectText(s3, bucket, key);
      assert.deepEqual(text.split(';').filter(Boolean).sort(), ['one', 'three', 'two'], 'LATEST: nothing from before');
    }
  });

  test('describes its Kinesis source', async () => {
    await createFromKinesis('described', 'bucket-a');
    const { DeliveryStreamDescription } = await firehose.send(
      new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'described' }),
    );
    assert.equal(DeliveryStreamDescription?.DeliveryStreamType, 'KinesisStreamAsSource');
    const source = DeliveryStreamDescription?.Source?.KinesisStreamSourceDescription;
    assert.equal(source?.KinesisStreamARN, kinesisArn);
    assert.equal(source?.RoleARN, role);
    assert.ok(source?.DeliveryStartTimestamp instanceof Date);
  });

  test('returns InvalidArgumentException for PutRecord to a stream that reads Kinesis', async () => {
    await createFromKinesis('no-puts', 'bucket-a');
    await assertFirehoseError(
      firehose.send(new PutRecordCommand({ DeliveryStreamName: 'no-puts', Record: { Data: utf8('x') } })),
      'InvalidArgumentException',
      'This operation is not permitted on KinesisStreamAsSource delivery stream type.',
    );
  });

  test('returns InvalidArgumentException for a Kinesis stream that does not exist', async () => {
    kinesisArn = `arn:aws:kinesis:us-east-1:${account}:stream/missing`;
    await assertFirehoseError(
      createFromKinesis('orphan', 'bucket-a'),
      'InvalidArgumentException',
      `Kinesis stream arn:aws:kinesis:us-east-1:${account}:stream/missing does not exist.`,
    );
    await settle(0);
  });
});
