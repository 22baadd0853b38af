/**
 * Enhanced fan-out consumers: register, describe, list, deregister. A consumer is ACTIVE at once.
 * Its ARN is the stream's followed by `/consumer/{name}:{creation time in epoch seconds}`
 * (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_Consumer.html). A consumer reads
 * with SubscribeToShard (subscribe.ts); deregistering one ends its open subscriptions.
 */
import type { KinesisOperations } from '../../generated/kinesis/operations.js';
import type { Consumer } from '../../generated/kinesis/types.js';
import type { RequestContext } from '../service-types.js';
import { consumerExists, consumerIdentifierRequired, consumerNotFound } from './errors.js';
import { type KinesisState, streamArnOf } from './state.js';
import type { StreamRow } from './store.js';

function consumerOut(streamArn: string, row: { name: string; created_at: number }): Consumer {
  return {
    ConsumerName: row.name,
    ConsumerARN: `${streamArn}/consumer/${row.name}:${Math.floor(row.created_at / 1000)}`,
    ConsumerStatus: 'ACTIVE',
    ConsumerCreationTimestamp: new Date(row.created_at),
  };
}

export interface FoundConsumer {
  stream: StreamRow;
  streamArn: string;
  row: { name: string; created_at: number };
}

/** The stream and consumer a ConsumerARN, or a StreamARN and ConsumerName, name. */
export function findConsumer(
  state: KinesisState,
  ctx: RequestContext,
  input: { StreamARN?: string; ConsumerName?: string; ConsumerARN?: string },
): FoundConsumer {
  let streamArn = input.StreamARN;
  let name = input.ConsumerName;
  if (input.ConsumerARN !== undefined) {
    const match = /^(arn:aws[\w-]*:kinesis:[^:]+:\d{12}:stream\/[^/]+)\/consumer\/([^:]+):\d+$/.exec(input.ConsumerARN);
    if (!match) throw consumerNotFound(input.ConsumerARN, ctx.account);
    streamArn = match[1] as string;
    name = match[2] as string;
  }
  if (streamArn === undefined || name === undefined) throw consumerIdentifierRequired();
  const stream = state.stream(ctx, { StreamARN: streamArn });
  const row = state.store.consumer(stream.id, name);
  if (!row) throw consumerNotFound(input.ConsumerARN ?? name, ctx.account);
  return { stream, streamArn: streamArnOf(ctx, stream.name), row };
}

/** `onDeregistered` is told of each consumer deregistered, so that its subscriptions end. */
export function consumerOperations(
  state: KinesisState,
  onDeregistered: (streamId: number, name: string) => void = () => {},
) {
  const find = (
    ctx: RequestContext,
    input: { StreamARN?: string; ConsumerName?: string; ConsumerARN?: string },
  ): FoundConsumer => findConsumer(state, ctx, input);

  return {
    registerStreamConsumer(ctx, input) {
      const stream = state.stream(ctx, { StreamARN: input.StreamARN });
      const streamArn = streamArnOf(ctx, stream.name);
      if (state.store.consumer(stream.id, input.ConsumerName)) throw consumerExists(input.ConsumerName, streamArn);
      const now = state.now();
      state.store.insertConsumer(stream.id, input.ConsumerName, now);
      return { Consumer: consumerOut(streamArn, { name: input.ConsumerName, created_at: now }) };
    },

    describeStreamConsumer(ctx, input) {
      const { streamArn, row } = find(ctx, input);
      return { ConsumerDescription: { ...consumerOut(streamArn, row), StreamARN: streamArn } };
    },

    listStreamConsumers(ctx, input) {
      const stream = state.stream(ctx, { StreamARN: input.StreamARN });
      const streamArn = streamArnOf(ctx, stream.name);
      const all = state.store.consumers(stream.id);
      const after = input.NextToken;
      const from = after === undefined ? all : all.filter((row) => row.name > after);
      const limit = input.MaxResults ?? 100;
      const page = from.slice(0, limit);
      const output: { Consumers: Consumer[]; NextToken?: string } = {
        Consumers: page.map((row) => consumerOut(streamArn, row)),
      };
      const last = page[page.length - 1];
      if (from.length > limit && last) output.NextToken = last.name;
      return output;
    },

    deregisterStreamConsumer(ctx, input) {
      const { stream, row } = find(ctx, input);
      state.store.deleteConsumer(stream.id, row.name);
      onDeregistered(stream.id, row.name);
    },
  } satisfies Partial<KinesisOperations<RequestContext>>;
}
