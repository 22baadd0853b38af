/**
 * SubscribeToShard through boto3 (HTTP/1.1, botocore's own event-stream reader), so that the
 * framing is not only what SDK v3 accepts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { NimbusCloud } from 'nimbus-aws';
import { clientEnv, python, run, skipBoto3 } from '../../compat/tools.js';
import { startCloud } from '../../helpers/cloud.js';
import { account } from './kinesis-helpers.js';
import { untilOpen } from './subscribe-to-shard-helpers.js';

describe('SubscribeToShard with boto3', { skip: skipBoto3 }, () => {
  let cloud: NimbusCloud;
  before(async () => {
    cloud = await startCloud();
  });
  after(() => cloud.stop());

  test('reads the records of the first event, gets ResourceInUseException within 5 seconds, and closing frees the subscription', async () => {
    const script = `
import json, boto3, botocore
k = boto3.client('kinesis', endpoint_url=${JSON.stringify(cloud.endpoint)})
k.create_stream(StreamName='s', ShardCount=1)
arn = k.describe_stream_summary(StreamName='s')['StreamDescriptionSummary']['StreamARN']
k.put_record(StreamName='s', Data=b'hello', PartitionKey='p')
consumer = k.register_stream_consumer(StreamARN=arn, ConsumerName='c')['Consumer']['ConsumerARN']
out = {}
answer = k.subscribe_to_shard(ConsumerARN=consumer, ShardId='shardId-000000000000', StartingPosition={'Type': 'TRIM_HORIZON'})
for event in answer['EventStream']:
    records = event['SubscribeToShardEvent']['Records']
    out['data'] = [r['Data'].decode() for r in records]
    out['continues'] = event['SubscribeToShardEvent']['ContinuationSequenceNumber'] == records[-1]['SequenceNumber']
    break
answer['EventStream'].close()
try:
    k.subscribe_to_shard(ConsumerARN=consumer, ShardId='shardId-000000000000', StartingPosition={'Type': 'LATEST'})
except botocore.exceptions.ClientError as e:
    out['code'] = e.response['Error']['Code']
    out['message'] = e.response['Error']['Message']
print(json.dumps(out))
`;
    const result = await run(python, ['-c', script], clientEnv());
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), {
      data: ['hello'],
      continues: true,
      code: 'ResourceInUseException',
      message: `Another active subscription exists for this consumer: ${account}:s:shardId-000000000000:c`,
    });
    // The closed connection ended the subscription on the server.
    await untilOpen(cloud, 0);
  });
});
