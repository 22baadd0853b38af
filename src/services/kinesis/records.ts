/**
 * Records: PutRecord, PutRecords, GetShardIterator, GetRecords.
 * https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html
 *
 * A put is one transaction: the stream's counter moves by the number of records, each record is a
 * row of its shard, and the answer is sent only once the batch that holds it has committed (the
 * edge's group commit), so an answered put survives kill -9. A partition key's MD5, or the
 * ExplicitHashKey, picks the open shard whose range holds it.
 */
import type { KinesisOperations } from '../../generated/kinesis/operations.js';
import type {
  ChildShard,
  GetRecordsOutput,
  Record as KinesisRecord,
  PutRecordsResultEntry,
} from '../../generated/kinesis/types.js';
import { RawJson } from '../../protocol/raw-json.js';
import type { RequestContext } from '../service-types.js';
import {
  hashKeyOutOfRange,
  invalidStartingSequence,
  iteratorExpired,
  iteratorTypeMismatch,
  rateExceeded,
  recordTooLarge,
  requestTooLarge,
  sequenceOfOtherShard,
  sequenceOfOtherStream,
  shardDoesNotExist,
  timestampRequired,
} from './errors.js';
import { decodeIterator, encodeIterator, iteratorLifetimeMs } from './iterators.js';
import {
  formatSequence,
  maxHashKey,
  parseSequence,
  partitionHash,
  shardIdOf,
  shardIndexOf,
} from './sequence-numbers.js';
import type { KinesisState, Shard } from './state.js';
import type { NewRecord, StreamRow } from './store.js';
import { retentionStart } from './streams.js';
import type { ShardThrottle } from './throttle.js';

const maxRequestBytes = 5 * 1024 * 1024;
const maxReadBytes = 10 * 1024 * 1024;

interface Entry {
  Data: Uint8Array;
  PartitionKey: string;
  ExplicitHashKey?: string;
}

function shardFor(state: KinesisState, stream: StreamRow, entry: Entry): Shard {
  let key: bigint;
  if (entry.ExplicitHashKey !== undefined) {
    key = BigInt(entry.ExplicitHashKey);
    if (key > maxHashKey) throw hashKeyOutOfRange(entry.ExplicitHashKey);
  } else {
    key = partitionHash(entry.PartitionKey);
  }
  const shard = state.openShards(stream).find((candidate) => candidate.start <= key && key <= candidate.end);
  // The open shards cover the whole key space; a gap would be a bug of ours.
  if (!shard) throw new Error(`kinesis: no open shard of ${stream.name} holds hash key ${key}`);
  return shard;
}

function recordBytes(entry: Entry): number {
  return entry.Data.byteLength + Buffer.byteLength(entry.PartitionKey, 'utf8');
}

/**
 * A record as GetRecords writes it (awsJson: the timestamp in epoch seconds, Data in base64),
 * built once by the put. EncryptionType is the stream's at the put, as a record written before
 * StartStreamEncryption stays unencrypted.
 */
export function recordJson(
  sequenceNumber: string,
  arrival: number,
  data: Uint8Array,
  partitionKey: string,
  encrypted: boolean,
): string {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return `{"SequenceNumber":"${sequenceNumber}","ApproximateArrivalTimestamp":${arrival / 1000},"Data":"${bytes.toString('base64')}","PartitionKey":${JSON.stringify(partitionKey)}${encrypted ? ',"EncryptionType":"KMS"' : ''}}`;
}

/** A stored record as the in-process readers take it. */
export function recordOut(row: { json: string }): KinesisRecord {
  const parsed = JSON.parse(row.json) as {
    SequenceNumber: string;
    ApproximateArrivalTimestamp: number;
    Data: string;
    PartitionKey: string;
    EncryptionType?: 'KMS';
  };
  const record: KinesisRecord = {
    SequenceNumber: parsed.SequenceNumber,
    ApproximateArrivalTimestamp: new Date(Math.round(parsed.ApproximateArrivalTimestamp * 1000)),
    Data: Buffer.from(parsed.Data, 'base64'),
    PartitionKey: parsed.PartitionKey,
  };
  if (parsed.EncryptionType) record.EncryptionType = parsed.EncryptionType;
  return record;
}

export interface ShardRead {
  records: KinesisRecord[];
  /** The seq read up to. */
  afterSeq: number;
  /** The shard is closed and everything in it has been read. */
  ended: boolean;
  millisBehindLatest: number;
}

/** Reads a shard after `afterSeq`: the one read path of GetRecords and the in-process feed. */
export function readShard(
  state: KinesisState,
  stream: StreamRow,
  shard: Shard,
  afterSeq: number,
  since: number,
  limit: number,
): ShardRead {
  const now = state.now();
  const until = shard.end_seq ?? Number.MAX_SAFE_INTEGER;
  const from = Math.max(since, retentionStart(stream, now));
  const rows = state.store.records(stream.id, shard.shard_index, afterSeq, until, from, limit);
  const records: KinesisRecord[] = [];
  let bytes = 0;
  let position = afterSeq;
  let lastArrival: number | undefined;
  for (const row of rows) {
    // A page holds at most 10 MiB (GetRecords), but always at least one record.
    if (records.length > 0 && bytes + row.size > maxReadBytes) break;
    bytes += row.size;
    records.push(recordOut(row));
    position = row.seq;
    lastArrival = row.arrival;
  }
  const caughtUp = records.length === rows.length && rows.length < limit;
  return { records, ...readEnd(shard, position, caughtUp, lastArrival, now) };
}

