import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { AddPermissionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import {
  CreateBucketCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig, startCloud } from '../../helpers/cloud.js';
import { createFunction, functionName, lambdaClient, zip } from './lambda-helpers.js';

/** A function that logs each event it gets as one line, `EVENT <json>`. */
const logger = zip({
  'index.js': "exports.handler = async (event) => { console.log('EVENT ' + JSON.stringify(event)); };",
});

describe('Lambda invoked by other services', () => {
  let cloud: NimbusCloud;
  let lambda: LambdaClient;
  let logs: CloudWatchLogsClient;
  before(async () => {
    cloud = await startCloud();
    lambda = lambdaClient(cloud);
    logs = new CloudWatchLogsClient(clientConfig(cloud));
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  /** The events the function logged, waiting up to 10 s for `count` of them. */
  async function loggedEvents(name: string, count: number): Promise<Array<Record<string, unknown>>> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      let events: Array<Record<string, unknown>> = [];
      try {
        const out = await logs.send(
          new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${name}`, filterPattern: 'EVENT' }),
        );
        events = (out.events ?? []).map((event) => {
          const text = event.message as string;
          return JSON.parse(text.slice(text.indexOf('EVENT ') + 6));
        });
      } catch {
        events = []; // the log group appears with the first invocation
      }
      if (events.length >= count) return events;
      if (Date.now() > deadline) assert.fail(`expected ${count} logged events, got ${events.length}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  test('an SNS subscription invokes the function with AWS’s SNS event', async () => {
    const name = functionName('sns');
    const fn = await createFunction(lambda, { FunctionName: name, Code: { ZipFile: logger } });
    const sns = new SNSClient(clientConfig(cloud));
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'to-lambda' }));
    const { SubscriptionArn } = await sns.send(
      new SubscribeCommand({ TopicArn, Protocol: 'lambda', Endpoint: fn.FunctionArn }),
    );
    await sns.send(
      new PublishCommand({
        TopicArn,
        Message: 'hello function',
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'greeting' } },
      }),
    );
    const [event] = await loggedEvents(name, 1);
    const record = (event?.Records as Array<Record<string, unknown>> | undefined)?.[0] as Record<string, unknown>;
    assert.equal(record.EventSource, 'aws:sns');
    assert.equal(record.EventSubscriptionArn, SubscriptionArn);
    const message = record.Sns as Record<string, unknown>;
    assert.equal(message.Message, 'hello function');
    assert.equal(message.TopicArn, TopicArn);
    assert.equal(message.Subject, null);
    assert.deepEqual(message.MessageAttributes, { kind: { Type: 'String', Value: 'greeting' } });
    assert.ok(message.SigningCertUrl);
  });

  test('an S3 event notification invokes the function with AWS’s S3 event', async () => {
    const name = functionName('s3');
    const fn = await createFunction(lambda, { FunctionName: name, Code: { ZipFile: logger } });
    const s3 = new S3Client({ ...clientConfig(cloud), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'lambda-events' }));
    // As on AWS, S3 checks that the function's policy lets it invoke the function for this bucket.
    await lambda.send(
      new AddPermissionCommand({
        FunctionName: name,
        StatementId: 's3',
        Action: 'lambda:InvokeFunction',
        Principal: 's3.amazonaws.com',
        SourceArn: 'arn:aws:s3:::lambda-events',
      }),
    );
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: 'lambda-events',
        NotificationConfiguration: {
          LambdaFunctionConfigurations: [
            { Id: 'to-fn', LambdaFunctionArn: fn.FunctionArn, Events: ['s3:ObjectCreated:*'] },
          ],
        },
      }),
    );
    await s3.send(new PutObjectCommand({ Bucket: 'lambda-events', Key: 'in/file.txt', Body: 'data' }));
    const [event] = await loggedEvents(name, 1);
    const record = (event?.Records as Array<Record<string, unknown>> | undefined)?.[0] as Record<string, unknown>;
    assert.equal(record.eventSource, 'aws:s3');
    assert.equal(record.eventName, 'ObjectCreated:Put');
    assert.equal((record.s3 as { object: { key: string } }).object.key, 'in/file.txt');
  });
});
