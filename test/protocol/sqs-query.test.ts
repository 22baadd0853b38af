/**
 * SQS's query protocol on the wire: raw form POSTs to `/` and to a queue's URL, GETs with the
 * Action in the query string, the XML bodies they answer and the error envelope; and the JSON
 * protocol (SDK v3) seeing the same state. Expected values are AWS's, from
 * /tmp/sqs-aws-behaviour.md §0 (LocalStack's AWS-validated TestSqsQueryApi and the recorded
 * test_sqs snapshots) unless a line says otherwise.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ListQueueTagsCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig, startCloud } from '../helpers/cloud.js';

const namespace = 'http://queue.amazonaws.com/doc/2012-11-05/';
const headers = {
  authorization:
    'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=abc',
  'content-type': 'application/x-www-form-urlencoded',
};
const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');
const noQueue = 'The specified queue does not exist for this wsdl version.';

interface Reply {
  status: number;
  body: string;
  requestId: string | null;
  contentType: string | null;
}

function decodeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&amp;/g, '&');
}

/** The unescaped texts of every `<tag>` element (not for tags that nest in themselves). */
function texts(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => decodeXml(m[1] as string));
}

function text(xml: string, tag: string): string {
  const [first] = texts(xml, tag);
  assert.ok(first !== undefined, `no <${tag}> in ${xml}`);
  return first;
}

/** The whole error envelope, exactly as AWS writes it (aws/aws-sdk-php#630), an XML declaration aside. */
function assertError(reply: Reply, status: number, code: string, message: string): void {
  assert.equal(reply.status, status, reply.body);
  const match =
    /^<ErrorResponse xmlns="([^"]*)"><Error><Type>Sender<\/Type><Code>([^<]*)<\/Code><Message>([^<]*)<\/Message><Detail\/><\/Error><RequestId>([^<]*)<\/RequestId><\/ErrorResponse>$/.exec(
      reply.body.replace(/^<\?xml[^>]*\?>\s*/, ''),
    );
  assert.ok(match, reply.body);
  assert.deepEqual(
    [match[1], match[2], decodeXml(match[3] as string), match[4]],
    [namespace, code, message, reply.requestId],
  );
}

