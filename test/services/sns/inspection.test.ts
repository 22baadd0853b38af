import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  ConfirmSubscriptionCommand,
  ListSubscriptionsByTopicCommand,
  PublishCommand,
  type SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { account, createTopic, snsFor } from './sns-helpers.js';

describe('SNS messages kept for inspection', () => {
  let cloud: NimbusCloud;
  let sns: SNSClient;
  let topicArn: string;
  before(async () => {
    cloud = await startCloud();
    sns = snsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    topicArn = await createTopic(sns, 'alerts');
  });

  // biome-ignore lint/suspicious/noExplicitAny: JSON of the inspection routes, read field by field.
  const getJson = async (path: string): Promise<any> => (await fetch(`${cloud.endpoint}${path}`)).json();

  test('keeps an email confirmation whose token confirms the subscription, then the notifications', async () => {
    const { SubscriptionArn } = await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'email',
        Endpoint: 'ops@example.com',
        ReturnSubscriptionArn: true,
      }),
    );
    const kept = await getJson(`/_nimbus/sns?accountId=${account}`);
    assert.equal(kept.email.length, 1);
    assert.equal(kept.email[0].Type, 'SubscriptionConfirmation');
    const tokens = await getJson(`/_aws/sns/subscription-tokens/${SubscriptionArn}`);
    assert.equal(tokens.subscription_token, kept.email[0].Token);
    await sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: tokens.subscription_token }));
    const { Subscriptions } = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
    assert.equal(Subscriptions?.[0]?.SubscriptionArn, SubscriptionArn);

    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'disk full', Subject: 'Alert' }));
    const after = await getJson('/_nimbus/sns');
    assert.equal(after.email.length, 2);
    assert.equal(after.email[1].Message, 'disk full');
    assert.equal(after.email[1].Subject, 'Alert');
  });

  test('lists SMS messages in LocalStack’s shape, by phone number, and forgets them on DELETE', async () => {
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sms', Endpoint: '+15551230001' }));
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'via topic' }));
    await sns.send(new PublishCommand({ PhoneNumber: '+15551230002', Message: 'direct' }));
    const listed = await getJson(`/_aws/sns/sms-messages?accountId=${account}&region=us-east-1`);
    assert.equal(listed.region, 'us-east-1');
    assert.deepEqual(Object.keys(listed.sms_messages).sort(), ['+15551230001', '+15551230002']);
    assert.equal(listed.sms_messages['+15551230001'][0].Message, 'via topic');
    assert.equal(listed.sms_messages['+15551230002'][0].PhoneNumber, '+15551230002');
    const deleted = await fetch(`${cloud.endpoint}/_aws/sns/sms-messages?accountId=${account}`, { method: 'DELETE' });
    assert.equal(deleted.status, 204);
    const empty = await getJson(`/_aws/sns/sms-messages?accountId=${account}`);
    assert.deepEqual(empty.sms_messages, {});
  });

  test('answers 404 for a subscription token it does not have', async () => {
    const response = await fetch(`${cloud.endpoint}/_aws/sns/subscription-tokens/${topicArn}:nothing`);
    assert.equal(response.status, 404);
  });
});
