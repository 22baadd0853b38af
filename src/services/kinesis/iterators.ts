/**
 * Shard iterators: stateless tokens that carry where a reader is, so that a restart or a second
 * Nimbus keeps them valid. Version 1 is base64 of: version (1 byte), stream id (4), shard index
 * (4), the seq read up to (8, exclusive), the earliest arrival to return (8: AT_TIMESTAMP), the
 * time it was issued (8), the stream's name, and a 4-byte check so that a mangled token is
 * refused rather than misread. An iterator expires 5 minutes after it was issued
 * (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_GetShardIterator.html).
 */
import { createHash } from 'node:crypto';
import { invalidIterator } from './errors.js';

export const iteratorLifetimeMs = 5 * 60 * 1000;

export interface IteratorPosition {
  streamId: number;
  streamName: string;
  shardIndex: number;
  /** Records with a seq above this are next. */
  afterSeq: number;
  /** Records that arrived before this are skipped (AT_TIMESTAMP), else 0. */
  since: number;
  issuedAt: number;
}

const headerBytes = 1 + 4 + 4 + 8 + 8 + 8;

function check(body: Buffer): Buffer {
  return createHash('md5').update('nimbus-kinesis-iterator').update(body).digest().subarray(0, 4);
}

export function encodeIterator(position: IteratorPosition): string {
  const name = Buffer.from(position.streamName, 'utf8');
  const body = Buffer.alloc(headerBytes + name.length);
  body.writeUInt8(1, 0);
  body.writeUInt32BE(position.streamId, 1);
  body.writeUInt32BE(position.shardIndex, 5);
  body.writeDoubleBE(position.afterSeq, 9);
  body.writeDoubleBE(position.since, 17);
  body.writeDoubleBE(position.issuedAt, 25);
  name.copy(body, headerBytes);
  return Buffer.concat([body, check(body)]).toString('base64');
}

export function decodeIterator(text: string): IteratorPosition {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length < headerBytes + 5 || bytes.toString('base64') !== text) throw invalidIterator();
  const body = bytes.subarray(0, bytes.length - 4);
  if (!check(body).equals(bytes.subarray(bytes.length - 4)) || body.readUInt8(0) !== 1) throw invalidIterator();
  return {
    streamId: body.readUInt32BE(1),
    shardIndex: body.readUInt32BE(5),
    afterSeq: body.readDoubleBE(9),
    since: body.readDoubleBE(17),
    issuedAt: body.readDoubleBE(25),
    streamName: body.subarray(headerBytes).toString('utf8'),
  };
}
