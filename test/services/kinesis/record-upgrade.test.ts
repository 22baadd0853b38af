import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { recordJson } from '../../../src/services/kinesis/records.js';
import { formatSequence } from '../../../src/services/kinesis/sequence-numbers.js';
import { KinesisStore, kinesisMigrations } from '../../../src/services/kinesis/store.js';
import { Database } from '../../../src/state/database.js';

describe('Kinesis record schema upgrade', () => {
  test('records kept as bytes by schema 1 are rewritten as their GetRecords JSON', () => {
    const db = new Database(undefined);
    db.migrate(
      'kinesis',
      kinesisMigrations.filter((migration) => migration.version === 1),
    );
    const insert = db.sqlite.prepare(
      'INSERT INTO kinesis_records (stream_id, shard_index, seq, arrival, partition_key, data) VALUES (?, ?, ?, ?, ?, ?)',
    );
    for (let seq = 0; seq < 2500; seq++)
      insert.run(7, 0, seq, 1_764_600_000_123 + seq, `key-${seq}`, Buffer.from([seq % 256, 0, 255]));
    db.migrate('kinesis', kinesisMigrations);
    const store = new KinesisStore(db);
    store.upgradeRecords((row) =>
      recordJson(
        formatSequence(row.stream_id, row.seq, row.shard_index, row.arrival),
        row.arrival,
        row.data,
        row.partition_key,
        false,
      ),
    );
    const rows = store.records(7, 0, -1, 1e15, 0, 10_000);
    assert.equal(rows.length, 2500);
    const last = rows[2499];
    assert.equal(last?.size, 3);
    assert.deepEqual(JSON.parse(last?.json ?? '{}'), {
      SequenceNumber: formatSequence(7, 2499, 0, 1_764_600_002_622),
      ApproximateArrivalTimestamp: 1_764_600_002.622,
      Data: Buffer.from([2499 % 256, 0, 255]).toString('base64'),
      PartitionKey: 'key-2499',
    });
    const page = store.recordsText(7, 0, -1, 1e15, 0, 10_000);
    assert.equal(page.count, 2500);
    assert.equal(page.bytes, 7500);
    assert.equal(page.lastSeq, 2499);
    assert.equal((JSON.parse(page.text.toString()) as unknown[]).length, 2500);
  });
});
