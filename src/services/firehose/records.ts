/**
 * PutRecord and PutRecordBatch: records are rows written in the put's own transaction (an
 * answered put survives kill -9), delivered later by delivery.ts. Limits: a record's data at
 * most 1,000 KiB (the model's), at most 500 records (the model's) and 4 MiB in one batch
 * (https://docs.aws.amazon.com/firehose/latest/dev/limits.html).
 */
import { randomBytes } from 'node:crypto';
import type { FirehoseOperations } from '../../generated/firehose/operations.js';
import type { RequestContext } from '../service-types.js';
import type { Delivery } from './delivery.js';
import { batchTooLarge, notDirectPut } from './errors.js';
import type { FirehoseState, Scope } from './state.js';
import type { StreamRow } from './store.js';

const maxBatchBytes = 4 * 1024 * 1024;

/** An opaque record id, as long as AWS's are not: unique, and the same in a Lambda transform's event. */
function newRecordId(): string {
  return randomBytes(42).toString('base64url');
}

/** `count` record ids from one draw of random bytes (a PutRecordBatch holds up to 500). */
function newRecordIds(count: number): string[] {
  const bytes = randomBytes(42 * count);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(bytes.toString('base64url', i * 42, i * 42 + 42));
  return ids;
}

function encrypted(row: { encryption: string | null }): boolean {
  return row.encryption?.includes('"ENABLED"') === true;
}

function bytesOf(data: Uint8Array | undefined): Buffer {
  if (!data) return Buffer.alloc(0);
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function directPutStream(state: FirehoseState, scope: Scope, name: string): StreamRow {
  const row = state.stream(scope, name);
  if (row.type !== 'DirectPut') throw notDirectPut(row.type);
  return row;
}

export function recordOperations(state: FirehoseState, delivery: Delivery) {
  return {
    putRecord(ctx, input) {
      const row = directPutStream(state, ctx, input.DeliveryStreamName);
      const data = bytesOf(input.Record.Data);
      const recordId = newRecordId();
      const now = state.now();
      state.store.insertRecord(row.id, recordId, now, data);
      state.store.addBuffered(row.id, data.length, now);
      delivery.afterCommit(row.id);
      return { RecordId: recordId, Encrypted: encrypted(row) };
    },

    putRecordBatch(ctx, input) {
      const row = directPutStream(state, ctx, input.DeliveryStreamName);
      const records = input.Records.map((record) => bytesOf(record.Data));
      let total = 0;
      for (const data of records) total += data.length;
      if (total > maxBatchBytes) throw batchTooLarge();
      const now = state.now();
      const ids = newRecordIds(records.length);
      const responses = records.map((data, i) => {
        const recordId = ids[i] as string;
        state.store.insertRecord(row.id, recordId, now, data);
        return { RecordId: recordId };
      });
      state.store.addBuffered(row.id, total, now);
      delivery.afterCommit(row.id);
      return {
        FailedPutCount: 0,
        Encrypted: encrypted(row),
        RequestResponses: responses,
      };
    },
  } satisfies Partial<FirehoseOperations<RequestContext>>;
}