describe('SQS query protocol over HTTP', () => {
  let cloud: NimbusCloud;
  let sdk: SQSClient;
  let base: string;

  async function call(path: string, action: string, params: Record<string, string> = {}, method = 'POST') {
    const form = new URLSearchParams({ Action: action, Version: '2012-11-05', ...params }).toString();
    const url = method === 'GET' ? `${cloud.endpoint}${path}?${form}` : `${cloud.endpoint}${path}`;
    const response = await fetch(url, method === 'GET' ? { headers } : { method, headers, body: form });
    return {
      status: response.status,
      body: await response.text(),
      requestId: response.headers.get('x-amzn-requestid'),
      contentType: response.headers.get('content-type'),
    };
  }

  async function createQueue(name: string, params: Record<string, string> = {}): Promise<string> {
    const reply = await call('/', 'CreateQueue', { QueueName: name, ...params });
    assert.equal(reply.status, 200, reply.body);
    return text(reply.body, 'QueueUrl');
  }

  /** A queue attribute as the JSON protocol reads it; by default the visible-message count. */
  async function count(url: string, name = 'ApproximateNumberOfMessages'): Promise<string | undefined> {
    const out = await sdk.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: [name as never] }));
    return (out.Attributes as Record<string, string> | undefined)?.[name];
  }

  before(async () => {
    cloud = await startCloud();
    sdk = new SQSClient(clientConfig(cloud));
    base = `${cloud.endpoint}/000000000000`;
  });
  after(() => {
    sdk.destroy();
    return cloud.stop();
  });

  test('CreateQueue POSTed to / answers the queue URL in a CreateQueueResponse with its request id', async () => {
    const reply = await call('/', 'CreateQueue', {
      QueueName: 'raw-create',
      'Attribute.1.Name': 'VisibilityTimeout',
      'Attribute.1.Value': '45',
      'Tag.1.Key': 'team',
      'Tag.1.Value': 'raw',
    });
    assert.equal(reply.status, 200);
    assert.match(reply.contentType ?? '', /^text\/xml/);
    assert.match(reply.requestId ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(
      reply.body.replace(/^<\?xml[^>]*\?>\s*/, ''),
      `<CreateQueueResponse xmlns="${namespace}"><CreateQueueResult><QueueUrl>${base}/raw-create</QueueUrl>` +
        `</CreateQueueResult><ResponseMetadata><RequestId>${reply.requestId}</RequestId></ResponseMetadata></CreateQueueResponse>`,
    );
    assert.equal(await count(`${base}/raw-create`, 'VisibilityTimeout'), '45');
    const tags = await sdk.send(new ListQueueTagsCommand({ QueueUrl: `${base}/raw-create` }));
    assert.deepEqual(tags.Tags, { team: 'raw' });
  });

  test('a FIFO queue made over the query protocol answers SendMessage with a SequenceNumber', async () => {
    const url = await createQueue('raw-fifo.fifo', { 'Attribute.1.Name': 'FifoQueue', 'Attribute.1.Value': 'true' });
    assert.equal(url, `${base}/raw-fifo.fifo`);
    const params = { MessageBody: 'f', MessageGroupId: 'g', MessageDeduplicationId: 'd' };
    const sent = await call('/000000000000/raw-fifo.fifo', 'SendMessage', params);
    assert.equal(sent.status, 200, sent.body);
    assert.match(text(sent.body, 'SequenceNumber'), /^\d{20}$/);
  });

  test('GET / with Action=ListQueues in the query string lists the queues with the prefix', async () => {
    await createQueue('raw-list-a');
    await createQueue('raw-list-b');
    const reply = await call('/', 'ListQueues', { QueueNamePrefix: 'raw-list' }, 'GET');
    assert.equal(reply.status, 200, reply.body);
    assert.ok(reply.body.includes(`<ListQueuesResponse xmlns="${namespace}"><ListQueuesResult><QueueUrl>`));
    assert.deepEqual(texts(reply.body, 'QueueUrl'), [`${base}/raw-list-a`, `${base}/raw-list-b`]);
  });

  test('an empty queue receives <ReceiveMessageResult/>; SendMessage to its URL path lands in it', async () => {
    await createQueue('raw-path');
    const empty = await call('/000000000000/raw-path', 'ReceiveMessage');
    assert.ok(empty.body.includes(`<ReceiveMessageResponse xmlns="${namespace}"><ReceiveMessageResult/>`), empty.body);
    const reply = await call('/000000000000/raw-path', 'SendMessage', {
      MessageBody: 'hi & <there>',
      'MessageAttribute.1.Name': 'Foo',
      'MessageAttribute.1.Value.DataType': 'String',
      'MessageAttribute.1.Value.StringValue': 'Bar',
    });
    assert.equal(reply.status, 200, reply.body);
    assert.equal(text(reply.body, 'MD5OfMessageBody'), md5('hi & <there>'));
    assert.equal(text(reply.body, 'MD5OfMessageAttributes'), 'ae7155c6026991b6d54b11589678bf9c');
    assert.equal(await count(`${base}/raw-path`), '1');
  });

  test('ReceiveMessage by GET on the queue URL gives Attribute and MessageAttribute elements', async () => {
    const reply = await call(
      '/000000000000/raw-path',
      'ReceiveMessage',
      { 'AttributeName.1': 'All', 'MessageAttributeName.1': 'All' },
      'GET',
    );
    assert.equal(reply.status, 200, reply.body);
    assert.ok(reply.body.includes('<Body>hi &amp; &lt;there&gt;</Body>'), reply.body);
    assert.equal(text(reply.body, 'MD5OfBody'), md5('hi & <there>'));
    assert.ok(reply.body.includes('<Attribute><Name>SenderId</Name><Value>000000000000</Value></Attribute>'));
    assert.ok(reply.body.includes('<Attribute><Name>ApproximateReceiveCount</Name><Value>1</Value></Attribute>'));
    assert.ok(
      reply.body.includes(
        '<MessageAttribute><Name>Foo</Name><Value><StringValue>Bar</StringValue><DataType>String</DataType></Value></MessageAttribute>',
      ),
      reply.body,
    );
    assert.equal(text(reply.body, 'MD5OfMessageAttributes'), 'ae7155c6026991b6d54b11589678bf9c');
    const handle = text(reply.body, 'ReceiptHandle');
    const changed = await call('/000000000000/raw-path', 'ChangeMessageVisibility', {
      ReceiptHandle: handle,
      VisibilityTimeout: '0',
    });
    assert.equal(changed.status, 200, changed.body);
    assert.ok(changed.body.includes(`<ChangeMessageVisibilityResponse xmlns="${namespace}"><ResponseMetadata>`));
    assert.equal(await count(`${base}/raw-path`), '1');
  });

  test("a QueueUrl parameter wins over the path's queue; GetQueueUrl at one queue's URL names the other", async () => {
    await createQueue('raw-override-path');
    await createQueue('raw-override-param');
    const reply = await call('/000000000000/raw-override-path', 'SendMessage', {
      QueueUrl: `${base}/raw-override-param`,
      MessageBody: 'to the param queue',
    });
    assert.equal(reply.status, 200, reply.body);
    assert.equal(await count(`${base}/raw-override-param`), '1');
    assert.equal(await count(`${base}/raw-override-path`), '0');
    const named = await call('/000000000000/raw-override-path', 'GetQueueUrl', { QueueName: 'raw-override-param' });
    assert.equal(text(named.body, 'QueueUrl'), `${base}/raw-override-param`);
  });

  test('an unknown action, and CreateQueue or ListQueues sent to a queue URL, are InvalidAction', async () => {
    assertError(await call('/', 'FooBar'), 400, 'InvalidAction', 'The action FooBar is not valid for this endpoint.');
    for (const action of ['CreateQueue', 'ListQueues']) {
      const reply = await call('/000000000000/raw-override-path', action, { QueueName: 'raw-nope' });
      assertError(reply, 400, 'InvalidAction', `The action ${action} is not valid for this endpoint.`);
    }
  });

  test('a missing queue is NonExistentQueue with the wsdl-version text, by path, by parameter and by name', async () => {
    const code = 'AWS.SimpleQueueService.NonExistentQueue';
    assertError(await call('/000000000000/raw-missing', 'GetQueueAttributes'), 400, code, noQueue);
    assertError(
      await call('/', 'SendMessage', { QueueUrl: `${base}/raw-missing`, MessageBody: 'x' }),
      400,
      code,
      noQueue,
    );
    assertError(await call('/', 'GetQueueUrl', { QueueName: 'raw-missing' }), 400, code, noQueue);
  });

  test('GetQueueAttributes AttributeName.1=All lists Attribute name/value pairs', async () => {
    const reply = await call('/000000000000/raw-path', 'GetQueueAttributes', { 'AttributeName.1': 'All' });
    assert.equal(reply.status, 200, reply.body);
    assert.ok(reply.body.includes(`<GetQueueAttributesResponse xmlns="${namespace}"><GetQueueAttributesResult>`));
    assert.ok(reply.body.includes('<Attribute><Name>VisibilityTimeout</Name><Value>30</Value></Attribute>'));
    assert.equal(texts(reply.body, 'Name').length, 12);
  });

  test('a missing body, a made-up receipt handle and a body over 1 MiB fail with AWS codes', async () => {
    const path = '/000000000000/raw-path';
    const missing = 'The request must contain the parameter MessageBody.';
    assertError(await call(path, 'SendMessage'), 400, 'MissingParameter', missing);
    const handle = 'The input receipt handle "garbage" is not a valid receipt handle.';
    assertError(await call(path, 'DeleteMessage', { ReceiptHandle: 'garbage' }), 400, 'ReceiptHandleIsInvalid', handle);
    const big = await call(path, 'SendMessage', { MessageBody: 'x'.repeat(1_048_577) });
    const tooLong = 'One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.';
    assertError(big, 400, 'InvalidParameterValue', tooLong);
  });

  test('batches answer result and error entries; 11 entries are TooManyEntriesInBatchRequest', async () => {
    await createQueue('raw-batch', { 'Attribute.1.Name': 'MaximumMessageSize', 'Attribute.1.Value': '1024' });
    const path = '/000000000000/raw-batch';
    const sent = await call(path, 'SendMessageBatch', {
      'SendMessageBatchRequestEntry.1.Id': 'ok',
      'SendMessageBatchRequestEntry.1.MessageBody': 'fine',
      'SendMessageBatchRequestEntry.2.Id': 'big',
      'SendMessageBatchRequestEntry.2.MessageBody': 'x'.repeat(1025),
    });
    assert.equal(sent.status, 200, sent.body);
    assert.match(
      sent.body,
      /<SendMessageBatchResult><SendMessageBatchResultEntry><Id>ok<\/Id><MessageId>[0-9a-f-]{36}<\/MessageId><MD5OfMessageBody>[0-9a-f]{32}<\/MD5OfMessageBody><\/SendMessageBatchResultEntry><BatchResultErrorEntry>/,
    );
    assert.deepEqual(
      [text(sent.body, 'SenderFault'), text(sent.body, 'Code'), text(sent.body, 'Message')],
      [
        'true',
        'InvalidParameterValue',
        'One or more parameters cannot be validated. Reason: Message must be shorter than 1024 bytes.',
      ],
    );
    const handle = text((await call(path, 'ReceiveMessage')).body, 'ReceiptHandle');
    const deleted = await call(path, 'DeleteMessageBatch', {
      'DeleteMessageBatchRequestEntry.1.Id': 'good',
      'DeleteMessageBatchRequestEntry.1.ReceiptHandle': handle,
      'DeleteMessageBatchRequestEntry.2.Id': 'bad',
      'DeleteMessageBatchRequestEntry.2.ReceiptHandle': 'garbage',
    });
    assert.equal(deleted.status, 200, deleted.body);
    assert.ok(deleted.body.includes('<DeleteMessageBatchResultEntry><Id>good</Id></DeleteMessageBatchResultEntry>'));
    assert.deepEqual(texts(deleted.body, 'Code'), ['ReceiptHandleIsInvalid']);
    const many: Record<string, string> = {};
    for (let i = 1; i <= 11; i++) {
      many[`SendMessageBatchRequestEntry.${i}.Id`] = `m${i}`;
      many[`SendMessageBatchRequestEntry.${i}.MessageBody`] = 'x';
    }
    assertError(
      await call(path, 'SendMessageBatch', many),
      400,
      'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
      'Maximum number of entries per request are 10. You have sent 11.',
    );
  });

  test('SendMessageBatch with no entries is MissingParameter naming the first entry Id', async () => {
    // AWS over the query protocol (ali-essam/wtsqs#7; aws/aws-sdk-js#2388 for DeleteMessageBatchRequestEntry.1.Id).
    assertError(
      await call('/000000000000/raw-batch', 'SendMessageBatch'),
      400,
      'MissingParameter',
      'The request must contain the parameter SendMessageBatchRequestEntry.1.Id.',
    );
  });

  test('a second PurgeQueue within 60 s is PurgeQueueInProgress with status 403', async () => {
    await createQueue('raw-purge');
    const first = await call('/000000000000/raw-purge', 'PurgeQueue');
    assert.equal(first.status, 200, first.body);
    assertError(
      await call('/000000000000/raw-purge', 'PurgeQueue'),
      403,
      'AWS.SimpleQueueService.PurgeQueueInProgress',
      'Only one PurgeQueue operation on raw-purge is allowed every 60 seconds.',
    );
  });

  test('TagQueue, ListQueueTags and UntagQueue use Tag.N.Key/Value and TagKey.N', async () => {
    const path = '/000000000000/raw-purge';
    const tagged = await call(path, 'TagQueue', {
      'Tag.1.Key': 'a',
      'Tag.1.Value': '1',
      'Tag.2.Key': 'b',
      'Tag.2.Value': '',
    });
    assert.equal(tagged.status, 200, tagged.body);
    const listed = await call(path, 'ListQueueTags');
    assert.ok(listed.body.includes('<Tag><Key>a</Key><Value>1</Value></Tag>'), listed.body);
    assert.deepEqual(texts(listed.body, 'Key').sort(), ['a', 'b']);
    assert.equal((await call(path, 'UntagQueue', { 'TagKey.1': 'a' })).status, 200);
    assert.deepEqual(texts((await call(path, 'ListQueueTags')).body, 'Key'), ['b']);
  });

  test('a redrive policy set over the query protocol moves the message and lists the source queue', async () => {
    await createQueue('raw-dlq');
    await createQueue('raw-src');
    const policy = JSON.stringify({
      deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:raw-dlq',
      maxReceiveCount: 1,
    });
    const set = await call('/000000000000/raw-src', 'SetQueueAttributes', {
      'Attribute.1.Name': 'RedrivePolicy',
      'Attribute.1.Value': policy,
      'Attribute.2.Name': 'VisibilityTimeout',
      'Attribute.2.Value': '0',
    });
    assert.equal(set.status, 200, set.body);
    await call('/000000000000/raw-src', 'SendMessage', { MessageBody: 'poison' });
    assert.equal(text((await call('/000000000000/raw-src', 'ReceiveMessage')).body, 'Body'), 'poison');
    assert.ok((await call('/000000000000/raw-src', 'ReceiveMessage')).body.includes('<ReceiveMessageResult/>'));
    assert.equal(await count(`${base}/raw-dlq`), '1');
    const sources = await call('/000000000000/raw-dlq', 'ListDeadLetterSourceQueues');
    assert.ok(
      sources.body.includes(`<ListDeadLetterSourceQueuesResult><QueueUrl>${base}/raw-src</QueueUrl>`),
      sources.body,
    );
  });

  test('DeleteQueue answers an empty DeleteQueueResponse and the queue is then NonExistentQueue', async () => {
    await createQueue('raw-doomed');
    const reply = await call('/', 'DeleteQueue', { QueueUrl: `${base}/raw-doomed` });
    assert.equal(reply.status, 200, reply.body);
    assert.ok(reply.body.includes(`<DeleteQueueResponse xmlns="${namespace}"><ResponseMetadata><RequestId>`));
    assertError(
      await call('/000000000000/raw-doomed', 'ReceiveMessage'),
      400,
      'AWS.SimpleQueueService.NonExistentQueue',
      noQueue,
    );
  });

  test('a GET on a queue URL without a query string is 404 UnknownOperationException', async () => {
    // LocalStack's AWS-validated TestSqsQueryApi::test_get_queue_without_action_returns_unknown_operation.
    await createQueue('raw-bare-get');
    const response = await fetch(`${base}/raw-bare-get`, { headers });
    const body = await response.text();
    assert.equal(response.status, 404, body);
    assert.ok(body.includes('<UnknownOperationException'), body);
  });

  test('a query long poll returns as soon as a message sent over JSON arrives', async () => {
    const url = await createQueue('raw-poll');
    const started = Date.now();
    const polling = call('/000000000000/raw-poll', 'ReceiveMessage', { WaitTimeSeconds: '10' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await sdk.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'wake up' }));
    const reply = await polling;
    assert.equal(text(reply.body, 'Body'), 'wake up');
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });

  test('the JSON and query protocols share queues and messages both ways', async () => {
    const url = await createQueue('raw-cross');
    const fromJson = await sdk.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: 'json <to> query',
        MessageAttributes: { Foo: { DataType: 'String', StringValue: 'Bar' } },
      }),
    );
    const received = await call('/000000000000/raw-cross', 'ReceiveMessage', { 'MessageAttributeName.1': 'All' });
    assert.equal(text(received.body, 'MessageId'), fromJson.MessageId);
    assert.equal(text(received.body, 'Body'), 'json <to> query');
    assert.equal(text(received.body, 'MD5OfMessageAttributes'), fromJson.MD5OfMessageAttributes);
    // A handle issued over the query protocol deletes over JSON.
    await sdk.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: text(received.body, 'ReceiptHandle') }));
    assert.equal(await count(url), '0');
    const sent = await call('/000000000000/raw-cross', 'SendMessage', { MessageBody: 'query to json' });
    const got = await sdk.send(new ReceiveMessageCommand({ QueueUrl: url, AttributeNames: ['All'] }));
    assert.equal(got.Messages?.[0]?.MessageId, text(sent.body, 'MessageId'));
    assert.equal(got.Messages?.[0]?.Body, 'query to json');
    assert.equal(got.Messages?.[0]?.MD5OfBody, md5('query to json'));
    // The same missing queue reads differently per protocol (S:test_non_existent_queue).
    await assert.rejects(sdk.send(new GetQueueAttributesCommand({ QueueUrl: `${base}/raw-gone` })), {
      name: 'QueueDoesNotExist',
      message: 'The specified queue does not exist.',
    });
  });
});
