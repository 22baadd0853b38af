import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListSubscriptionsCommand,
  SetSubscriptionAttributesCommand,
  type SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { account, assertSnsError, createQueue, createTopic, invalidParameter, snsFor, sqsFor } from './sns-helpers.js';

describe('SNS subscriptions', () => {
  let cloud: NimbusCloud;
  let sns: SNSClient;
  let sqs: SQSClient;
  let topicArn: string;
  let queueArn: string;
  before(async () => {
    cloud = await startCloud();
    sns = snsFor(cloud);
    sqs = sqsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    topicArn = await createTopic(sns, 'orders');
    queueArn = (await createQueue(sqs, 'orders-queue')).arn;
  });

  const subscribe = (input: {
    Protocol: string;
    Endpoint?: string;
    Attributes?: Record<string, string>;
    ReturnSubscriptionArn?: boolean;
  }) => sns.send(new SubscribeCommand({ TopicArn: topicArn, ...input }));

  describe('Subscribe', () => {
    test('subscribes a queue, confirmed at once, with the attributes AWS reports', async () => {
      const { SubscriptionArn } = await subscribe({ Protocol: 'sqs', Endpoint: queueArn });
      assert.match(SubscriptionArn as string, new RegExp(`^${topicArn}:[0-9a-f-]{36}$`));
      const { Attributes } = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }));
      assert.deepEqual(Attributes, {
        ConfirmationWasAuthenticated: 'true',
        Endpoint: queueArn,
        Owner: account,
        PendingConfirmation: 'false',
        Protocol: 'sqs',
        RawMessageDelivery: 'false',
        SubscriptionArn,
        SubscriptionPrincipal: `arn:aws:iam::${account}:root`,
        TopicArn: topicArn,
      });
      const topic = await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
      assert.equal(topic.Attributes?.SubscriptionsConfirmed, '1');
    });

    test('returns the same ARN for the same endpoint, and refuses different attributes', async () => {
      const first = await subscribe({
        Protocol: 'sqs',
        Endpoint: queueArn,
        Attributes: { RawMessageDelivery: 'true' },
      });
      const again = await subscribe({
        Protocol: 'sqs',
        Endpoint: queueArn,
        Attributes: { RawMessageDelivery: 'true' },
      });
      const bare = await subscribe({ Protocol: 'sqs', Endpoint: queueArn });
      assert.equal(again.SubscriptionArn, first.SubscriptionArn);
      assert.equal(bare.SubscriptionArn, first.SubscriptionArn);
      await assertSnsError(
        subscribe({ Protocol: 'sqs', Endpoint: queueArn, Attributes: { RawMessageDelivery: 'false' } }),
        invalidParameter('Invalid parameter: Attributes Reason: Subscription already exists with different attributes'),
      );
    });

    test('refuses a protocol SNS does not have', async () => {
      await assertSnsError(
        subscribe({ Protocol: 'test-protocol', Endpoint: 'x' }),
        invalidParameter('Invalid parameter: Amazon SNS does not support this protocol string: test-protocol'),
      );
    });

    test('refuses a queue URL where an SQS ARN belongs', async () => {
      await assertSnsError(
        subscribe({ Protocol: 'sqs', Endpoint: 'http://localhost:4566/111111111111/orders-queue' }),
        invalidParameter('Invalid parameter: SQS endpoint ARN'),
      );
    });

    test('refuses a FIFO queue on a standard topic', async () => {
      const fifo = await createQueue(sqs, 'orders.fifo', { FifoQueue: 'true' });
      await assertSnsError(
        subscribe({ Protocol: 'sqs', Endpoint: fifo.arn }),
        invalidParameter(
          'Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics',
        ),
      );
    });

    test('refuses a RawMessageDelivery that is not true or false', async () => {
      await assertSnsError(
        subscribe({ Protocol: 'sqs', Endpoint: queueArn, Attributes: { RawMessageDelivery: 'wrongvalue' } }),
        invalidParameter(
          'Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value [wrongvalue]. Must be true or false.',
        ),
      );
    });

    test('answers NotFound for a topic that does not exist', async () => {
      await assertSnsError(
        sns.send(
          new SubscribeCommand({
            TopicArn: `arn:aws:sns:us-east-1:${account}:nothing`,
            Protocol: 'sqs',
            Endpoint: queueArn,
          }),
        ),
        { code: 'NotFound', status: 404, message: 'Topic does not exist' },
      );
    });

    test('refuses an invalid SMS endpoint', async () => {
      await assertSnsError(subscribe({ Protocol: 'sms', Endpoint: 'NAA+15551234567' }), {
        code: 'InvalidParameter',
        status: 400,
        message: 'Invalid SMS endpoint: NAA+15551234567',
      });
    });

    test('leaves an email subscription pending, answering "pending confirmation"', async () => {
      const { SubscriptionArn } = await subscribe({ Protocol: 'email', Endpoint: 'someone@example.com' });
      assert.equal(SubscriptionArn, 'pending confirmation');
      const { Subscriptions } = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
      assert.equal(Subscriptions?.[0]?.SubscriptionArn, 'PendingConfirmation');
      const topic = await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
      assert.equal(topic.Attributes?.SubscriptionsPending, '1');
    });
  });

  describe('SetSubscriptionAttributes', () => {
    test('sets RawMessageDelivery and a filter policy with its default scope', async () => {
      const { SubscriptionArn } = await subscribe({ Protocol: 'sqs', Endpoint: queueArn });
      await sns.send(
        new SetSubscriptionAttributesCommand({
          SubscriptionArn,
          AttributeName: 'RawMessageDelivery',
          AttributeValue: 'true',
        }),
      );
      await sns.send(
        new SetSubscriptionAttributesCommand({
          SubscriptionArn,
          AttributeName: 'FilterPolicy',
          AttributeValue: JSON.stringify({ colour: ['red'] }),
        }),
      );
      const { Attributes } = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }));
      assert.equal(Attributes?.RawMessageDelivery, 'true');
      assert.equal(Attributes?.FilterPolicy, '{"colour":["red"]}');
      assert.equal(Attributes?.FilterPolicyScope, 'MessageAttributes');
    });

    test('refuses an attribute name SNS does not have', async () => {
      const { SubscriptionArn } = await subscribe({ Protocol: 'sqs', Endpoint: queueArn });
      await assertSnsError(
        sns.send(
          new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: 'Colour', AttributeValue: 'x' }),
        ),
        invalidParameter('Invalid parameter: AttributeName'),
      );
    });

    test('refuses a RawMessageDelivery value with AWS’s text', async () => {
      const { SubscriptionArn } = await subscribe({ Protocol: 'sqs', Endpoint: queueArn });
      await assertSnsError(
        sns.send(
          new SetSubscriptionAttributesCommand({
            SubscriptionArn,
            AttributeName: 'RawMessageDelivery',
            AttributeValue: 'test-ValUe',
          }),
        ),
        invalidParameter('Invalid parameter: RawMessageDelivery: Invalid value [test-ValUe]. Must be true or false.'),
      );
    });

    test('refuses a RedrivePolicy whose target is not an SQS ARN', async () => {
      const { SubscriptionArn } = await subscribe({ Protocol: 'sqs', Endpoint: queueArn });
      await assertSnsError(
        sns.send(
          new SetSubscriptionAttributesCommand({
            SubscriptionArn,
            AttributeName: 'RedrivePolicy',
            AttributeValue: JSON.stringify({ deadLetterTargetArn: 'not-an-arn' }),
          }),
        ),
        invalidParameter('Invalid parameter: RedrivePolicy: deadLetterTargetArn is an invalid arn'),
      );
    });

    test('answers NotFound for a subscription that does not exist', async () => {
      await assertSnsError(
        sns.send(
          new SetSubscriptionAttributesCommand({
            SubscriptionArn: `${topicArn}:00000000-0000-0000-0000-000000000000`,
            AttributeName: 'RawMessageDelivery',
            AttributeValue: 'true',
          }),
        ),
        { code: 'NotFound', status: 404, message: 'Subscription does not exist' },
      );
    });
  });

  describe('Unsubscribe', () => {
    test('removes a subscription, and succeeds again once it is gone', async () => {
      const { SubscriptionArn } = await subscribe({ Protocol: 'sqs', Endpoint: queueArn });
      await sns.send(new UnsubscribeCommand({ SubscriptionArn }));
      await sns.send(new UnsubscribeCommand({ SubscriptionArn }));
      await assertSnsError(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn })), {
        code: 'NotFound',
        status: 404,
        message: 'Subscription does not exist',
      });
    });

    test('refuses a malformed ARN', async () => {
      await assertSnsError(
        sns.send(new UnsubscribeCommand({ SubscriptionArn: 'nothing' })),
        invalidParameter('Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not 1'),
      );
    });
  });

  describe('ListSubscriptions', () => {
    test('pages the account’s subscriptions 100 at a time', async () => {
      for (let i = 0; i < 102; i++)
        await subscribe({ Protocol: 'sms', Endpoint: `+1555123${String(i).padStart(4, '0')}` });
      const first = await sns.send(new ListSubscriptionsCommand({}));
      assert.equal(first.Subscriptions?.length, 100);
      const second = await sns.send(new ListSubscriptionsCommand({ NextToken: first.NextToken }));
      assert.equal(second.Subscriptions?.length, 2);
      assert.equal(second.NextToken, undefined);
      assert.deepEqual(Object.keys(second.Subscriptions?.[0] ?? {}).sort(), [
        'Endpoint',
        'Owner',
        'Protocol',
        'SubscriptionArn',
        'TopicArn',
      ]);
    });
  });
});
