/**
 * SNS and DynamoDB through the real AWS CLI v2 (2.9, Debian). Each CLI call costs ~0.7 s: the suite
 * keeps to a handful. Expected texts are AWS's (shared/aws-reference/recorded-responses).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../helpers/cloud.js';
import { awsCliJson, skipAwsCli } from './tools.js';

describe('AWS CLI: SNS and DynamoDB', { skip: skipAwsCli }, () => {
  let cloud: NimbusCloud;
  before(async () => {
    cloud = await startCloud();
  });
  after(() => cloud.stop());

  const cli = (...args: string[]) => awsCliJson(cloud.endpoint, args);

  test('sns create-topic, subscribe and publish reach an SMS record; a bad ARN is AWS’s error', async () => {
    const topic = await cli('sns', 'create-topic', '--name', 'cli-topic');
    assert.equal(topic.status, 0, topic.stderr);
    const arn = topic.json.TopicArn as string;
    const subscribed = await cli(
      'sns',
      'subscribe',
      '--topic-arn',
      arn,
      '--protocol',
      'sms',
      '--notification-endpoint',
      '+15551234567',
    );
    assert.equal(subscribed.status, 0, subscribed.stderr);
    const published = await cli('sns', 'publish', '--topic-arn', arn, '--message', 'from the cli');
    assert.equal(published.status, 0, published.stderr);
    const kept = (await (await fetch(`${cloud.endpoint}/_aws/sns/sms-messages`)).json()) as {
      sms_messages: Record<string, Array<{ Message: string }>>;
    };
    assert.equal(kept.sms_messages['+15551234567']?.[0]?.Message, 'from the cli');
    const bad = await cli('sns', 'get-topic-attributes', '--topic-arn', 'nope');
    assert.notEqual(bad.status, 0);
    assert.match(
      bad.stderr,
      /\(InvalidParameter\) when calling the GetTopicAttributes operation: Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1/,
    );
  });

  test('dynamodb create-table, put-item and get-item round-trip an item', async () => {
    const created = await cli(
      'dynamodb',
      'create-table',
      '--table-name',
      'cli-table',
      '--billing-mode',
      'PAY_PER_REQUEST',
      '--key-schema',
      'AttributeName=id,KeyType=HASH',
      '--attribute-definitions',
      'AttributeName=id,AttributeType=S',
    );
    assert.equal(created.status, 0, created.stderr);
    const put = await cli(
      'dynamodb',
      'put-item',
      '--table-name',
      'cli-table',
      '--item',
      '{"id": {"S": "a"}, "n": {"N": "1.50"}}',
    );
    assert.equal(put.status, 0, put.stderr);
    const got = await cli('dynamodb', 'get-item', '--table-name', 'cli-table', '--key', '{"id": {"S": "a"}}');
    assert.equal(got.status, 0, got.stderr);
    assert.deepEqual(got.json.Item, { id: { S: 'a' }, n: { N: '1.5' } });
  });
});
