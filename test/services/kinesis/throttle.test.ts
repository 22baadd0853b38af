import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type KinesisClient, PutRecordCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { account, assertKinesisError, bytes, createStream, kinesisFor } from './kinesis-helpers.js';

// The limits are off unless NIMBUS_KINESIS_THROTTLE=1 when the provider starts (this file runs
// in a process of its own under node --test).
process.env.NIMBUS_KINESIS_THROTTLE = '1';

describe('Kinesis shard write limits (NIMBUS_KINESIS_THROTTLE=1)', () => {
  let cloud: NimbusCloud;
  let kinesis: KinesisClient;
  before(async () => {
    cloud = await startCloud();
    kinesis = kinesisFor(cloud);
    await createStream(kinesis, 'limited');
  });
  after(() => cloud.stop());

  // The Nimbus clock runs with the machine's too, so a second may turn between two calls: each
  // check tries again in the next second rather than fail for that.
  test('past 1,000 records in a second PutRecords entries fail with ProvisionedThroughputExceededException', async () => {
    const batch = () => Array.from({ length: 500 }, (_, i) => ({ Data: bytes('x'), PartitionKey: `k${i}` }));
    let failed: { ErrorCode?: string; ErrorMessage?: string } | undefined;
    for (let attempt = 0; attempt < 10 && !failed; attempt++) {
      const output = await kinesis.send(new PutRecordsCommand({ StreamName: 'limited', Records: batch() }));
      failed = output.Records?.find((entry) => entry.ErrorCode !== undefined);
      if (failed) assert.ok((output.FailedRecordCount ?? 0) > 0);
    }
    assert.deepEqual(failed, {
      ErrorCode: 'ProvisionedThroughputExceededException',
      ErrorMessage: `Rate exceeded for shard shardId-000000000000 in stream limited under account ${account}.`,
    });
  });

  test('PutRecord past the limit answers ProvisionedThroughputExceededException', async () => {
    let refused: Promise<unknown> | undefined;
    for (let attempt = 0; attempt < 10 && !refused; attempt++) {
      const records = Array.from({ length: 500 }, () => ({ Data: bytes('x'), PartitionKey: 'k' }));
      await kinesis.send(new PutRecordsCommand({ StreamName: 'limited', Records: records }));
      await kinesis.send(new PutRecordsCommand({ StreamName: 'limited', Records: records }));
      const attemptPut = kinesis.send(
        new PutRecordCommand({ StreamName: 'limited', Data: bytes('x'), PartitionKey: 'k' }),
      );
      if (
        await attemptPut.then(
          () => false,
          () => true,
        )
      )
        refused = attemptPut;
    }
    assert.ok(refused, 'no PutRecord was refused');
    await assertKinesisError(
      refused,
      'ProvisionedThroughputExceededException',
      `Rate exceeded for shard shardId-000000000000 in stream limited under account ${account}.`,
    );
  });

  test('the next second of Nimbus time takes writes again', async () => {
    cloud.clock.advance(1);
    const output = await kinesis.send(
      new PutRecordCommand({ StreamName: 'limited', Data: bytes('x'), PartitionKey: 'k' }),
    );
    assert.equal(output.ShardId, 'shardId-000000000000');
  });
});
