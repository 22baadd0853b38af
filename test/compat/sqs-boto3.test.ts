/**
 * SQS through Debian's boto3 1.26 (botocore 1.29), which speaks the query protocol to SQS. Each
 * test runs one Python script against the in-process Nimbus. Expected values are AWS's, from
 * /tmp/sqs-aws-behaviour.md (S: recorded snapshot keys, T: AWS-validated test assertions).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig, startCloud } from '../helpers/cloud.js';
import { clientEnv, python, run, skipBoto3 } from './tools.js';

// biome-ignore lint/suspicious/noExplicitAny: the Python script's JSON output, read field by field
type Out = Record<string, any>;

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

/** Runs a snippet with `sqs` bound to Nimbus and `err(fn)` to capture a ClientError; prints `out` as JSON. */
async function runPython(endpoint: string, body: string): Promise<Out> {
  const script = `
import base64, json, boto3, botocore
sqs = boto3.client('sqs', endpoint_url=${JSON.stringify(endpoint)})
def err(fn):
    try:
        fn()
    except botocore.exceptions.ClientError as e:
        return {'code': e.response['Error']['Code'], 'message': e.response['Error']['Message'],
                'type': e.response['Error'].get('Type'), 'status': e.response['ResponseMetadata']['HTTPStatusCode']}
    return 'no error'
def strip(r):
    r.pop('ResponseMetadata', None)
    return r
out = {}
${body}
print(json.dumps(out, default=lambda o: base64.b64encode(o).decode() if isinstance(o, bytes) else str(o)))
`;
  const result = await run(python, ['-c', script], clientEnv());
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as Out;
}

function sender(code: string, message: string, status = 400) {
  return { code, message, type: 'Sender', status };
}

