/**
 * Sequence numbers and hash keys.
 *
 * AWS's sequence numbers are decimal strings of 56 digits that grow within a shard
 * (https://docs.aws.amazon.com/streams/latest/dev/key-concepts.html#sequence-number; recorded:
 * kinesis/test_kinesis `test_record_lifecycle_data_integrity`). Ours are fixed-width, so that text
 * order is number order: `49`, the stream's id (10 digits, so that a number from a deleted stream
 * of the same name is told apart), the stream's record counter (20 digits), the shard index (6)
 * and the arrival time in milliseconds (18).
 *
 * A partition key is mapped to a 128-bit integer by MD5 and that to the open shard whose hash key
 * range holds it (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecord.html).
 */
import * as crypto from 'node:crypto';

export const maxHashKey = (1n << 128n) - 1n;

export interface ParsedSequence {
  streamId: number;
  seq: number;
  shardIndex: number;
}

export function formatSequence(streamId: number, seq: number, shardIndex: number, at: number): string {
  return `49${pad(streamId, 10)}${pad(seq, 20)}${pad(shardIndex, 6)}${pad(at, 18)}`;
}

/** The parts of one of our sequence numbers, or undefined for a number we never made. */
export function parseSequence(text: string): ParsedSequence | undefined {
  if (text.length !== 56 || !text.startsWith('49') || !/^\d+$/.test(text)) return undefined;
  return {
    streamId: Number(text.slice(2, 12)),
    seq: Number(text.slice(12, 32)),
    shardIndex: Number(text.slice(32, 38)),
  };
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** `shardId-000000000003`. */
export function shardIdOf(index: number): string {
  return `shardId-${pad(index, 12)}`;
}

/** The index a shard id names (`shardId-000000000003`, or AWS's shorter forms `3`, `shardId-3`). */
export function shardIndexOf(shardId: string): number | undefined {
  const digits = shardId.startsWith('shardId-') ? shardId.slice(8) : shardId;
  if (!/^\d{1,12}$/.test(digits)) return undefined;
  return Number(digits);
}

/**
 * One-shot `crypto.hash` (Node 20.12+) where it exists: half the cost of a Hash object per key,
 * and PutRecords hashes up to 500 keys a request.
 */
const md5Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('md5', text, 'hex')
    : (text) => crypto.createHash('md5').update(text, 'utf8').digest('hex');

export function partitionHash(partitionKey: string): bigint {
  return BigInt(`0x${md5Hex(partitionKey)}`);
}

/**
 * `count` ranges that split [from, to] evenly, as AWS splits a new stream's hash key space: the
 * i-th starts at floor(i * size / count) (a 3-shard stream's second shard starts at
 * 113427455640312821154458202477256070485, as AWS shows).
 */
export function evenRanges(count: number, from = 0n, to = maxHashKey): Array<{ start: bigint; end: bigint }> {
  const size = to - from + 1n;
  const ranges: Array<{ start: bigint; end: bigint }> = [];
  for (let i = 0; i < count; i++) {
    const start = from + (size * BigInt(i)) / BigInt(count);
    const end = from + (size * BigInt(i + 1)) / BigInt(count) - 1n;
    ranges.push({ start, end });
  }
  return ranges;
}
