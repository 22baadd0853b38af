/**
 * Stream records: written by a change listener (writes.ts) in the transaction of the item write
 * they describe, so that an answered write's record survives a crash, and read back as the
 * Record shape of GetRecords.
 *
 * - A write that changes nothing (a PutItem of an identical item, an UpdateItem that sets what
 *   is there) writes no record, as AWS does: test_batch_write_items_streaming (AWS-validated)
 *   overwrites an item with the same value and gets no record for it.
 * - SizeBytes counts the keys and the images the view type keeps (recorded: 12 for Keys and
 *   NewImage of `{id: "Fred"}`, 26 for Keys, NewImage and OldImage of a MODIFY, 12 for Keys only
 *   of `{Username: "Fred"}` under KEYS_ONLY).
 * - ApproximateCreationDateTime is rounded down to the second
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_StreamRecord.html).
 * - A deletion by TTL carries `userIdentity: {type: "Service", principalId: "dynamodb.amazonaws.com"}`
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_Record.html).
 */
import { randomUUID } from 'node:crypto';
import type * as S from '../../../generated/dynamodbstreams/types.js';
import { decodeItem, encodeItem, type Item } from '../item-codec.js';
import type { DynamodbState } from '../state.js';
import { valuesEqual } from '../values/compare.js';
import { itemSize } from '../values/item-size.js';
import type { ItemChange } from '../writes.js';
import type { Feed } from './feed.js';
import { formatSeq, labelTime } from './iterators.js';
import { openStream, streamArn } from './lifecycle.js';
import type { RecordRow, StreamRow } from './store.js';

function sameItem(a: Item, b: Item): boolean {
  return valuesEqual({ M: a }, { M: b });
}

/** The stream a change of this table goes to; made here for a table whose stream predates the stream store. */
function streamFor(state: DynamodbState, change: ItemChange): StreamRow | undefined {
  const { table } = change;
  const label = table.definition.LatestStreamLabel;
  if (!label) return undefined;
  const arn = streamArn(table, label);
  const found = state.streams.stream(arn);
  if (found) return found.disabled_at === null ? found : undefined;
  const keys = { ...table, keySchema: table.definition.KeySchema };
  openStream(state, keys, table.definition.StreamSpecification?.StreamViewType, label, labelTime(label));
  return state.streams.stream(arn);
}

/** The change listener that writes stream records. */
export function recordChanges(state: DynamodbState, feed: Feed): (change: ItemChange) => void {
  return (change) => {
    if (!change.table.definition.StreamSpecification?.StreamEnabled) return;
    const { oldImage, newImage } = change;
    if (oldImage && newImage && sameItem(oldImage, newImage)) return;
    const stream = streamFor(state, change);
    if (!stream) return;
    const view = stream.view_type;
    const keepNew = newImage && (view === 'NEW_IMAGE' || view === 'NEW_AND_OLD_IMAGES') ? newImage : undefined;
    const keepOld = oldImage && (view === 'OLD_IMAGE' || view === 'NEW_AND_OLD_IMAGES') ? oldImage : undefined;
    const size = itemSize(change.keys) + (keepNew ? itemSize(keepNew) : 0) + (keepOld ? itemSize(keepOld) : 0);
    state.streams.insertRecord({
      stream_id: stream.id,
      created_at: state.now(),
      event_name: !oldImage ? 'INSERT' : !newImage ? 'REMOVE' : 'MODIFY',
      event_id: randomUUID().replaceAll('-', ''),
      keys: encodeItem(change.keys),
      new_image: keepNew ? encodeItem(keepNew) : null,
      old_image: keepOld ? encodeItem(keepOld) : null,
      size,
      principal: change.principal ?? null,
    });
    feed.touched(stream.arn);
  };
}

/** A record as GetRecords answers it. */
export function recordOut(stream: StreamRow, row: RecordRow): S.Record {
  const dynamodb: S.StreamRecord = {
    ApproximateCreationDateTime: new Date(Math.floor(row.created_at / 1000) * 1000),
    Keys: decodeItem(row.keys) as S.AttributeMap,
  };
  if (row.new_image !== null) dynamodb.NewImage = decodeItem(row.new_image) as S.AttributeMap;
  if (row.old_image !== null) dynamodb.OldImage = decodeItem(row.old_image) as S.AttributeMap;
  dynamodb.SequenceNumber = formatSeq(row.seq);
  dynamodb.SizeBytes = row.size;
  dynamodb.StreamViewType = stream.view_type as S.StreamViewType;
  const record: S.Record = {
    eventID: row.event_id,
    eventName: row.event_name,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: stream.region,
    dynamodb,
  };
  if (row.principal !== null) record.userIdentity = { Type: 'Service', PrincipalId: row.principal };
  return record;
}
