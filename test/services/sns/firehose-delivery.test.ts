import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { PublishCommand, type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { createS3Stream, delivered, firehoseFor, objectText, role, s3For } from '../firehose/firehose-helpers.js';
import { createTopic, snsFor } from './sns-helpers.js';

describe('SNS delivery to Firehose', () => {
  let cloud: NimbusCloud;
  let sns: SNSClient;
  before(async () => {
    cloud = await startCloud();
    sns = snsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  test('puts the envelope, or the bare message with raw delivery, as a record delivered to S3', async () => {
    const s3 = s3For(cloud);
    await s3.send(new CreateBucketCommand({ Bucket: 'sns-landing' }));
    const firehose = firehoseFor(cloud);
    const envelopes = await createS3Stream(firehose, 'from-sns', 'sns-landing', {
      Prefix: 'envelope/',
      BufferingHints: { IntervalInSeconds: 60, SizeInMBs: 1 },
    });
    const raws = await createS3Stream(firehose, 'from-sns-raw', 'sns-landing', {
      Prefix: 'raw/',
      BufferingHints: { IntervalInSeconds: 60, SizeInMBs: 1 },
    });
    const topicArn = await createTopic(sns, 'to-firehose');
    for (const [endpoint, raw] of [
      [envelopes, 'false'],
      [raws, 'true'],
    ] as const) {
      await sns.send(
        new SubscribeCommand({
          TopicArn: topicArn,
          Protocol: 'firehose',
          Endpoint: endpoint,
          Attributes: { SubscriptionRoleArn: role, RawMessageDelivery: raw },
        }),
      );
    }
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'to the lake' }));
    // Let the outbox put the records, then move past the buffering interval.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await cloud.clock.advance(61);
    const [envelopeKey] = await delivered(s3, 'sns-landing', 1, 'envelope/');
    const envelope = JSON.parse(await objectText(s3, 'sns-landing', envelopeKey as string));
    assert.equal(envelope.Type, 'Notification');
    assert.equal(envelope.Message, 'to the lake');
    assert.equal(envelope.TopicArn, topicArn);
    const [rawKey] = await delivered(s3, 'sns-landing', 1, 'raw/');
    assert.equal(await objectText(s3, 'sns-landing', rawKey as string), 'to the lake');
  });
});
