/**
 * SNS (query protocol) and DynamoDB (JSON 1.0) through Debian's boto3 1.26 (botocore 1.29). Each
 * test runs one Python script against the in-process Nimbus. Expected values and error texts are
 * AWS's (shared/aws-reference/recorded-responses/services/sns and dynamodb).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../helpers/cloud.js';
import { clientEnv, python, run, skipBoto3 } from './tools.js';

// biome-ignore lint/suspicious/noExplicitAny: the Python script's JSON output, read field by field
type Out = Record<string, any>;

async function runPython(endpoint: string, body: string): Promise<Out> {
  const script = `
import json, boto3, botocore
sns = boto3.client('sns', endpoint_url=${JSON.stringify(endpoint)})
sqs = boto3.client('sqs', endpoint_url=${JSON.stringify(endpoint)})
ddb = boto3.client('dynamodb', endpoint_url=${JSON.stringify(endpoint)})
def err(fn):
    try:
        fn()
    except botocore.exceptions.ClientError as e:
        return {'code': e.response['Error']['Code'], 'message': e.response['Error']['Message'],
                'status': e.response['ResponseMetadata']['HTTPStatusCode']}
    return 'no error'
out = {}
${body}
print(json.dumps(out, default=str))
`;
  const result = await run(python, ['-c', script], clientEnv());
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as Out;
}

describe('boto3: SNS and DynamoDB', { skip: skipBoto3 }, () => {
  let cloud: NimbusCloud;
  const py = (body: string) => runPython(cloud.endpoint, body);
  before(async () => {
    cloud = await startCloud();
  });
  after(() => cloud.stop());

  test('SNS: a published message reaches a subscribed queue in the signed envelope, and errors carry AWS’s codes', async () => {
    const out = await py(`
topic = sns.create_topic(Name='py-topic')['TopicArn']
queue = sqs.create_queue(QueueName='py-topic-queue')['QueueUrl']
arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=['QueueArn'])['Attributes']['QueueArn']
sub = sns.subscribe(TopicArn=topic, Protocol='sqs', Endpoint=arn)['SubscriptionArn']
out['attrs'] = sns.get_subscription_attributes(SubscriptionArn=sub)['Attributes']
out['id'] = sns.publish(TopicArn=topic, Message='hello from boto3', Subject='Hi',
    MessageAttributes={'n': {'DataType': 'Number', 'StringValue': '3'}})['MessageId']
out['body'] = json.loads(sqs.receive_message(QueueUrl=queue)['Messages'][0]['Body'])
out['topics'] = [t['TopicArn'] for t in sns.list_topics()['Topics']]
out['missing'] = err(lambda: sns.publish(TopicArn=topic + 'x', Message='m'))
out['empty'] = err(lambda: sns.publish(TopicArn=topic, Message=''))
`);
    assert.equal(out.attrs.Protocol, 'sqs');
    assert.equal(out.attrs.PendingConfirmation, 'false');
    assert.equal(out.body.MessageId, out.id);
    assert.equal(out.body.Message, 'hello from boto3');
    assert.equal(out.body.Subject, 'Hi');
    assert.deepEqual(out.body.MessageAttributes, { n: { Type: 'Number', Value: '3' } });
    assert.ok(out.body.Signature);
    assert.deepEqual(out.topics, ['arn:aws:sns:us-east-1:000000000000:py-topic']);
    assert.deepEqual(out.missing, { code: 'NotFound', message: 'Topic does not exist', status: 404 });
    assert.deepEqual(out.empty, { code: 'InvalidParameter', message: 'Invalid parameter: Empty message', status: 400 });
  });

  test('DynamoDB: items put, read, updated and queried, with AWS’s condition error', async () => {
    const out = await py(`
ddb.create_table(TableName='py-table', BillingMode='PAY_PER_REQUEST',
    KeySchema=[{'AttributeName': 'pk', 'KeyType': 'HASH'}, {'AttributeName': 'sk', 'KeyType': 'RANGE'}],
    AttributeDefinitions=[{'AttributeName': 'pk', 'AttributeType': 'S'}, {'AttributeName': 'sk', 'AttributeType': 'N'}])
ddb.get_waiter('table_exists').wait(TableName='py-table', WaiterConfig={'Delay': 1, 'MaxAttempts': 5})
for i in range(5):
    ddb.put_item(TableName='py-table', Item={'pk': {'S': 'a'}, 'sk': {'N': str(i)}, 'v': {'S': 'v%d' % i}})
out['get'] = ddb.get_item(TableName='py-table', Key={'pk': {'S': 'a'}, 'sk': {'N': '2'}})['Item']
out['updated'] = ddb.update_item(TableName='py-table', Key={'pk': {'S': 'a'}, 'sk': {'N': '2'}},
    UpdateExpression='SET c = if_not_exists(c, :z) + :one', ExpressionAttributeValues={':z': {'N': '0'}, ':one': {'N': '1'}},
    ReturnValues='UPDATED_NEW')['Attributes']
q = ddb.query(TableName='py-table', KeyConditionExpression='pk = :p AND sk >= :s',
    ExpressionAttributeValues={':p': {'S': 'a'}, ':s': {'N': '3'}}, ScanIndexForward=False)
out['query'] = [item['sk']['N'] for item in q['Items']]
out['conditional'] = err(lambda: ddb.put_item(TableName='py-table', Item={'pk': {'S': 'a'}, 'sk': {'N': '1'}},
    ConditionExpression='attribute_not_exists(pk)'))
out['no_table'] = err(lambda: ddb.get_item(TableName='nothing', Key={'pk': {'S': 'a'}}))
`);
    assert.deepEqual(out.get, { pk: { S: 'a' }, sk: { N: '2' }, v: { S: 'v2' } });
    assert.deepEqual(out.updated, { c: { N: '1' } });
    assert.deepEqual(out.query, ['4', '3']);
    assert.deepEqual(out.conditional, {
      code: 'ConditionalCheckFailedException',
      message: 'The conditional request failed',
      status: 400,
    });
    assert.deepEqual(out.no_table, {
      code: 'ResourceNotFoundException',
      message: 'Requested resource not found',
      status: 400,
    });
  });
});