function readEnd(shard: Shard, position: number, caughtUp: boolean, lastArrival: number | undefined, now: number) {
  const ended = shard.end_seq !== null && (caughtUp || position >= shard.end_seq);
  const millisBehindLatest = caughtUp || lastArrival === undefined ? 0 : Math.max(0, now - lastArrival);
  return { afterSeq: position, ended, millisBehindLatest };
}

/**
 * GetRecords' read: `readShard`'s page as the JSON text of its Records array, joined by SQLite
 * (store.ts `recordsText`), so that 10,000 records cost no object each. A page past 10 MiB is
 * read again row by row, to stop where `readShard` stops.
 */
function readShardText(
  state: KinesisState,
  stream: StreamRow,
  shard: Shard,
  afterSeq: number,
  since: number,
  limit: number,
): Omit<ShardRead, 'records'> & { records: RawJson } {
  const now = state.now();
  const until = shard.end_seq ?? Number.MAX_SAFE_INTEGER;
  const from = Math.max(since, retentionStart(stream, now));
  const page = state.store.recordsText(stream.id, shard.shard_index, afterSeq, until, from, limit);
  if (page.bytes > maxReadBytes && page.count > 1) {
    const read = readShard(state, stream, shard, afterSeq, since, limit);
    return { ...read, records: new RawJson(JSON.stringify(read.records.map(wireRecord))) };
  }
  const position = page.lastSeq ?? afterSeq;
  const lastArrival = page.lastSeq === null ? undefined : state.store.arrivalOf(stream.id, shard.shard_index, position);
  return {
    records: new RawJson(page.text),
    ...readEnd(shard, position, page.count < limit, lastArrival, now),
  };
}

/** A record object back in its wire form (the rare page past 10 MiB). */
function wireRecord(record: KinesisRecord): unknown {
  return {
    ...record,
    ApproximateArrivalTimestamp: (record.ApproximateArrivalTimestamp as Date).getTime() / 1000,
    Data: Buffer.from(record.Data).toString('base64'),
  };
}

/** The shards a closed shard was split or merged into (GetRecords' ChildShards at a shard's end). */
export function childShards(state: KinesisState, stream: StreamRow, shard: Shard): ChildShard[] {
  return state
    .shards(stream)
    .filter((child) => child.parent === shard.shard_index || child.adjacent_parent === shard.shard_index)
    .map((child) => ({
      ShardId: child.id,
      ParentShards: [child.parent, child.adjacent_parent].filter((p): p is number => p !== null).map(shardIdOf),
      HashKeyRange: { StartingHashKey: child.start_hash, EndingHashKey: child.end_hash },
    }));
}

/** The shard of the stream with this id, if it is still shown. */
export function findShard(state: KinesisState, stream: StreamRow, shardId: string): Shard | undefined {
  const index = shardIndexOf(shardId);
  if (index === undefined) return undefined;
  return state.visibleShards(stream).find((shard) => shard.shard_index === index);
}

