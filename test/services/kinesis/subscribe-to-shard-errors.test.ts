/**
 * SubscribeToShard's errors: those of the request (ordinary 400 answers, so `send()` rejects) and
 * those inside the stream (`exception` messages, so the `for await` throws). The texts and their
 * evidence are in src/services/kinesis/subscribe-errors.ts and errors.ts.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import {
  DeleteStreamCommand,
  DeregisterStreamConsumerCommand,
  PutRecordCommand,
  RegisterStreamConsumerCommand,
  SubscribeToShardCommand,
} from '@aws-sdk/client-kinesis';
import { account, assertKinesisError, createStream } from './kinesis-helpers.js';
import {
  nextEvent,
  nextMessage,
  put,
  type Setup,
  setUp,
  shard0,
  subscribe,
  tearDown,
  untilOpen,
} from './subscribe-to-shard-helpers.js';

/** Asserts that the stream's next message is this exception, and that the stream then ends. */
async function assertStreamError(
  subscribed: Awaited<ReturnType<typeof subscribe>>,
  code: string,
  message: string,
): Promise<void> {
  await assertKinesisError(nextMessage(subscribed), code, message);
  assert.equal((await subscribed.events.next()).done, true);
}

describe('SubscribeToShard', () => {
  let setup: Setup;
  afterEach(() => tearDown(setup));

  describe('errors', () => {
    test('returns ResourceNotFoundException for a consumer that does not exist', async () => {
      setup = await setUp();
      const arn = `${setup.streamArn}/consumer/nobody:1700000000`;
      await assertKinesisError(
        subscribe(setup, { Type: 'LATEST' }, shard0, arn),
        'ResourceNotFoundException',
        `Consumer ${arn}, account ${account} not found.`,
      );
    });

    test('returns ResourceNotFoundException for a consumer whose stream does not exist', async () => {
      setup = await setUp();
      const arn = `arn:aws:kinesis:us-east-1:${account}:stream/gone/consumer/c:1700000000`;
      await assertKinesisError(
        subscribe(setup, { Type: 'LATEST' }, shard0, arn),
        'ResourceNotFoundException',
        `Stream gone under account ${account} not found.`,
      );
    });

    test('returns ResourceNotFoundException for a shard the stream does not have', async () => {
      setup = await setUp();
      await assertKinesisError(
        subscribe(setup, { Type: 'LATEST' }, 'shardId-000000000009'),
        'ResourceNotFoundException',
        `Shard shardId-000000000009 in stream s under account ${account} does not exist`,
      );
    });

    test('returns ResourceInUseException for the same consumer and shard again within 5 seconds', async () => {
      setup = await setUp();
      const first = await subscribe(setup, { Type: 'LATEST' });
      await nextEvent(first);
      first.abort();
      await untilOpen(setup.cloud, 0);
      setup.cloud.clock.advance(4.9);
      await assertKinesisError(
        subscribe(setup, { Type: 'LATEST' }),
        'ResourceInUseException',
        `Another active subscription exists for this consumer: ${account}:s:${shard0}:c`,
      );
    });

    test('lets another consumer, or another shard, subscribe within the 5 seconds', async () => {
      setup = await setUp(2);
      const { Consumer } = await setup.kinesis.send(
        new RegisterStreamConsumerCommand({ StreamARN: setup.streamArn, ConsumerName: 'd' }),
      );
      const subscriptions = [
        await subscribe(setup, { Type: 'LATEST' }),
        await subscribe(setup, { Type: 'LATEST' }, 'shardId-000000000001'),
        await subscribe(setup, { Type: 'LATEST' }, shard0, Consumer?.ConsumerARN),
      ];
      for (const subscribed of subscriptions) assert.deepEqual((await nextEvent(subscribed)).Records, []);
      for (const subscribed of subscriptions) subscribed.abort();
    });

    test('a call 5 seconds later takes over: the earlier stream ends with ResourceInUseException', async () => {
      setup = await setUp();
      const first = await subscribe(setup, { Type: 'LATEST' });
      await nextEvent(first);
      setup.cloud.clock.advance(5);
      const second = await subscribe(setup, { Type: 'LATEST' });
      let result = await nextMessage(first).catch((error: Error) => error);
      // An idle event the clock's advance made may come first.
      while (!(result instanceof Error) && !result.done)
        result = await nextMessage(first).catch((error: Error) => error);
      assert.ok(result instanceof Error);
      assert.equal(result.name, 'ResourceInUseException');
      assert.equal(result.message, `Another active subscription exists for this consumer: ${account}:s:${shard0}:c`);
      await put(setup.kinesis, 'for the second');
      const event = await nextEvent(second);
      const records = event.Records?.length ? event : await nextEvent(second);
      assert.equal(Buffer.from(records.Records?.[0]?.Data ?? []).toString(), 'for the second');
      second.abort();
      await untilOpen(setup.cloud, 0);
    });

    test('returns InvalidArgumentException for AT_SEQUENCE_NUMBER without a SequenceNumber', async () => {
      setup = await setUp();
      await assertKinesisError(
        subscribe(setup, { Type: 'AT_SEQUENCE_NUMBER' }),
        'InvalidArgumentException',
        'StartingPosition of type AT_SEQUENCE_NUMBER requires a SequenceNumber.',
      );
    });

    test('returns InvalidArgumentException for AT_TIMESTAMP without a Timestamp', async () => {
      setup = await setUp();
      await assertKinesisError(
        subscribe(setup, { Type: 'AT_TIMESTAMP' }),
        'InvalidArgumentException',
        'StartingPosition of type AT_TIMESTAMP requires a Timestamp.',
      );
    });

    test('returns InvalidArgumentException for a sequence number Kinesis never gave', async () => {
      setup = await setUp();
      await assertKinesisError(
        subscribe(setup, { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: '12345' }),
        'InvalidArgumentException',
        `StartingSequenceNumber 12345 used in SubscribeToShard on shard ${shard0} in stream s under account ${account} is invalid.`,
      );
    });

    test("returns InvalidArgumentException for another shard's sequence number", async () => {
      setup = await setUp(2);
      let other: string | undefined;
      for (let i = 0; other === undefined; i++) {
        const { ShardId, SequenceNumber } = await setup.kinesis.send(
          new PutRecordCommand({
            StreamName: 's',
            Data: Buffer.from('x'),
            PartitionKey: `key-${i}`,
          }),
        );
        if (ShardId === 'shardId-000000000001') other = SequenceNumber;
      }
      await assertKinesisError(
        subscribe(setup, { Type: 'AT_SEQUENCE_NUMBER', SequenceNumber: other }),
        'InvalidArgumentException',
        `Invalid StartingSequenceNumber. It encodes shardId-000000000001, while it was used in a call to a shard with ${shard0}`,
      );
    });

    test("returns InvalidArgumentException for another stream's sequence number", async () => {
      setup = await setUp();
      await createStream(setup.kinesis, 'other');
      const sequence = await put(setup.kinesis, 'x', 'other');
      await assertKinesisError(
        subscribe(setup, { Type: 'AT_SEQUENCE_NUMBER', SequenceNumber: sequence }),
        'InvalidArgumentException',
        `StartingSequenceNumber ${sequence} used in SubscribeToShard on shard ${shard0} in stream s under account ${account} is invalid because it did not come from this stream.`,
      );
    });

    test('returns ValidationException for a starting position type the model does not list', async () => {
      setup = await setUp();
      // The model's enum, in the validation wording Kinesis shares with DynamoDB (dynalite's format).
      await assertKinesisError(
        setup.kinesis.send(
          new SubscribeToShardCommand({
            ConsumerARN: setup.consumerArn,
            ShardId: shard0,
            StartingPosition: { Type: 'SOMEWHERE' as 'LATEST' },
          }),
        ),
        'ValidationException',
        "1 validation error detected: Value 'SOMEWHERE' at 'startingPosition.type' failed to satisfy constraint: Member must satisfy enum value set: [AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, AT_TIMESTAMP]",
      );
    });
  });

  describe('errors inside the stream', () => {
    test('a consumer deregistered mid-stream ends it with ResourceNotFoundException', async () => {
      setup = await setUp();
      const subscribed = await subscribe(setup, { Type: 'LATEST' });
      await nextEvent(subscribed);
      await setup.kinesis.send(new DeregisterStreamConsumerCommand({ ConsumerARN: setup.consumerArn }));
      await assertStreamError(
        subscribed,
        'ResourceNotFoundException',
        `Consumer ${setup.consumerArn}, account ${account} not found.`,
      );
      await untilOpen(setup.cloud, 0);
    });

    test('a stream deleted mid-stream ends it with ResourceNotFoundException at the next idle event', async () => {
      setup = await setUp();
      const subscribed = await subscribe(setup, { Type: 'LATEST' });
      await nextEvent(subscribed);
      await setup.kinesis.send(new DeleteStreamCommand({ StreamName: 's', EnforceConsumerDeletion: true }));
      setup.cloud.clock.advance(5);
      await assertStreamError(subscribed, 'ResourceNotFoundException', `Stream s under account ${account} not found.`);
      await untilOpen(setup.cloud, 0);
    });
  });
});
