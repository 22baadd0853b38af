/** Shared pieces of the SubscribeToShard tests: a fresh cloud, a consumer, reading events with a deadline. */
import assert from 'node:assert/strict';
import {
  DescribeStreamSummaryCommand,
  type KinesisClient,
  PutRecordCommand,
  RegisterStreamConsumerCommand,
  type StartingPosition,
  SubscribeToShardCommand,
  type SubscribeToShardEvent,
  type SubscribeToShardEventStream,
} from '@aws-sdk/client-kinesis';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { bytes, createStream, kinesisFor } from './kinesis-helpers.js';

export const shard0 = 'shardId-000000000000';

export interface Setup {
  cloud: NimbusCloud;
  kinesis: KinesisClient;
  streamArn: string;
  consumerArn: string;
}

/** A new cloud with stream `s` (`shards` shards) and consumer `c` on it. */
export async function setUp(shards = 1, kinesis?: (cloud: NimbusCloud) => KinesisClient): Promise<Setup> {
  const cloud = await startCloud();
  const client = (kinesis ?? kinesisFor)(cloud);
  await createStream(client, 's', shards);
  const { StreamDescriptionSummary } = await client.send(new DescribeStreamSummaryCommand({ StreamName: 's' }));
  const streamArn = StreamDescriptionSummary?.StreamARN as string;
  const { Consumer } = await client.send(
    new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'c' }),
  );
  return { cloud, kinesis: client, streamArn, consumerArn: Consumer?.ConsumerARN as string };
}

export async function tearDown(setup: Setup): Promise<void> {
  await setup.cloud.stop();
  setup.kinesis.destroy();
}

export interface Subscribed {
  events: AsyncIterator<SubscribeToShardEventStream>;
  /** Resets the HTTP/2 stream: what a client that is done with a subscription does. */
  abort(): void;
}

export async function subscribe(
  setup: Setup,
  position: StartingPosition,
  shardId = shard0,
  consumerArn = setup.consumerArn,
): Promise<Subscribed> {
  const controller = new AbortController();
  const { EventStream } = await setup.kinesis.send(
    new SubscribeToShardCommand({ ConsumerARN: consumerArn, ShardId: shardId, StartingPosition: position }),
    { abortSignal: controller.signal },
  );
  assert.ok(EventStream);
  return { events: EventStream[Symbol.asyncIterator](), abort: () => controller.abort() };
}

/** The next message of the stream, or a failure after 5 s of real time (never a hung test). */
export async function nextMessage(subscribed: Subscribed): Promise<IteratorResult<SubscribeToShardEventStream>> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no event within 5 s')), 5000);
  });
  try {
    return await Promise.race([subscribed.events.next(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The next SubscribeToShardEvent; fails if the stream ends instead. */
export async function nextEvent(subscribed: Subscribed): Promise<SubscribeToShardEvent> {
  const result = await nextMessage(subscribed);
  assert.equal(result.done, false, 'the stream ended');
  const event = result.value?.SubscribeToShardEvent;
  assert.ok(event, `not a SubscribeToShardEvent: ${Object.keys(result.value ?? {})}`);
  return event;
}

/** Events until `count` records have come; returns the records' data as text. */
export async function readRecords(subscribed: Subscribed, count: number): Promise<string[]> {
  const data: string[] = [];
  while (data.length < count) {
    const event = await nextEvent(subscribed);
    for (const record of event.Records ?? []) data.push(Buffer.from(record.Data ?? new Uint8Array()).toString());
  }
  return data;
}

export async function put(kinesis: KinesisClient, data: string, stream = 's'): Promise<string> {
  const { SequenceNumber } = await kinesis.send(
    new PutRecordCommand({ StreamName: stream, Data: bytes(data), PartitionKey: 'k' }),
  );
  return SequenceNumber as string;
}

/** A reading of how many subscriptions the server holds open (still readable after stop()). */
export async function subscriptionCounter(cloud: NimbusCloud): Promise<() => number> {
  const { nimbus } = cloud.server;
  const definition = nimbus.serviceForModel('kinesis');
  assert.ok(definition);
  const provider = (await nimbus.service(definition)).provider as unknown as { openSubscriptions(): number };
  return () => provider.openSubscriptions();
}

/** How many subscriptions the server holds open. */
export async function openSubscriptions(cloud: NimbusCloud): Promise<number> {
  return (await subscriptionCounter(cloud))();
}

/** Waits (in real time, up to 2 s) until the server holds `count` subscriptions open. */
export async function untilOpen(cloud: NimbusCloud, count: number): Promise<void> {
  const until = Date.now() + 2000;
  while ((await openSubscriptions(cloud)) !== count) {
    if (Date.now() > until) assert.fail(`${await openSubscriptions(cloud)} subscriptions open, not ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