export function recordOperations(state: KinesisState, throttle: ShardThrottle, notify: (streamId: number) => void) {
  return {
    putRecord(ctx, input) {
      const stream = state.stream(ctx, input);
      const limit = stream.max_record_kib * 1024;
      if (input.Data.byteLength > limit) throw recordTooLarge('data', limit);
      const shard = shardFor(state, stream, input);
      const now = state.now();
      if (!throttle.admit(stream.id, shard.shard_index, recordBytes(input), now)) {
        throw rateExceeded(shard.id, stream.name, ctx.account);
      }
      const seq = state.store.takeSeqs(stream.id, 1);
      const sequenceNumber = formatSequence(stream.id, seq, shard.shard_index, now);
      const json = recordJson(sequenceNumber, now, input.Data, input.PartitionKey, stream.encryption !== 'NONE');
      state.store.insertRecords(stream.id, now, [
        { shard_index: shard.shard_index, seq, json, size: input.Data.byteLength },
      ]);
      notify(stream.id);
      const output: { ShardId: string; SequenceNumber: string; EncryptionType?: 'KMS' | 'NONE' } = {
        ShardId: shard.id,
        SequenceNumber: sequenceNumber,
      };
      if (stream.encryption !== 'NONE') output.EncryptionType = 'KMS';
      return output;
    },

    putRecords(ctx, input) {
      const stream = state.stream(ctx, input);
      const limit = stream.max_record_kib * 1024;
      let total = 0;
      input.Records.forEach((entry, i) => {
        if (entry.Data.byteLength > limit) throw recordTooLarge(`records.${i + 1}.member.data`, limit);
        total += recordBytes(entry);
      });
      if (total > maxRequestBytes) throw requestTooLarge();
      const now = state.now();
      const shards = input.Records.map((entry) => shardFor(state, stream, entry));
      const admitted = input.Records.map((entry, i) =>
        throttle.admit(stream.id, (shards[i] as Shard).shard_index, recordBytes(entry), now),
      );
      const count = admitted.filter(Boolean).length;
      let seq = count > 0 ? state.store.takeSeqs(stream.id, count) : 0;
      const encrypted = stream.encryption !== 'NONE';
      const rows: NewRecord[] = [];
      const results: PutRecordsResultEntry[] = input.Records.map((entry, i) => {
        const shard = shards[i] as Shard;
        if (!admitted[i]) {
          return {
            ErrorCode: 'ProvisionedThroughputExceededException',
            ErrorMessage: rateExceeded(shard.id, stream.name, ctx.account).message,
          };
        }
        const mine = seq++;
        const sequenceNumber = formatSequence(stream.id, mine, shard.shard_index, now);
        rows.push({
          shard_index: shard.shard_index,
          seq: mine,
          json: recordJson(sequenceNumber, now, entry.Data, entry.PartitionKey, encrypted),
          size: entry.Data.byteLength,
        });
        return { SequenceNumber: sequenceNumber, ShardId: shard.id };
      });
      state.store.insertRecords(stream.id, now, rows);
      if (rows.length > 0) notify(stream.id);
      const output: { FailedRecordCount: number; Records: PutRecordsResultEntry[]; EncryptionType?: 'KMS' | 'NONE' } = {
        FailedRecordCount: input.Records.length - rows.length,
        Records: results,
      };
      if (stream.encryption !== 'NONE') output.EncryptionType = 'KMS';
      return output;
    },

    getShardIterator(ctx, input) {
      const stream = state.stream(ctx, input);
      const shard = findShard(state, stream, input.ShardId);
      if (!shard) throw shardDoesNotExist(input.ShardId, stream.name, ctx.account);
      const type = input.ShardIteratorType;
      const sequence = input.StartingSequenceNumber;
      const bySequence = type === 'AT_SEQUENCE_NUMBER' || type === 'AFTER_SEQUENCE_NUMBER';
      if (bySequence && sequence === undefined) throw iteratorTypeMismatch(type, false);
      if ((type === 'TRIM_HORIZON' || type === 'LATEST') && sequence !== undefined)
        throw iteratorTypeMismatch(type, true);
      let afterSeq: number;
      let since = 0;
      if (type === 'TRIM_HORIZON') {
        afterSeq = shard.start_seq - 1;
      } else if (type === 'LATEST') {
        afterSeq = Math.min(state.store.takeSeqs(stream.id, 0) - 1, shard.end_seq ?? Number.MAX_SAFE_INTEGER);
      } else if (type === 'AT_TIMESTAMP') {
        if (input.Timestamp === undefined) throw timestampRequired();
        afterSeq = shard.start_seq - 1;
        since = input.Timestamp.getTime();
      } else {
        const text = sequence as string;
        const parsed = parseSequence(text);
        if (!parsed) throw invalidStartingSequence(text, shard.id, stream.name, ctx.account);
        if (parsed.shardIndex !== shard.shard_index) throw sequenceOfOtherShard(shardIdOf(parsed.shardIndex), shard.id);
        if (parsed.streamId !== stream.id) throw sequenceOfOtherStream(text, shard.id, stream.name, ctx.account);
        afterSeq = type === 'AT_SEQUENCE_NUMBER' ? parsed.seq - 1 : parsed.seq;
      }
      const iterator = encodeIterator({
        streamId: stream.id,
        streamName: stream.name,
        shardIndex: shard.shard_index,
        afterSeq,
        since,
        issuedAt: state.now(),
      });
      return { ShardIterator: iterator };
    },

    getRecords(ctx, input) {
      const position = decodeIterator(input.ShardIterator);
      const now = state.now();
      if (now - position.issuedAt > iteratorLifetimeMs) throw iteratorExpired(position.issuedAt, now);
      const stream = state.store.streamById(position.streamId);
      const shardId = shardIdOf(position.shardIndex);
      if (!stream || stream.account !== ctx.account || stream.region !== ctx.region) {
        throw shardDoesNotExist(shardId, position.streamName, ctx.account);
      }
      const shard = findShard(state, stream, shardId);
      if (!shard) throw shardDoesNotExist(shardId, stream.name, ctx.account);
      const limit = input.Limit ?? 10_000;
      // Bound for the JSON serializer, the records are spliced as SQLite joined them; an
      // in-process caller gets objects.
      const read = ctx.rawJson
        ? readShardText(state, stream, shard, position.afterSeq, position.since, limit)
        : readShard(state, stream, shard, position.afterSeq, position.since, limit);
      const output: GetRecordsOutput = {
        Records: read.records as KinesisRecord[],
        MillisBehindLatest: read.millisBehindLatest,
      };
      if (read.ended) {
        output.ChildShards = childShards(state, stream, shard);
      } else {
        output.NextShardIterator = encodeIterator({ ...position, afterSeq: read.afterSeq, issuedAt: now });
      }
      return output;
    },
  } satisfies Partial<KinesisOperations<RequestContext>>;
}
