import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  AddTagsToStreamCommand,
  DeleteStreamCommand,
  DeregisterStreamConsumerCommand,
  DescribeStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ListStreamConsumersCommand,
  ListTagsForResourceCommand,
  ListTagsForStreamCommand,
  RegisterStreamConsumerCommand,
  RemoveTagsFromStreamCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-kinesis';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { account, assertKinesisError, createStream, kinesisFor } from './kinesis-helpers.js';

const arn = `arn:aws:kinesis:us-east-1:${account}:stream/tagged`;

describe('Kinesis tags and consumers', () => {
  let cloud: NimbusCloud;
  let kinesis: KinesisClient;
  before(async () => {
    cloud = await startCloud();
    kinesis = kinesisFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await createStream(kinesis, 'tagged');
  });

  describe('AddTagsToStream, RemoveTagsFromStream, ListTagsForStream', () => {
    test('adds, overwrites, lists in key order and removes tags', async () => {
      await kinesis.send(new AddTagsToStreamCommand({ StreamName: 'tagged', Tags: { foo: 'bar', alpha: '1' } }));
      await kinesis.send(new AddTagsToStreamCommand({ StreamARN: arn, Tags: { foo: 'baz' } }));
      const listed = await kinesis.send(new ListTagsForStreamCommand({ StreamName: 'tagged' }));
      assert.deepEqual(listed.Tags, [
        { Key: 'alpha', Value: '1' },
        { Key: 'foo', Value: 'baz' },
      ]);
      assert.equal(listed.HasMoreTags, false);
      await kinesis.send(new RemoveTagsFromStreamCommand({ StreamName: 'tagged', TagKeys: ['alpha'] }));
      assert.deepEqual((await kinesis.send(new ListTagsForStreamCommand({ StreamARN: arn }))).Tags, [
        { Key: 'foo', Value: 'baz' },
      ]);
    });

    test('pages tags with Limit and ExclusiveStartTagKey', async () => {
      await kinesis.send(new AddTagsToStreamCommand({ StreamName: 'tagged', Tags: { a: '1', b: '2', c: '3' } }));
      const first = await kinesis.send(new ListTagsForStreamCommand({ StreamName: 'tagged', Limit: 2 }));
      assert.deepEqual(
        first.Tags?.map((tag) => tag.Key),
        ['a', 'b'],
      );
      assert.equal(first.HasMoreTags, true);
      const rest = await kinesis.send(
        new ListTagsForStreamCommand({ StreamName: 'tagged', ExclusiveStartTagKey: 'b' }),
      );
      assert.deepEqual(
        rest.Tags?.map((tag) => tag.Key),
        ['c'],
      );
    });

    test('refuses a 51st tag', async () => {
      const tags = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
      await kinesis.send(new AddTagsToStreamCommand({ StreamName: 'tagged', Tags: tags }));
      await assertKinesisError(
        kinesis.send(new AddTagsToStreamCommand({ StreamName: 'tagged', Tags: { extra: 'v' } })),
        'InvalidArgumentException',
        `Failed to add tags to stream tagged under account ${account} because a given stream cannot have more than 50 tags.`,
      );
    });

    test('CreateStream takes tags', async () => {
      await kinesis.send(new DeleteStreamCommand({ StreamName: 'tagged' }));
      const { CreateStreamCommand } = await import('@aws-sdk/client-kinesis');
      await kinesis.send(new CreateStreamCommand({ StreamName: 'tagged', ShardCount: 1, Tags: { team: 'data' } }));
      assert.deepEqual((await kinesis.send(new ListTagsForStreamCommand({ StreamName: 'tagged' }))).Tags, [
        { Key: 'team', Value: 'data' },
      ]);
    });
  });

  describe('TagResource, UntagResource, ListTagsForResource', () => {
    test('tag the stream by its ARN', async () => {
      await kinesis.send(new TagResourceCommand({ ResourceARN: arn, Tags: { env: 'test' } }));
      assert.deepEqual((await kinesis.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags, [
        { Key: 'env', Value: 'test' },
      ]);
      await kinesis.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: ['env'] }));
      assert.deepEqual((await kinesis.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags, []);
    });

    test('returns ResourceNotFoundException for a stream that does not exist', async () => {
      await assertKinesisError(
        kinesis.send(
          new ListTagsForResourceCommand({ ResourceARN: `arn:aws:kinesis:us-east-1:${account}:stream/none` }),
        ),
        'ResourceNotFoundException',
        `Stream none under account ${account} not found.`,
      );
    });
  });

  describe('RegisterStreamConsumer and the other consumer operations', () => {
    test('registers an ACTIVE consumer that describe and list show, until deregistered', async () => {
      const { Consumer } = await kinesis.send(
        new RegisterStreamConsumerCommand({ StreamARN: arn, ConsumerName: 'consumer' }),
      );
      assert.equal(Consumer?.ConsumerName, 'consumer');
      assert.equal(Consumer?.ConsumerStatus, 'ACTIVE');
      assert.match(Consumer?.ConsumerARN ?? '', new RegExp(`^${arn}/consumer/consumer:\\d+$`));
      const described = await kinesis.send(new DescribeStreamConsumerCommand({ ConsumerARN: Consumer?.ConsumerARN }));
      assert.equal(described.ConsumerDescription?.StreamARN, arn);
      assert.equal(described.ConsumerDescription?.ConsumerARN, Consumer?.ConsumerARN);
      const byName = await kinesis.send(
        new DescribeStreamConsumerCommand({ StreamARN: arn, ConsumerName: 'consumer' }),
      );
      assert.equal(byName.ConsumerDescription?.ConsumerName, 'consumer');
      const listed = await kinesis.send(new ListStreamConsumersCommand({ StreamARN: arn }));
      assert.deepEqual(
        listed.Consumers?.map((c) => [c.ConsumerName, c.ConsumerStatus]),
        [['consumer', 'ACTIVE']],
      );
      const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'tagged' }));
      assert.equal(summary.StreamDescriptionSummary?.ConsumerCount, 1);
      await kinesis.send(new DeregisterStreamConsumerCommand({ ConsumerARN: Consumer?.ConsumerARN }));
      assert.deepEqual((await kinesis.send(new ListStreamConsumersCommand({ StreamARN: arn }))).Consumers, []);
    });

    test('DeleteStream refuses a stream with consumers unless EnforceConsumerDeletion', async () => {
      await kinesis.send(new RegisterStreamConsumerCommand({ StreamARN: arn, ConsumerName: 'c' }));
      await assert.rejects(kinesis.send(new DeleteStreamCommand({ StreamName: 'tagged' })), {
        name: 'ResourceInUseException',
      });
      await kinesis.send(new DeleteStreamCommand({ StreamName: 'tagged', EnforceConsumerDeletion: true }));
      await assert.rejects(kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'tagged' })), {
        name: 'ResourceNotFoundException',
      });
    });

    test('refuses a consumer name in use', async () => {
      await kinesis.send(new RegisterStreamConsumerCommand({ StreamARN: arn, ConsumerName: 'c' }));
      await assert.rejects(kinesis.send(new RegisterStreamConsumerCommand({ StreamARN: arn, ConsumerName: 'c' })), {
        name: 'ResourceInUseException',
      });
    });
  });
});
