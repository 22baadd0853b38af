/**
 * SQS through the real AWS CLI v2 (2.9, Debian), which speaks the query protocol to SQS. Set-up
 * and checks that need no CLI go through SDK v3 (the JSON protocol) in this process, so both
 * wire forms see the same queues. Each CLI call costs ~0.7 s: the suite keeps to ~25 of them.
 * Expected values are AWS's, from /tmp/sqs-aws-behaviour.md (S: recorded snapshot keys).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig, startCloud } from '../helpers/cloud.js';
import { awsCli, clientEnv, run, skipAwsCli } from './tools.js';

interface CliMessage {
  MessageId: string;
  ReceiptHandle: string;
  Body: string;
  MD5OfBody: string;
  MD5OfMessageAttributes?: string;
  MessageAttributes?: Record<string, unknown>;
  Attributes: Record<string, string>;
}

/** The parts of the CLI's JSON output these tests read. */
interface CliJson {
  QueueUrl?: string;
  QueueUrls?: string[];
  MessageId?: string;
  MD5OfMessageBody?: string;
  MD5OfMessageAttributes?: string;
  Messages?: CliMessage[];
  Attributes?: Record<string, string>;
  Successful?: Array<Record<string, unknown>>;
  Failed?: unknown[];
  Tags?: Record<string, string>;
}

interface CliResult {
  status: number | null;
  json: CliJson;
  stderr: string;
}

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

/** S:test_receive_message_message_attribute_names_filters: these three String attributes hash to this. */
const threeAttributes = {
  General: { DataType: 'String', StringValue: 'Kenobi' },
  Hello: { DataType: 'String', StringValue: 'There' },
  'Help.Me': { DataType: 'String', StringValue: 'Me' },
};
const threeAttributesMd5 = '4c360f3fdafd970e05fae2f149d997f5';

