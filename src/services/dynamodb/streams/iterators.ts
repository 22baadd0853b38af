/**
 * The names Streams hands out: sequence numbers, shard ids, stream labels and shard iterators.
 *
 * - A sequence number is the record's row number written as 21 digits after a leading 1
 *   (`100000000000000000042`): AWS's are 21 to 40 digits (the model's SequenceNumber) and only
 *   grow; fixed width makes them grow as strings too.
 * - A shard id is `shardId-{20 digits of the creation time}-{8 hex}`, AWS's form
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_Shard.html).
 * - A shard iterator is `{StreamArn}|1|{payload}`: AWS's start with the stream ARN and a digit
 *   between bars (test_dynamodb_streams_shard_iterator_format, AWS-validated), and the payload
 *   here names the shard, the position (after which sequence number) and the creation time,
 *   so that an iterator needs no state and expires by the Nimbus clock after 15 minutes.
 */
import { randomBytes } from 'node:crypto';

const seqBase = 10n ** 20n;

export function formatSeq(seq: number): string {
  return (seqBase + BigInt(seq)).toString();
}

/** The row number of a sequence number, or undefined when it is not one of ours. */
export function parseSeq(text: string): number | undefined {
  if (!/^\d{21,40}$/.test(text)) return undefined;
  const value = BigInt(text) - seqBase;
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return Number(value);
}

export function newShardId(now: number): string {
  return `shardId-${String(now).padStart(20, '0')}-${randomBytes(4).toString('hex')}`;
}

/** A stream label is the time the stream was enabled, as AWS writes it: `2026-01-01T00:00:00.000`. */
export function labelAt(time: number): string {
  return new Date(time).toISOString().replace('Z', '');
}

export function labelTime(label: string): number {
  return Date.parse(`${label}Z`);
}

export interface IteratorPosition {
  streamArn: string;
  shardId: string;
  /** Records after this sequence number (a row number) come next. */
  after: number;
  /** When the iterator was made (Nimbus ms). */
  createdAt: number;
}

export function encodeIterator(position: IteratorPosition): string {
  const payload = Buffer.from(`${position.shardId}|${position.after}|${position.createdAt}`).toString('base64url');
  return `${position.streamArn}|1|${payload}`;
}

export function decodeIterator(iterator: string): IteratorPosition | undefined {
  const match = /^(arn:[^|]+)\|1\|([A-Za-z0-9_-]+)$/.exec(iterator);
  if (!match) return undefined;
  const parts = Buffer.from(match[2] as string, 'base64url')
    .toString()
    .split('|');
  if (parts.length !== 3) return undefined;
  const [shardId, after, createdAt] = parts as [string, string, string];
  if (!/^shardId-\d{20}-[0-9a-f]{8}$/.test(shardId) || !/^\d+$/.test(after) || !/^\d+$/.test(createdAt)) {
    return undefined;
  }
  return { streamArn: match[1] as string, shardId, after: Number(after), createdAt: Number(createdAt) };
}
