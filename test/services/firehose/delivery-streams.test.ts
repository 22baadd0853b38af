import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CreateDeliveryStreamCommand,
  DeleteDeliveryStreamCommand,
  DescribeDeliveryStreamCommand,
  type FirehoseClient,
  ListDeliveryStreamsCommand,
  ListTagsForDeliveryStreamCommand,
  StartDeliveryStreamEncryptionCommand,
  StopDeliveryStreamEncryptionCommand,
  TagDeliveryStreamCommand,
  UntagDeliveryStreamCommand,
  UpdateDestinationCommand,
} from '@aws-sdk/client-firehose';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { account, assertFirehoseError, createS3Stream, firehoseFor, role } from './firehose-helpers.js';

describe('Firehose delivery streams', () => {
  let cloud: NimbusCloud;
  let firehose: FirehoseClient;
  before(async () => {
    cloud = await startCloud();
    firehose = firehoseFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  const describeStream = async (name: string) =>
    (await firehose.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: name }))).DeliveryStreamDescription;

  describe('CreateDeliveryStream', () => {
    test('answers the stream ARN, and Describe answers ACTIVE from the first call', async () => {
      const arn = await createS3Stream(firehose, 'orders', 'bucket-a');
      assert.equal(arn, `arn:aws:firehose:us-east-1:${account}:deliverystream/orders`);
      const description = await describeStream('orders');
      assert.equal(description?.DeliveryStreamStatus, 'ACTIVE');
      assert.equal(description?.DeliveryStreamType, 'DirectPut');
      assert.equal(description?.VersionId, '1');
      assert.deepEqual(description?.DeliveryStreamEncryptionConfiguration, { Status: 'DISABLED' });
      assert.ok(description?.CreateTimestamp instanceof Date);
      assert.equal(description?.HasMoreDestinations, false);
    });

    test('describes an S3 destination both ways, with AWS defaults filled in', async () => {
      await createS3Stream(firehose, 'defaults', 'bucket-a', { Prefix: 'raw/' });
      const [destination] = (await describeStream('defaults'))?.Destinations ?? [];
      assert.equal(destination?.DestinationId, 'destinationId-000000000001');
      assert.deepEqual(destination?.ExtendedS3DestinationDescription, {
        RoleARN: role,
        BucketARN: 'arn:aws:s3:::bucket-a',
        Prefix: 'raw/',
        BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 300 },
        CompressionFormat: 'UNCOMPRESSED',
        EncryptionConfiguration: { NoEncryptionConfig: 'NoEncryption' },
        CloudWatchLoggingOptions: { Enabled: false },
        S3BackupMode: 'Disabled',
      });
      assert.equal(destination?.S3DestinationDescription?.BucketARN, 'arn:aws:s3:::bucket-a');
      assert.equal(destination?.S3DestinationDescription?.Prefix, 'raw/');
    });

    test('takes the older S3DestinationConfiguration too', async () => {
      await firehose.send(
        new CreateDeliveryStreamCommand({
          DeliveryStreamName: 'plain',
          S3DestinationConfiguration: {
            RoleARN: role,
            BucketARN: 'arn:aws:s3:::bucket-b',
            BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 60 },
            CompressionFormat: 'GZIP',
          },
        }),
      );
      const [destination] = (await describeStream('plain'))?.Destinations ?? [];
      assert.deepEqual(destination?.S3DestinationDescription?.BufferingHints, { SizeInMBs: 1, IntervalInSeconds: 60 });
      assert.equal(destination?.S3DestinationDescription?.CompressionFormat, 'GZIP');
    });

    test('returns ResourceInUseException for a name already in use', async () => {
      await createS3Stream(firehose, 'twice', 'bucket-a');
      await assertFirehoseError(
        createS3Stream(firehose, 'twice', 'bucket-a'),
        'ResourceInUseException',
        `Firehose twice under accountId ${account} already exists`,
      );
    });

    test('returns InvalidArgumentException without a destination', async () => {
      await assertFirehoseError(
        firehose.send(new CreateDeliveryStreamCommand({ DeliveryStreamName: 'none' })),
        'InvalidArgumentException',
        'Exactly one destination configuration must be specified.',
      );
    });

    test('returns InvalidArgumentException for dynamic partitioning without an error output prefix', async () => {
      await assertFirehoseError(
        createS3Stream(firehose, 'parts', 'bucket-a', {
          Prefix: 'c=!{partitionKeyFromQuery:c}/',
          DynamicPartitioningConfiguration: { Enabled: true },
        }),
        'InvalidArgumentException',
        'ErrorOutputPrefix cannot be null or empty when dynamic partitioning is enabled.',
      );
    });

    test('returns ValidationException for a name the model refuses', async () => {
      await assert.rejects(createS3Stream(firehose, 'bad name', 'bucket-a'), (error: Error) => {
        assert.equal(error.name, 'ValidationException');
        assert.match(error.message, /^1 validation error detected: Value 'bad name' at 'deliveryStreamName'/);
        return true;
      });
    });
  });

  describe('DescribeDeliveryStream', () => {
    test('returns ResourceNotFoundException in AWS words for a stream that does not exist', async () => {
      await assertFirehoseError(
        describeStream('missing'),
        'ResourceNotFoundException',
        `Firehose missing under account ${account} not found.`,
      );
    });

    test('keeps streams apart by region', async () => {
      await createS3Stream(firehose, 'regional', 'bucket-a');
      await assertFirehoseError(
        firehoseFor(cloud, 'eu-west-1').send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'regional' })),
        'ResourceNotFoundException',
        `Firehose regional under account ${account} not found.`,
      );
    });
  });

  describe('ListDeliveryStreams', () => {
    test('lists names in order, a page at a time', async () => {
      for (const name of ['c', 'a', 'b']) await createS3Stream(firehose, name, 'bucket-a');
      const first = await firehose.send(new ListDeliveryStreamsCommand({ Limit: 2 }));
      assert.deepEqual(first.DeliveryStreamNames, ['a', 'b']);
      assert.equal(first.HasMoreDeliveryStreams, true);
      const rest = await firehose.send(new ListDeliveryStreamsCommand({ ExclusiveStartDeliveryStreamName: 'b' }));
      assert.deepEqual(rest.DeliveryStreamNames, ['c']);
      assert.equal(rest.HasMoreDeliveryStreams, false);
      const kinesis = await firehose.send(
        new ListDeliveryStreamsCommand({ DeliveryStreamType: 'KinesisStreamAsSource' }),
      );
      assert.deepEqual(kinesis.DeliveryStreamNames, []);
    });
  });

  describe('DeleteDeliveryStream', () => {
    test('deletes the stream, and a second delete is ResourceNotFoundException', async () => {
      await createS3Stream(firehose, 'gone', 'bucket-a');
      await firehose.send(new DeleteDeliveryStreamCommand({ DeliveryStreamName: 'gone' }));
      assert.deepEqual((await firehose.send(new ListDeliveryStreamsCommand({}))).DeliveryStreamNames, []);
      await assertFirehoseError(
        firehose.send(new DeleteDeliveryStreamCommand({ DeliveryStreamName: 'gone' })),
        'ResourceNotFoundException',
        `Firehose gone under account ${account} not found.`,
      );
    });
  });

  describe('UpdateDestination', () => {
    test('merges the update, keeps members not named and moves VersionId on', async () => {
      await createS3Stream(firehose, 'upd', 'bucket-a', {
        Prefix: 'one/',
        BufferingHints: { SizeInMBs: 2, IntervalInSeconds: 60 },
      });
      await firehose.send(
        new UpdateDestinationCommand({
          DeliveryStreamName: 'upd',
          CurrentDeliveryStreamVersionId: '1',
          DestinationId: 'destinationId-000000000001',
          ExtendedS3DestinationUpdate: { BufferingHints: { IntervalInSeconds: 120 }, CompressionFormat: 'GZIP' },
        }),
      );
      const description = await describeStream('upd');
      assert.equal(description?.VersionId, '2');
      assert.ok(description?.LastUpdateTimestamp instanceof Date);
      const s3 = description?.Destinations?.[0]?.ExtendedS3DestinationDescription;
      assert.equal(s3?.Prefix, 'one/');
      assert.deepEqual(s3?.BufferingHints, { SizeInMBs: 2, IntervalInSeconds: 120 });
      assert.equal(s3?.CompressionFormat, 'GZIP');
    });

    test('returns ConcurrentModificationException for a stale version id', async () => {
      await createS3Stream(firehose, 'stale', 'bucket-a');
      await assertFirehoseError(
        firehose.send(
          new UpdateDestinationCommand({
            DeliveryStreamName: 'stale',
            CurrentDeliveryStreamVersionId: '7',
            DestinationId: 'destinationId-000000000001',
            ExtendedS3DestinationUpdate: { Prefix: 'x/' },
          }),
        ),
        'ConcurrentModificationException',
        'Cannot update firehose: stale since the current version id: 1 and specified version id: 7 do not match',
      );
    });

    test('returns InvalidArgumentException for a destination id the stream does not have', async () => {
      await createS3Stream(firehose, 'dest', 'bucket-a');
      await assertFirehoseError(
        firehose.send(
          new UpdateDestinationCommand({
            DeliveryStreamName: 'dest',
            CurrentDeliveryStreamVersionId: '1',
            DestinationId: 'destinationId-000000000009',
            ExtendedS3DestinationUpdate: { Prefix: 'x/' },
          }),
        ),
        'InvalidArgumentException',
        'Destination Id destinationId-000000000009 not found for Firehose dest.',
      );
    });
  });

  describe('TagDeliveryStream, UntagDeliveryStream, ListTagsForDeliveryStream', () => {
    // The sequence of LocalStack's recorded test_resource_tagging (TestFirehoseResourceTagging).
    test('tags, untags and lists as AWS recorded', async () => {
      await firehose.send(
        new CreateDeliveryStreamCommand({
          DeliveryStreamName: 'tagged',
          ExtendedS3DestinationConfiguration: { RoleARN: role, BucketARN: 'arn:aws:s3:::bucket-a' },
          Tags: [{ Key: 'subject', Value: 'taboo' }],
        }),
      );
      const list = () => firehose.send(new ListTagsForDeliveryStreamCommand({ DeliveryStreamName: 'tagged' }));
      const first = await list();
      assert.deepEqual(first.Tags, [{ Key: 'subject', Value: 'taboo' }]);
      assert.equal(first.HasMoreTags, false);
      await firehose.send(new UntagDeliveryStreamCommand({ DeliveryStreamName: 'tagged', TagKeys: ['subject'] }));
      assert.deepEqual((await list()).Tags, []);
      await firehose.send(
        new TagDeliveryStreamCommand({
          DeliveryStreamName: 'tagged',
          Tags: [{ Key: 'feeling', Value: 'uncomfortable' }],
        }),
      );
      assert.deepEqual((await list()).Tags, [{ Key: 'feeling', Value: 'uncomfortable' }]);
    });

    test('pages tags with Limit and ExclusiveStartTagKey', async () => {
      await createS3Stream(firehose, 'paged', 'bucket-a');
      await firehose.send(
        new TagDeliveryStreamCommand({
          DeliveryStreamName: 'paged',
          Tags: [
            { Key: 'a', Value: '1' },
            { Key: 'b', Value: '2' },
            { Key: 'c', Value: '3' },
          ],
        }),
      );
      const page = await firehose.send(new ListTagsForDeliveryStreamCommand({ DeliveryStreamName: 'paged', Limit: 2 }));
      assert.deepEqual(
        page.Tags?.map((tag) => tag.Key),
        ['a', 'b'],
      );
      assert.equal(page.HasMoreTags, true);
      const rest = await firehose.send(
        new ListTagsForDeliveryStreamCommand({ DeliveryStreamName: 'paged', ExclusiveStartTagKey: 'b' }),
      );
      assert.deepEqual(
        rest.Tags?.map((tag) => tag.Key),
        ['c'],
      );
    });
  });

  describe('StartDeliveryStreamEncryption, StopDeliveryStreamEncryption', () => {
    test('keeps the encryption state that Describe shows', async () => {
      await createS3Stream(firehose, 'sse', 'bucket-a');
      await firehose.send(
        new StartDeliveryStreamEncryptionCommand({
          DeliveryStreamName: 'sse',
          DeliveryStreamEncryptionConfigurationInput: { KeyType: 'AWS_OWNED_CMK' },
        }),
      );
      assert.deepEqual((await describeStream('sse'))?.DeliveryStreamEncryptionConfiguration, {
        KeyType: 'AWS_OWNED_CMK',
        Status: 'ENABLED',
      });
      await firehose.send(new StopDeliveryStreamEncryptionCommand({ DeliveryStreamName: 'sse' }));
      assert.deepEqual((await describeStream('sse'))?.DeliveryStreamEncryptionConfiguration, { Status: 'DISABLED' });
    });
  });
});
