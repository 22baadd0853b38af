import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { PutBucketNotificationConfigurationCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { createQueue, snsFor, sqsFor } from '../sns/sns-helpers.js';
import { assertS3Error, createBucket, s3For } from './s3-helpers.js';

const account = '111111111111';

describe('Event notifications to SNS topics', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;
  let sns: SNSClient;
  let sqs: SQSClient;
  let topicArn: string;
  let queueUrl: string;
  before(async () => {
    cloud = await startCloud();
    s3 = s3For(cloud, { account });
    sns = snsFor(cloud);
    sqs = sqsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await createBucket(s3, 'topic-events');
    topicArn = (await sns.send(new CreateTopicCommand({ Name: 'bucket-events' }))).TopicArn as string;
    const queue = await createQueue(sqs, 'bucket-events-queue');
    queueUrl = queue.url;
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.arn }));
  });

  async function envelopes(count: number): Promise<Array<Record<string, string>>> {
    const out: Array<Record<string, string>> = [];
    for (let i = 0; i < 50 && out.length < count; i++) {
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
      for (const message of Messages ?? []) out.push(JSON.parse(message.Body as string));
      if (out.length < count) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return out;
  }

  test('publishes the test event and each object event to the topic, with S3’s subject', async () => {
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: 'topic-events',
        NotificationConfiguration: {
          TopicConfigurations: [{ Id: 'to-topic', TopicArn: topicArn, Events: ['s3:ObjectCreated:*'] }],
        },
      }),
    );
    await s3.send(new PutObjectCommand({ Bucket: 'topic-events', Key: 'photo.jpg', Body: 'bytes' }));
    const [test, created] = await envelopes(2);
    assert.equal(test?.Subject, 'Amazon S3 Notification');
    assert.equal(JSON.parse(test?.Message as string).Event, 's3:TestEvent');
    assert.equal(created?.TopicArn, topicArn);
    const record = JSON.parse(created?.Message as string).Records[0];
    assert.equal(record.eventName, 'ObjectCreated:Put');
    assert.equal(record.s3.configurationId, 'to-topic');
    assert.equal(record.s3.object.key, 'photo.jpg');
  });

  test('refuses a topic that does not exist, naming it', async () => {
    const missing = `arn:aws:sns:us-east-1:${account}:nothing`;
    const error = await assertS3Error(
      s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket: 'topic-events',
          NotificationConfiguration: { TopicConfigurations: [{ TopicArn: missing, Events: ['s3:ObjectCreated:*'] }] },
        }),
      ),
      { code: 'InvalidArgument', status: 400, message: 'Unable to validate the following destination configurations' },
    );
    assert.equal(error.ArgumentName1, missing);
    assert.equal(error.ArgumentValue1, 'The destination topic does not exist');
  });
});
