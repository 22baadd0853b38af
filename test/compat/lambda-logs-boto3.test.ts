/**
 * Lambda and CloudWatch Logs through Debian's boto3 1.26: a Python function created from a zip made
 * in the script, invoked, calling SQS from inside with boto3 (AWS_ENDPOINT_URL points back at Nimbus),
 * and its logs read back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../helpers/cloud.js';
import { clientEnv, python, run, skipBoto3 } from './tools.js';

// biome-ignore lint/suspicious/noExplicitAny: the Python script's JSON output, read field by field
type Out = Record<string, any>;

describe('boto3: Lambda and CloudWatch Logs', { skip: skipBoto3 }, () => {
  let cloud: NimbusCloud;
  before(async () => {
    cloud = await startCloud();
  });
  after(() => cloud.stop());

  test('a Python function runs, calls SQS with boto3 from inside, and logs to CloudWatch Logs', async () => {
    const script = `
import io, json, time, zipfile, boto3, botocore
endpoint = ${JSON.stringify(cloud.endpoint)}
lam = boto3.client('lambda', endpoint_url=endpoint)
logs = boto3.client('logs', endpoint_url=endpoint)
sqs = boto3.client('sqs', endpoint_url=endpoint)
queue = sqs.create_queue(QueueName='from-lambda')['QueueUrl']
code = '''
import boto3, os
def handler(event, context):
    print('handling', event['n'])
    boto3.client('sqs').send_message(QueueUrl=event['queue'], MessageBody='sent from %s' % context.function_name)
    return {'doubled': event['n'] * 2, 'region': os.environ['AWS_REGION']}
'''
buffer = io.BytesIO()
with zipfile.ZipFile(buffer, 'w') as z:
    z.writestr('app.py', code)
out = {}
created = lam.create_function(FunctionName='py-fn', Runtime='python3.11', Handler='app.handler',
    Role='arn:aws:iam::000000000000:role/any', Code={'ZipFile': buffer.getvalue()})
out['state'] = created['State']
lam.get_waiter('function_active_v2').wait(FunctionName='py-fn', WaiterConfig={'Delay': 1, 'MaxAttempts': 5})
result = lam.invoke(FunctionName='py-fn', Payload=json.dumps({'n': 21, 'queue': queue}))
out['payload'] = json.loads(result['Payload'].read())
out['status'] = result['StatusCode']
out['body'] = sqs.receive_message(QueueUrl=queue)['Messages'][0]['Body']
lines = []
for _ in range(50):
    events = logs.filter_log_events(logGroupName='/aws/lambda/py-fn')['events']
    lines = [e['message'] for e in events]
    if any(l.startswith('REPORT') for l in lines):
        break
    time.sleep(0.1)
out['lines'] = lines
try:
    lam.invoke(FunctionName='nothing')
    out['missing'] = 'no error'
except botocore.exceptions.ClientError as e:
    out['missing'] = e.response['Error']['Code']
print(json.dumps(out))
`;
    const result = await run(python, ['-c', script], clientEnv());
    assert.equal(result.status, 0, result.stderr);
    const out = JSON.parse(result.stdout) as Out;
    assert.equal(out.state, 'Pending');
    assert.equal(out.status, 200);
    assert.deepEqual(out.payload, { doubled: 42, region: 'us-east-1' });
    assert.equal(out.body, 'sent from py-fn');
    const lines = out.lines as string[];
    assert.ok(
      lines.some((line) => line.startsWith('START RequestId: ')),
      lines.join('|'),
    );
    assert.ok(
      lines.some((line) => line.trim() === 'handling 21'),
      lines.join('|'),
    );
    assert.ok(
      lines.some((line) => line.startsWith('REPORT RequestId: ')),
      lines.join('|'),
    );
    assert.equal(out.missing, 'ResourceNotFoundException');
  });
});
