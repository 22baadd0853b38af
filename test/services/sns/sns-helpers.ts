/** Shared pieces of the SNS tests: clients per account, topic and queue set-up, exact error assertions. */
import assert from 'node:assert/strict';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig } from '../../helpers/cloud.js';

export const account = '111111111111';

/** An SNS client acting as the root of an account (a 12-digit access key id names its account). */
export function snsFor(cloud: NimbusCloud, region = 'us-east-1', accessKeyId = account): SNSClient {
  return new SNSClient(clientConfig(cloud, { accessKeyId, region }));
}

export function sqsFor(cloud: NimbusCloud, region = 'us-east-1', accessKeyId = account): SQSClient {
  return new SQSClient(clientConfig(cloud, { accessKeyId, region }));
}

export async function createTopic(sns: SNSClient, name: string, attributes?: Record<string, string>): Promise<string> {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name, Attributes: attributes }));
  assert.ok(TopicArn);
  return TopicArn;
}

/** A queue and its ARN. */
export async function createQueue(
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string> = {},
): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  assert.ok(QueueUrl);
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl, arn: Attributes?.QueueArn as string };
}

/** A new queue subscribed to a topic, with its subscription's ARN. */
export async function subscribedQueue(
  clients: { sns: SNSClient; sqs: SQSClient },
  topicArn: string,
  name: string,
  queueAttributes: Record<string, string> = {},
  subscriptionAttributes?: Record<string, string>,
): Promise<{ url: string; arn: string; subscriptionArn: string }> {
  const queue = await createQueue(clients.sqs, name, queueAttributes);
  const { SubscriptionArn } = await clients.sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queue.arn,
      Attributes: subscriptionAttributes,
    }),
  );
  return { ...queue, subscriptionArn: SubscriptionArn as string };
}

export interface SnsError extends Error {
  $metadata: { httpStatusCode?: number };
  Code?: string;
  Type?: string;
}

export async function rejection(promise: Promise<unknown>): Promise<SnsError> {
  try {
    await promise;
  } catch (error) {
    return error as SnsError;
  }
  assert.fail('expected the call to fail');
}

/**
 * Asserts an SNS error as AWS gives it: the query code (`InvalidParameter`, `NotFound`), the
 * HTTP status and the message, exactly.
 */
export async function assertSnsError(
  promise: Promise<unknown>,
  expected: { code: string; status: number; message: string },
): Promise<void> {
  const error = await rejection(promise);
  assert.equal(error.message, expected.message);
  assert.equal(error.$metadata.httpStatusCode, expected.status);
  assert.equal(error.Code ?? error.name, expected.code);
}

export function invalidParameter(message: string) {
  return { code: 'InvalidParameter', status: 400, message };
}
