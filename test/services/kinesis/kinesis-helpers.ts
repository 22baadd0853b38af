/** Shared pieces of the Kinesis tests: a client, streams, records, exact error assertions. */
import assert from 'node:assert/strict';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  type ShardIteratorType,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig } from '../../helpers/cloud.js';

/** The account the access key `test` acts in. */
export const account = '000000000000';

/**
 * A Kinesis client as users make one: SDK v3's Kinesis client speaks HTTP/2 by default (for
 * SubscribeToShard), which Nimbus serves on the same port as HTTP/1.1 (src/server.ts).
 */
export function kinesisFor(cloud: NimbusCloud, region = 'us-east-1'): KinesisClient {
  return new KinesisClient(clientConfig(cloud, { region }));
}

/** The same over HTTP/1.1, as the AWS CLI, boto3 and older SDKs speak it. */
export function kinesisOverHttp1(cloud: NimbusCloud, region = 'us-east-1'): KinesisClient {
  return new KinesisClient({ ...clientConfig(cloud, { region }), requestHandler: new NodeHttpHandler() });
}

export async function createStream(kinesis: KinesisClient, name: string, shards = 1): Promise<void> {
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
}

export async function iterator(
  kinesis: KinesisClient,
  stream: string,
  type: ShardIteratorType,
  options: { shard?: string; sequence?: string; timestamp?: Date } = {},
): Promise<string> {
  const { ShardIterator } = await kinesis.send(
    new GetShardIteratorCommand({
      StreamName: stream,
      ShardId: options.shard ?? 'shardId-000000000000',
      ShardIteratorType: type,
      StartingSequenceNumber: options.sequence,
      Timestamp: options.timestamp,
    }),
  );
  assert.ok(ShardIterator);
  return ShardIterator;
}

/** The data of every record from `type`, as text. */
export async function readAll(
  kinesis: KinesisClient,
  stream: string,
  type: ShardIteratorType = 'TRIM_HORIZON',
  options: { shard?: string; sequence?: string; timestamp?: Date } = {},
): Promise<string[]> {
  const { Records } = await kinesis.send(
    new GetRecordsCommand({ ShardIterator: await iterator(kinesis, stream, type, options) }),
  );
  return (Records ?? []).map((record) => Buffer.from(record.Data ?? new Uint8Array()).toString('utf8'));
}

export function bytes(text: string): Uint8Array {
  return Buffer.from(text, 'utf8');
}

/** Asserts that `promise` rejects with this AWS error code and message. */
export async function assertKinesisError(promise: Promise<unknown>, code: string, message: string): Promise<void> {
  await assert.rejects(promise, (error: Error & { name: string; $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(error.name, code);
    assert.equal(error.message, message);
    return true;
  });
}
