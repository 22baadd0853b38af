/**
 * A stream's life, driven by the table operations (tables.ts): CreateTable or UpdateTable with
 * StreamEnabled opens a stream (a new ARN and label each time), UpdateTable with StreamEnabled
 * false or DeleteTable closes it. A closed stream stays readable for 24 hours
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html#Streams.Enabling:
 * "the data in the stream will continue to be readable for 24 hours"; DeleteTable: the stream
 * "goes into the DISABLED state, and the stream is automatically deleted after 24 hours",
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DeleteTable.html).
 */
import type * as T from '../../../generated/dynamodb/types.js';
import type { DynamodbState } from '../state.js';
import { tableArn } from '../table-model.js';
import { labelAt, labelTime, newShardId } from './iterators.js';

/** What a stream needs to know of its table. */
export interface StreamTable {
  id: number;
  account: string;
  region: string;
  name: string;
  keySchema: readonly T.KeySchemaElement[];
}

export function streamArn(table: { account: string; region: string; name: string }, label: string): string {
  return `${tableArn(table.region, table.account, table.name)}/stream/${label}`;
}

/**
 * Opens a stream for the table with the label `label` (the time of the enable) and returns the
 * label it got: one millisecond later while an earlier stream of the same table name holds it
 * (an enable, disable and enable again within a millisecond), so that every stream ARN is new.
 */
export function openStream(
  state: DynamodbState,
  table: StreamTable,
  viewType: T.StreamViewType | undefined,
  label: string,
  createdAt = state.now(),
): string {
  let time = labelTime(label);
  let chosen = label;
  while (state.streams.stream(streamArn(table, chosen))) {
    time++;
    chosen = labelAt(time);
  }
  state.streams.insertStream({
    account: table.account,
    region: table.region,
    table_id: table.id,
    table_name: table.name,
    arn: streamArn(table, chosen),
    label: chosen,
    view_type: viewType ?? 'KEYS_ONLY',
    key_schema: JSON.stringify(table.keySchema),
    shard_id: newShardId(createdAt),
    start_seq: state.streams.nextSeq(),
    created_at: createdAt,
  });
  return chosen;
}

/** Closes the table's enabled stream, if it has one. */
export function closeStreams(state: DynamodbState, tableId: number): void {
  const now = state.now();
  for (const stream of state.streams.openStreams(tableId)) state.streams.disableStream(stream, now);
}
