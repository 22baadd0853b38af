import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  PublishCommand,
  SetSubscriptionAttributesCommand,
  type SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertSnsError, createQueue, createTopic, snsFor, sqsFor, subscribedQueue } from './sns-helpers.js';

describe('SNS filter policies on delivery', () => {
  let cloud: NimbusCloud;
  let sns: SNSClient;
  let sqs: SQSClient;
  let topicArn: string;
  before(async () => {
    cloud = await startCloud();
    sns = snsFor(cloud);
    sqs = sqsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    topicArn = await createTopic(sns, 'events');
  });

  async function filteredQueue(name: string, policy: unknown, scope?: 'MessageBody') {
    const attributes: Record<string, string> = { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify(policy) };
    if (scope) attributes.FilterPolicyScope = scope;
    return (await subscribedQueue({ sns, sqs }, topicArn, name, {}, attributes)).url;
  }

  async function bodies(url: string): Promise<string[]> {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    return (Messages ?? []).map((m) => m.Body as string).sort();
  }

  test('delivers only the messages whose attributes match', async () => {
    const red = await filteredQueue('red', { colour: ['red'], size: [{ numeric: ['>', 5] }] });
    const publish = (message: string, colour: string, size: string) =>
      sns.send(
        new PublishCommand({
          TopicArn: topicArn,
          Message: message,
          MessageAttributes: {
            colour: { DataType: 'String', StringValue: colour },
            size: { DataType: 'Number', StringValue: size },
          },
        }),
      );
    await publish('big red', 'red', '10');
    await publish('small red', 'red', '2');
    await publish('big blue', 'blue', '10');
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'no attributes' }));
    assert.deepEqual(await bodies(red), ['big red']);
  });

  test('filters on the message body with FilterPolicyScope MessageBody', async () => {
    const shipped = await filteredQueue('shipped', { order: { status: [{ prefix: 'ship' }] } }, 'MessageBody');
    for (const status of ['shipped', 'shipping', 'cancelled']) {
      await sns.send(new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify({ order: { status } }) }));
    }
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'not json' }));
    assert.deepEqual(await bodies(shipped), ['{"order":{"status":"shipped"}}', '{"order":{"status":"shipping"}}']);
  });

  test('refuses a policy that is not JSON, with the Jackson text AWS gives', async () => {
    const queue = await createQueue(sqs, 'bad');
    const { SubscriptionArn } = await sns.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.arn }),
    );
    await assertSnsError(
      sns.send(
        new SetSubscriptionAttributesCommand({
          SubscriptionArn,
          AttributeName: 'FilterPolicy',
          AttributeValue: '{invalid json}',
        }),
      ),
      {
        code: 'InvalidParameter',
        status: 400,
        message:
          "Invalid parameter: FilterPolicy: failed to parse JSON. Unexpected character ('i' (code 105)): was expecting double-quote to start field name\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 2]",
      },
    );
  });
});