describe('boto3: SQS over the query protocol', { skip: skipBoto3 }, () => {
  let cloud: NimbusCloud;
  const py = (body: string) => runPython(cloud.endpoint, body);
  before(async () => {
    cloud = await startCloud();
  });
  after(() => cloud.stop());

  test('create_queue makes standard and FIFO queues that get_queue_url and list_queues find', async () => {
    const out = await py(`
out['standard'] = sqs.create_queue(QueueName='py-orders')['QueueUrl']
out['fifo'] = sqs.create_queue(QueueName='py-orders.fifo', Attributes={'FifoQueue': 'true'})['QueueUrl']
sqs.create_queue(QueueName='py-other')
out['url'] = sqs.get_queue_url(QueueName='py-orders.fifo')['QueueUrl']
out['listed'] = sqs.list_queues(QueueNamePrefix='py-orders')['QueueUrls']
out['none'] = strip(sqs.list_queues(QueueNamePrefix='py-nothing'))
`);
    const base = `${cloud.endpoint}/000000000000`;
    assert.equal(out.standard, `${base}/py-orders`);
    assert.equal(out.fifo, `${base}/py-orders.fifo`);
    assert.equal(out.url, out.fifo);
    assert.deepEqual(out.listed, [`${base}/py-orders`, `${base}/py-orders.fifo`]);
    assert.deepEqual(out.none, {});
  });

  test('send_message returns the MD5s AWS computes for String, Number and Binary attributes', async () => {
    const out = await py(`
q = sqs.create_queue(QueueName='py-md5')['QueueUrl']
attrs = {
  'string': {'Foo': {'DataType': 'String', 'StringValue': 'Bar'}},
  'number': {'timestamp': {'DataType': 'Number', 'StringValue': '1493147359900'}},
  'binary': {'attr1': {'DataType': 'Binary',
    'BinaryValue': b'traceparent\\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01'}},
}
out['sent'] = {k: strip(sqs.send_message(QueueUrl=q, MessageBody='message', MessageAttributes=v)) for k, v in attrs.items()}
out['plain'] = strip(sqs.send_message(QueueUrl=q, MessageBody='message'))
out['received'] = sqs.receive_message(QueueUrl=q, MaxNumberOfMessages=10, MessageAttributeNames=['All'])['Messages']
`);
    const expected = {
      string: 'ae7155c6026991b6d54b11589678bf9c',
      number: '235c5c510d26fb653d073faed50ae77c',
      binary: '8cbe4db156db8a94db8b801b7addb984',
    };
    for (const [kind, hash] of Object.entries(expected)) {
      assert.equal(out.sent[kind].MD5OfMessageBody, '78e731027d8fd50ed642340b7c9a63b3', kind);
      assert.equal(out.sent[kind].MD5OfMessageAttributes, hash, kind);
      const received = out.received.find((m: Out) => m.MessageId === out.sent[kind].MessageId);
      assert.equal(received?.MD5OfMessageAttributes, hash, kind);
    }
    assert.equal(out.plain.MD5OfMessageAttributes, undefined);
    const binary = out.received.find((m: Out) => m.MessageId === out.sent.binary.MessageId);
    assert.deepEqual(binary.MessageAttributes, {
      attr1: {
        DataType: 'Binary',
        BinaryValue: Buffer.from('traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01').toString(
          'base64',
        ),
      },
    });
    const plain = out.received.find((m: Out) => m.MessageId === out.plain.MessageId);
    assert.equal(plain.MessageAttributes, undefined);
    assert.equal(plain.MD5OfMessageAttributes, undefined);
  });

  test('a body with CR, XML metacharacters and astral characters round-trips with its MD5', async () => {
    const body = '"&quot;&quot;\r\n<tag attr="1">\tx\ry ü 😀 ]]>';
    const out = await py(`
q = sqs.create_queue(QueueName='py-body')['QueueUrl']
body = ${JSON.stringify(body)}
out['sent'] = sqs.send_message(QueueUrl=q, MessageBody=body)['MD5OfMessageBody']
m = sqs.receive_message(QueueUrl=q)['Messages'][0]
out['body'] = m['Body']
out['md5'] = m['MD5OfBody']
`);
    assert.equal(out.body, body);
    assert.equal(out.sent, md5(body));
    assert.equal(out.md5, md5(body));
  });

  test('receive with AttributeNames All returns the system attributes, and the FIFO ones on a FIFO queue', async () => {
    const out = await py(`
q = sqs.create_queue(QueueName='py-attrs')['QueueUrl']
f = sqs.create_queue(QueueName='py-attrs.fifo', Attributes={'FifoQueue': 'true'})['QueueUrl']
sqs.send_message(QueueUrl=q, MessageBody='s')
out['fifoSent'] = strip(sqs.send_message(QueueUrl=f, MessageBody='f', MessageGroupId='g1', MessageDeduplicationId='d1'))
out['standard'] = sqs.receive_message(QueueUrl=q, AttributeNames=['All'])['Messages'][0]['Attributes']
out['fifo'] = sqs.receive_message(QueueUrl=f, AttributeNames=['All'])['Messages'][0]['Attributes']
`);
    assert.deepEqual(Object.keys(out.standard).sort(), [
      'ApproximateFirstReceiveTimestamp',
      'ApproximateReceiveCount',
      'SenderId',
      'SentTimestamp',
    ]);
    assert.match(out.fifoSent.SequenceNumber, /^\d{20}$/);
    assert.equal(out.fifo.MessageGroupId, 'g1');
    assert.equal(out.fifo.MessageDeduplicationId, 'd1');
    assert.equal(out.fifo.SequenceNumber, out.fifoSent.SequenceNumber);
    assert.equal(out.fifo.ApproximateReceiveCount, '1');
  });

  test('change_message_visibility 0 re-delivers; delete_message removes; then a visibility change is refused', async () => {
    const out = await py(`
q = sqs.create_queue(QueueName='py-visibility')['QueueUrl']
sqs.send_message(QueueUrl=q, MessageBody='v')
h1 = sqs.receive_message(QueueUrl=q)['Messages'][0]['ReceiptHandle']
out['hidden'] = strip(sqs.receive_message(QueueUrl=q))
sqs.change_message_visibility(QueueUrl=q, ReceiptHandle=h1, VisibilityTimeout=0)
m = sqs.receive_message(QueueUrl=q, AttributeNames=['ApproximateReceiveCount'])['Messages'][0]
out['count'] = m['Attributes']['ApproximateReceiveCount']
out['newHandle'] = m['ReceiptHandle'] != h1
out['deleted'] = strip(sqs.delete_message(QueueUrl=q, ReceiptHandle=m['ReceiptHandle']))
out['again'] = strip(sqs.delete_message(QueueUrl=q, ReceiptHandle=m['ReceiptHandle']))
out['left'] = sqs.get_queue_attributes(QueueUrl=q, AttributeNames=['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'])['Attributes']
out['change'] = err(lambda: sqs.change_message_visibility(QueueUrl=q, ReceiptHandle=m['ReceiptHandle'], VisibilityTimeout=5))
out['handle'] = m['ReceiptHandle']
`);
    assert.deepEqual(out.hidden, {});
    assert.equal(out.count, '2');
    assert.equal(out.newHandle, true);
    assert.deepEqual(out.deleted, {});
    assert.deepEqual(out.again, {});
    assert.deepEqual(out.left, { ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
    assert.deepEqual(
      out.change,
      sender(
        'InvalidParameterValue',
        `Value ${out.handle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
      ),
    );
  });

  test('batch send and batch delete report per-entry failures next to the successes', async () => {
    const out = await py(`
q = sqs.create_queue(QueueName='py-batch', Attributes={'MaximumMessageSize': '1024'})['QueueUrl']
out['send'] = strip(sqs.send_message_batch(QueueUrl=q, Entries=[
  {'Id': 'a', 'MessageBody': 'alpha', 'MessageAttributes': {'Foo': {'DataType': 'String', 'StringValue': 'Bar'}}},
  {'Id': 'big', 'MessageBody': 'x' * 1025},
  {'Id': 'exact', 'MessageBody': 'y' * 1024},
]))
h = sqs.receive_message(QueueUrl=q, MaxNumberOfMessages=10)['Messages'][0]['ReceiptHandle']
out['delete'] = strip(sqs.delete_message_batch(QueueUrl=q, Entries=[
  {'Id': 'good', 'ReceiptHandle': h}, {'Id': 'bad', 'ReceiptHandle': 'garbage'}]))
`);
    assert.deepEqual(
      out.send.Successful.map((e: Out) => [e.Id, e.MD5OfMessageBody, e.MD5OfMessageAttributes]),
      [
        ['a', md5('alpha'), 'ae7155c6026991b6d54b11589678bf9c'],
        ['exact', md5('y'.repeat(1024)), undefined],
      ],
    );
    assert.deepEqual(out.send.Failed, [
      {
        Id: 'big',
        SenderFault: true,
        Code: 'InvalidParameterValue',
        Message: 'One or more parameters cannot be validated. Reason: Message must be shorter than 1024 bytes.',
      },
    ]);
    assert.deepEqual(out.delete.Successful, [{ Id: 'good' }]);
    assert.deepEqual(out.delete.Failed, [
      {
        Id: 'bad',
        SenderFault: true,
        Code: 'ReceiptHandleIsInvalid',
        Message: 'The input receipt handle "garbage" is not a valid receipt handle.',
      },
    ]);
  });

  test('get_queue_attributes All lists 12 keys on a standard queue and 16 on a FIFO one; set updates', async () => {
    const out = await py(`
q = sqs.create_queue(QueueName='py-qattrs')['QueueUrl']
f = sqs.create_queue(QueueName='py-qattrs.fifo', Attributes={'FifoQueue': 'true'})['QueueUrl']
out['standard'] = sqs.get_queue_attributes(QueueUrl=q, AttributeNames=['All'])['Attributes']
out['fifo'] = sqs.get_queue_attributes(QueueUrl=f, AttributeNames=['All'])['Attributes']
sqs.set_queue_attributes(QueueUrl=q, Attributes={'VisibilityTimeout': '69', 'DelaySeconds': '420'})
out['after'] = sqs.get_queue_attributes(QueueUrl=q, AttributeNames=['VisibilityTimeout', 'DelaySeconds'])['Attributes']
out['unknown'] = err(lambda: sqs.get_queue_attributes(QueueUrl=q, AttributeNames=['Foobar']))
`);
    assert.deepEqual(Object.keys(out.standard).sort(), [
      'ApproximateNumberOfMessages',
      'ApproximateNumberOfMessagesDelayed',
      'ApproximateNumberOfMessagesNotVisible',
      'CreatedTimestamp',
      'DelaySeconds',
      'LastModifiedTimestamp',
      'MaximumMessageSize',
      'MessageRetentionPeriod',
      'QueueArn',
      'ReceiveMessageWaitTimeSeconds',
      'SqsManagedSseEnabled',
      'VisibilityTimeout',
    ]);
    assert.equal(out.standard.VisibilityTimeout, '30');
    assert.equal(out.standard.MaximumMessageSize, '1048576');
    assert.match(out.standard.CreatedTimestamp, /^\d{10}$/);
    assert.equal(Object.keys(out.fifo).length, 16);
    assert.equal(out.fifo.FifoQueue, 'true');
    assert.equal(out.fifo.DeduplicationScope, 'queue');
    assert.equal(out.fifo.FifoThroughputLimit, 'perQueue');
    assert.deepEqual(out.after, { VisibilityTimeout: '69', DelaySeconds: '420' });
    assert.deepEqual(out.unknown, sender('InvalidAttributeName', 'Unknown Attribute Foobar.'));
  });

  test('tag_queue merges tags, untag_queue removes them, an untagged queue lists no Tags key', async () => {
    const out = await py(`
q = sqs.create_queue(QueueName='py-tags', tags={'created': 'yes'})['QueueUrl']
sqs.tag_queue(QueueUrl=q, Tags={'team': 'a', 'MyTag': '1', 'mytag': ''})
sqs.tag_queue(QueueUrl=q, Tags={'team': 'b'})
out['tagged'] = sqs.list_queue_tags(QueueUrl=q)['Tags']
sqs.untag_queue(QueueUrl=q, TagKeys=['created', 'team', 'MyTag', 'mytag', 'missing'])
out['untagged'] = strip(sqs.list_queue_tags(QueueUrl=q))
`);
    assert.deepEqual(out.tagged, { created: 'yes', team: 'b', MyTag: '1', mytag: '' });
    assert.deepEqual(out.untagged, {});
  });

  test('purge_queue empties the queue; a second purge within 60 s is PurgeQueueInProgress (403)', async () => {
    const out = await py(`
q = sqs.create_queue(QueueName='py-purge')['QueueUrl']
sqs.send_message(QueueUrl=q, MessageBody='gone')
sqs.purge_queue(QueueUrl=q)
out['left'] = strip(sqs.receive_message(QueueUrl=q))
out['again'] = err(lambda: sqs.purge_queue(QueueUrl=q))
`);
    assert.deepEqual(out.left, {});
    assert.deepEqual(
      out.again,
      sender(
        'AWS.SimpleQueueService.PurgeQueueInProgress',
        'Only one PurgeQueue operation on py-purge is allowed every 60 seconds.',
        403,
      ),
    );
  });

  test('redrive with maxReceiveCount 1 moves the message to the dead-letter queue on the second receive', async () => {
    const out = await py(`
dlq = sqs.create_queue(QueueName='py-dlq')['QueueUrl']
arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=['QueueArn'])['Attributes']['QueueArn']
src = sqs.create_queue(QueueName='py-src', Attributes={'VisibilityTimeout': '0',
  'RedrivePolicy': json.dumps({'deadLetterTargetArn': arn, 'maxReceiveCount': 1})})['QueueUrl']
out['id'] = sqs.send_message(QueueUrl=src, MessageBody='poison')['MessageId']
out['first'] = sqs.receive_message(QueueUrl=src)['Messages'][0]['MessageId']
out['second'] = strip(sqs.receive_message(QueueUrl=src))
out['dead'] = sqs.receive_message(QueueUrl=dlq, AttributeNames=['All'])['Messages'][0]
out['sources'] = strip(sqs.list_dead_letter_source_queues(QueueUrl=dlq))
out['policy'] = json.loads(sqs.get_queue_attributes(QueueUrl=src, AttributeNames=['RedrivePolicy'])['Attributes']['RedrivePolicy'])
out['arn'] = arn
`);
    assert.equal(out.first, out.id);
    assert.deepEqual(out.second, {});
    assert.equal(out.dead.MessageId, out.id);
    assert.equal(out.dead.Body, 'poison');
    assert.equal(out.dead.Attributes.ApproximateReceiveCount, '2');
    assert.equal(out.dead.Attributes.DeadLetterQueueSourceArn, 'arn:aws:sqs:us-east-1:000000000000:py-src');
    assert.deepEqual(out.sources, { queueUrls: [`${cloud.endpoint}/000000000000/py-src`] });
    assert.deepEqual(out.policy, { deadLetterTargetArn: out.arn, maxReceiveCount: 1 });
  });

  test('after delete_queue the queue is gone: botocore raises its modeled QueueDoesNotExist', async () => {
    const out = await py(`
q = sqs.create_queue(QueueName='py-doomed')['QueueUrl']
out['deleted'] = strip(sqs.delete_queue(QueueUrl=q))
try:
    sqs.get_queue_url(QueueName='py-doomed')
except sqs.exceptions.QueueDoesNotExist as e:
    out['modeled'] = e.response['Error']
out['send'] = err(lambda: sqs.send_message(QueueUrl=q, MessageBody='x'))
out['recreate'] = err(lambda: sqs.create_queue(QueueName='py-doomed'))
`);
    assert.deepEqual(out.deleted, {});
    assert.deepEqual(out.modeled, {
      Type: 'Sender',
      Code: 'AWS.SimpleQueueService.NonExistentQueue',
      Message: 'The specified queue does not exist for this wsdl version.',
      Detail: null,
    });
    assert.deepEqual(
      out.send,
      sender('AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist for this wsdl version.'),
    );
    const wait = 'You must wait 60 seconds after deleting a queue before you can create another with the same name.';
    assert.deepEqual(out.recreate, sender('AWS.SimpleQueueService.QueueDeletedRecently', wait));
  });

  test('bad handles, sizes, bodies, batches, attributes and receive limits fail with AWS codes and texts', async () => {
    const out = await py(`
q = sqs.create_queue(QueueName='py-errors', Attributes={'DelaySeconds': '1'})['QueueUrl']
out['handle'] = err(lambda: sqs.delete_message(QueueUrl=q, ReceiptHandle='garbage'))
out['oversize'] = err(lambda: sqs.send_message(QueueUrl=q, MessageBody='x' * 1048577))
out['empty'] = err(lambda: sqs.send_message(QueueUrl=q, MessageBody=''))
out['many'] = err(lambda: sqs.send_message_batch(QueueUrl=q, Entries=[{'Id': str(i), 'MessageBody': 'x'} for i in range(11)]))
out['exists'] = err(lambda: sqs.create_queue(QueueName='py-errors', Attributes={'DelaySeconds': '2'}))
out['max'] = err(lambda: sqs.receive_message(QueueUrl=q, MaxNumberOfMessages=11))
out['char'] = err(lambda: sqs.send_message(QueueUrl=q, MessageBody='bell \x07'))
`);
    assert.deepEqual(
      out.handle,
      sender('ReceiptHandleIsInvalid', 'The input receipt handle "garbage" is not a valid receipt handle.'),
    );
    assert.deepEqual(
      out.oversize,
      sender(
        'InvalidParameterValue',
        'One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.',
      ),
    );
    assert.deepEqual(out.empty, sender('MissingParameter', 'The request must contain the parameter MessageBody.'));
    assert.deepEqual(
      out.many,
      sender(
        'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
        'Maximum number of entries per request are 10. You have sent 11.',
      ),
    );
    assert.deepEqual(
      out.exists,
      sender(
        'QueueAlreadyExists',
        'A queue already exists with the same name and a different value for attribute DelaySeconds',
      ),
    );
    const max = 'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.';
    assert.deepEqual(out.max, sender('InvalidParameterValue', max));
    const chars = '#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]';
    const char = `Invalid binary character '#x7' was found in the message body, the set of allowed characters is ${chars}.`;
    assert.deepEqual(out.char, sender('InvalidMessageContents', char));
  });

  test('a message sent over the JSON protocol is received and deleted by boto3 over the query protocol', async () => {
    const sdk = new SQSClient(clientConfig(cloud));
    try {
      const out0 = await py(`out['url'] = sqs.create_queue(QueueName='py-cross')['QueueUrl']`);
      const sent = await sdk.send(
        new SendMessageCommand({
          QueueUrl: out0.url,
          MessageBody: 'from sdk v3',
          MessageAttributes: { Foo: { DataType: 'String', StringValue: 'Bar' } },
        }),
      );
      const out = await py(`
q = ${JSON.stringify(out0.url)}
m = sqs.receive_message(QueueUrl=q, MessageAttributeNames=['All'])['Messages'][0]
sqs.delete_message(QueueUrl=q, ReceiptHandle=m['ReceiptHandle'])
out = m
`);
      assert.equal(out.MessageId, sent.MessageId);
      assert.equal(out.Body, 'from sdk v3');
      assert.equal(out.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
      assert.deepEqual(out.MessageAttributes, { Foo: { DataType: 'String', StringValue: 'Bar' } });
      const left = await sdk.send(new ReceiveMessageCommand({ QueueUrl: out0.url, VisibilityTimeout: 0 }));
      assert.equal(left.Messages, undefined);
    } finally {
      sdk.destroy();
    }
  });
});