describe('AWS CLI v2: SQS over the query protocol', { skip: skipAwsCli }, () => {
  let cloud: NimbusCloud;
  let sdk: SQSClient;
  let dir: string;
  /** A standard queue for the message tests, made with the SDK. */
  let work: string;

  before(async () => {
    cloud = await startCloud();
    sdk = new SQSClient(clientConfig(cloud));
    dir = mkdtempSync(join(tmpdir(), 'nimbus-sqs-cli-'));
    work = (await sdk.send(new CreateQueueCommand({ QueueName: 'cli-work' }))).QueueUrl as string;
  });
  after(() => {
    sdk.destroy();
    rmSync(dir, { recursive: true, force: true });
    return cloud.stop();
  });

  async function aws(args: string[]): Promise<CliResult> {
    const result = await run(
      awsCli,
      ['--endpoint-url', cloud.endpoint, '--output', 'json', 'sqs', ...args],
      clientEnv(),
    );
    let json: CliJson = {};
    if (result.stdout.trim()) json = JSON.parse(result.stdout) as CliJson;
    return { status: result.status, json, stderr: result.stderr };
  }

  function failed(result: CliResult, code: string, operation: string, message: string): void {
    assert.notEqual(result.status, 0, 'the command should fail');
    assert.equal(
      result.stderr.trim(),
      `An error occurred (${code}) when calling the ${operation} operation: ${message}`,
    );
  }

  async function attributes(url: string, names: string[]): Promise<Record<string, string>> {
    const out = await sdk.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: names as never }));
    return out.Attributes ?? {};
  }

  test('create-queue makes a standard and a FIFO queue whose URLs name account and queue', async () => {
    const standard = await aws(['create-queue', '--queue-name', 'cli-orders', '--attributes', 'VisibilityTimeout=45']);
    assert.equal(standard.status, 0, standard.stderr);
    assert.equal(standard.json.QueueUrl, `${cloud.endpoint}/000000000000/cli-orders`);
    const fifo = await aws([
      'create-queue',
      '--queue-name',
      'cli-orders.fifo',
      '--attributes',
      'FifoQueue=true,ContentBasedDeduplication=true',
    ]);
    assert.equal(fifo.status, 0, fifo.stderr);
    assert.equal(fifo.json.QueueUrl, `${cloud.endpoint}/000000000000/cli-orders.fifo`);
    assert.equal((await attributes(standard.json.QueueUrl, ['VisibilityTimeout'])).VisibilityTimeout, '45');
    assert.deepEqual(await attributes(fifo.json.QueueUrl, ['FifoQueue', 'ContentBasedDeduplication']), {
      ContentBasedDeduplication: 'true',
      FifoQueue: 'true',
    });
  });

  test('get-queue-url returns the URL of the named queue', async () => {
    const result = await aws(['get-queue-url', '--queue-name', 'cli-work']);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(result.json, { QueueUrl: work });
  });

  test('list-queues --queue-name-prefix lists only the queues with that prefix', async () => {
    const result = await aws(['list-queues', '--queue-name-prefix', 'cli-orders']);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(result.json.QueueUrls, [
      `${cloud.endpoint}/000000000000/cli-orders`,
      `${cloud.endpoint}/000000000000/cli-orders.fifo`,
    ]);
  });

  test('send-message with message attributes returns the MD5s AWS computes', async () => {
    const result = await aws([
      'send-message',
      '--queue-url',
      work,
      '--message-body',
      'from the cli',
      '--message-attributes',
      JSON.stringify(threeAttributes),
    ]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.json.MD5OfMessageBody, md5('from the cli'));
    assert.equal(result.json.MD5OfMessageAttributes, threeAttributesMd5);
    assert.match(result.json.MessageId ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  let handle = '';
  test('receive-message with attribute names All returns body, attributes and system attributes', async () => {
    const result = await aws([
      'receive-message',
      '--queue-url',
      work,
      '--attribute-names',
      'All',
      '--message-attribute-names',
      'All',
    ]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.json.Messages?.length, 1);
    const message = result.json.Messages![0]!;
    assert.equal(message.Body, 'from the cli');
    assert.equal(message.MD5OfBody, md5('from the cli'));
    assert.equal(message.MD5OfMessageAttributes, threeAttributesMd5);
    assert.deepEqual(message.MessageAttributes, threeAttributes);
    assert.deepEqual(Object.keys(message.Attributes).sort(), [
      'ApproximateFirstReceiveTimestamp',
      'ApproximateReceiveCount',
      'SenderId',
      'SentTimestamp',
    ]);
    assert.equal(message.Attributes.ApproximateReceiveCount, '1');
    assert.match(message.Attributes.SentTimestamp, /^\d{13}$/);
    handle = message.ReceiptHandle;
  });

  test('change-message-visibility 0 makes the message receivable again with a new handle', async () => {
    const changed = await aws([
      'change-message-visibility',
      '--queue-url',
      work,
      '--receipt-handle',
      handle,
      '--visibility-timeout',
      '0',
    ]);
    assert.equal(changed.status, 0, changed.stderr);
    const again = await aws(['receive-message', '--queue-url', work, '--attribute-names', 'ApproximateReceiveCount']);
    assert.equal(again.status, 0, again.stderr);
    const message = again.json.Messages![0]!;
    assert.deepEqual(message.Attributes, { ApproximateReceiveCount: '2' });
    assert.notEqual(message.ReceiptHandle, handle);
    handle = message.ReceiptHandle;
  });

  test('delete-message removes the message from the queue', async () => {
    const result = await aws(['delete-message', '--queue-url', work, '--receipt-handle', handle]);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(result.json, {});
    assert.deepEqual(await attributes(work, ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible']), {
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
  });

  test('set-queue-attributes changes what get-queue-attributes returns', async () => {
    const set = await aws([
      'set-queue-attributes',
      '--queue-url',
      work,
      '--attributes',
      'MaximumMessageSize=1024,DelaySeconds=0',
    ]);
    assert.equal(set.status, 0, set.stderr);
    const got = await aws(['get-queue-attributes', '--queue-url', work, '--attribute-names', 'All']);
    assert.equal(got.status, 0, got.stderr);
    const all = got.json.Attributes ?? {};
    assert.equal(all.MaximumMessageSize, '1024');
    assert.equal(all.QueueArn, 'arn:aws:sqs:us-east-1:000000000000:cli-work');
    assert.equal(Object.keys(all).length, 12, Object.keys(all).join());
  });

  test('send-message-batch fails the entry over MaximumMessageSize and sends the others', async () => {
    const entries = [
      { Id: 'small', MessageBody: 'small' },
      { Id: 'big', MessageBody: 'x'.repeat(1025) },
    ];
    const result = await aws(['send-message-batch', '--queue-url', work, '--entries', JSON.stringify(entries)]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.json.Successful?.length, 1);
    assert.equal(result.json.Successful![0]!.Id, 'small');
    assert.equal(result.json.Successful![0]!.MD5OfMessageBody, md5('small'));
    assert.deepEqual(result.json.Failed, [
      {
        Id: 'big',
        SenderFault: true,
        Code: 'InvalidParameterValue',
        Message: 'One or more parameters cannot be validated. Reason: Message must be shorter than 1024 bytes.',
      },
    ]);
  });

  test('delete-message-batch deletes the valid handle and fails a garbage one', async () => {
    const received = await sdk.send(new ReceiveMessageCommand({ QueueUrl: work }));
    const good = received.Messages?.[0]?.ReceiptHandle as string;
    assert.ok(good);
    const entries = [
      { Id: 'good', ReceiptHandle: good },
      { Id: 'bad', ReceiptHandle: 'garbage' },
    ];
    const result = await aws(['delete-message-batch', '--queue-url', work, '--entries', JSON.stringify(entries)]);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(result.json.Successful, [{ Id: 'good' }]);
    assert.deepEqual(result.json.Failed, [
      {
        Id: 'bad',
        SenderFault: true,
        Code: 'ReceiptHandleIsInvalid',
        Message: 'The input receipt handle "garbage" is not a valid receipt handle.',
      },
    ]);
  });

  test('tag-queue tags show in list-queue-tags', async () => {
    const tagged = await aws(['tag-queue', '--queue-url', work, '--tags', 'team=payments,empty=']);
    assert.equal(tagged.status, 0, tagged.stderr);
    const listed = await aws(['list-queue-tags', '--queue-url', work]);
    assert.equal(listed.status, 0, listed.stderr);
    assert.deepEqual(listed.json.Tags, { team: 'payments', empty: '' });
  });

  test('purge-queue deletes the messages in the queue', async () => {
    await sdk.send(new SendMessageCommand({ QueueUrl: work, MessageBody: 'to purge' }));
    const result = await aws(['purge-queue', '--queue-url', work]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal((await attributes(work, ['ApproximateNumberOfMessages'])).ApproximateNumberOfMessages, '0');
  });

  test('a message received more than maxReceiveCount times moves to the dead-letter queue', async () => {
    const dlq = (await sdk.send(new CreateQueueCommand({ QueueName: 'cli-dlq' }))).QueueUrl as string;
    const dlqArn = (await attributes(dlq, ['QueueArn'])).QueueArn as string;
    const redrive = JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 });
    const created = await aws([
      'create-queue',
      '--queue-name',
      'cli-source',
      '--attributes',
      JSON.stringify({ VisibilityTimeout: '0', RedrivePolicy: redrive }),
    ]);
    assert.equal(created.status, 0, created.stderr);
    const source = created.json.QueueUrl as string;
    const sent = await sdk.send(new SendMessageCommand({ QueueUrl: source, MessageBody: 'poison' }));
    const first = await aws(['receive-message', '--queue-url', source]);
    assert.equal(first.json.Messages?.[0]?.Body, 'poison', first.stderr);
    const second = await sdk.send(new ReceiveMessageCommand({ QueueUrl: source }));
    assert.equal(second.Messages, undefined);
    const dead = await aws(['receive-message', '--queue-url', dlq, '--attribute-names', 'All']);
    assert.equal(dead.status, 0, dead.stderr);
    const message = dead.json.Messages![0]!;
    assert.equal(message.MessageId, sent.MessageId);
    assert.equal(message.Body, 'poison');
    assert.equal(message.Attributes.ApproximateReceiveCount, '2');
    assert.equal(message.Attributes.DeadLetterQueueSourceArn, 'arn:aws:sqs:us-east-1:000000000000:cli-source');
  });

  test('delete-queue removes the queue: get-queue-url then fails with NonExistentQueue', async () => {
    const url = `${cloud.endpoint}/000000000000/cli-orders`;
    const deleted = await aws(['delete-queue', '--queue-url', url]);
    assert.equal(deleted.status, 0, deleted.stderr);
    failed(
      await aws(['get-queue-url', '--queue-name', 'cli-orders']),
      'AWS.SimpleQueueService.NonExistentQueue',
      'GetQueueUrl',
      'The specified queue does not exist for this wsdl version.',
    );
  });

  test('delete-message with a made-up receipt handle fails with ReceiptHandleIsInvalid', async () => {
    failed(
      await aws(['delete-message', '--queue-url', work, '--receipt-handle', 'garbage']),
      'ReceiptHandleIsInvalid',
      'DeleteMessage',
      'The input receipt handle "garbage" is not a valid receipt handle.',
    );
  });

  test('send-message over 1 MiB fails with InvalidParameterValue', async () => {
    const big = (await sdk.send(new CreateQueueCommand({ QueueName: 'cli-big' }))).QueueUrl as string;
    const file = join(dir, 'big.txt');
    writeFileSync(file, 'x'.repeat(1_048_577));
    failed(
      await aws(['send-message', '--queue-url', big, '--message-body', `file://${file}`]),
      'InvalidParameterValue',
      'SendMessage',
      'One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.',
    );
  });

  test('send-message-batch with 11 entries fails with TooManyEntriesInBatchRequest', async () => {
    const entries = Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, MessageBody: 'x' }));
    failed(
      await aws(['send-message-batch', '--queue-url', work, '--entries', JSON.stringify(entries)]),
      'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
      'SendMessageBatch',
      'Maximum number of entries per request are 10. You have sent 11.',
    );
  });
});
