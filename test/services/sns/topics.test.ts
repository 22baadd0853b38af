import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  AddPermissionCommand,
  CreateTopicCommand,
  DeleteTopicCommand,
  GetDataProtectionPolicyCommand,
  GetTopicAttributesCommand,
  ListTagsForResourceCommand,
  ListTopicsCommand,
  PutDataProtectionPolicyCommand,
  RemovePermissionCommand,
  SetTopicAttributesCommand,
  type SNSClient,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-sns';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { account, assertSnsError, createTopic, invalidParameter, snsFor } from './sns-helpers.js';

const notFound = { code: 'NotFound', status: 404, message: 'Topic does not exist' };

describe('SNS topics', () => {
  let cloud: NimbusCloud;
  let sns: SNSClient;
  before(async () => {
    cloud = await startCloud();
    sns = snsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  describe('CreateTopic', () => {
    test('returns an ARN of the region and account', async () => {
      const arn = await createTopic(sns, 'orders');
      assert.equal(arn, `arn:aws:sns:us-east-1:${account}:orders`);
    });

    test('returns the same ARN for the same name and attributes', async () => {
      const first = await createTopic(sns, 'orders', { DisplayName: 'Orders' });
      assert.equal(await createTopic(sns, 'orders', { DisplayName: 'Orders' }), first);
      assert.equal(await createTopic(sns, 'orders'), first);
    });

    test('refuses the same name with different attributes', async () => {
      await createTopic(sns, 'orders', { DisplayName: 'Orders' });
      await assertSnsError(
        sns.send(new CreateTopicCommand({ Name: 'orders', Attributes: { DisplayName: 'Other' } })),
        invalidParameter('Invalid parameter: Attributes Reason: Topic already exists with different attributes'),
      );
    });

    test('refuses the same name with different tags', async () => {
      await sns.send(new CreateTopicCommand({ Name: 'orders', Tags: [{ Key: 'a', Value: '1' }] }));
      await assertSnsError(
        sns.send(new CreateTopicCommand({ Name: 'orders', Tags: [{ Key: 'a', Value: '2' }] })),
        invalidParameter('Invalid parameter: Tags Reason: Topic already exists with different tags'),
      );
    });

    for (const name of ['', 'a'.repeat(257), 'has space', 'dot.name', 'name.fifo']) {
      test(`refuses the name ${JSON.stringify(name.slice(0, 20))} with "Invalid parameter: Topic Name"`, async () => {
        await assertSnsError(
          sns.send(new CreateTopicCommand({ Name: name })),
          invalidParameter('Invalid parameter: Topic Name'),
        );
      });
    }

    test('refuses a FIFO topic whose name lacks .fifo', async () => {
      await assertSnsError(
        sns.send(new CreateTopicCommand({ Name: 'orders', Attributes: { FifoTopic: 'true' } })),
        invalidParameter('Invalid parameter: Topic Name'),
      );
    });

    test('refuses an unknown attribute', async () => {
      await assertSnsError(
        sns.send(new CreateTopicCommand({ Name: 'orders', Attributes: { Colour: 'blue' } })),
        invalidParameter('Invalid parameter: AttributeName'),
      );
    });
  });

  describe('GetTopicAttributes', () => {
    test('gives a standard topic the attributes AWS gives it', async () => {
      const arn = await createTopic(sns, 'orders');
      const { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn: arn }));
      assert.deepEqual(Object.keys(Attributes ?? {}).sort(), [
        'DisplayName',
        'EffectiveDeliveryPolicy',
        'Owner',
        'Policy',
        'SubscriptionsConfirmed',
        'SubscriptionsDeleted',
        'SubscriptionsPending',
        'TopicArn',
      ]);
      assert.equal(Attributes?.DisplayName, '');
      assert.equal(Attributes?.Owner, account);
      assert.equal(Attributes?.SubscriptionsConfirmed, '0');
      const policy = JSON.parse(Attributes?.Policy as string);
      assert.equal(policy.Id, '__default_policy_ID');
      assert.equal(policy.Statement[0].Resource, arn);
      assert.deepEqual(policy.Statement[0].Condition, { StringEquals: { 'AWS:SourceOwner': account } });
      assert.deepEqual(JSON.parse(Attributes?.EffectiveDeliveryPolicy as string), {
        http: {
          defaultHealthyRetryPolicy: {
            minDelayTarget: 20,
            maxDelayTarget: 20,
            numRetries: 3,
            numMaxDelayRetries: 0,
            numNoDelayRetries: 0,
            numMinDelayRetries: 0,
            backoffFunction: 'linear',
          },
          disableSubscriptionOverrides: false,
          defaultRequestPolicy: { headerContentType: 'text/plain; charset=UTF-8' },
        },
      });
    });

    test('gives a FIFO topic FifoTopic and ContentBasedDeduplication', async () => {
      const arn = await createTopic(sns, 'orders.fifo', { FifoTopic: 'true', ContentBasedDeduplication: 'true' });
      const { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn: arn }));
      assert.equal(Attributes?.FifoTopic, 'true');
      assert.equal(Attributes?.ContentBasedDeduplication, 'true');
    });

    test('answers NotFound for a topic that does not exist', async () => {
      await assertSnsError(
        sns.send(new GetTopicAttributesCommand({ TopicArn: `arn:aws:sns:us-east-1:${account}:nothing` })),
        notFound,
      );
    });

    test('refuses a malformed ARN with the count of its parts', async () => {
      await assertSnsError(
        sns.send(new GetTopicAttributesCommand({ TopicArn: 'orders' })),
        invalidParameter('Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1'),
      );
    });

    test('refuses a topic of another region with "Invalid parameter: TopicArn"', async () => {
      await assertSnsError(
        sns.send(new GetTopicAttributesCommand({ TopicArn: `arn:aws:sns:eu-west-1:${account}:orders` })),
        invalidParameter('Invalid parameter: TopicArn'),
      );
    });
  });

  describe('SetTopicAttributes', () => {
    test('changes DisplayName and merges a DeliveryPolicy over the defaults', async () => {
      const arn = await createTopic(sns, 'orders');
      await sns.send(
        new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: 'DisplayName', AttributeValue: 'New' }),
      );
      const policy = { http: { defaultHealthyRetryPolicy: { minDelayTarget: 5, maxDelayTarget: 6, numRetries: 1 } } };
      await sns.send(
        new SetTopicAttributesCommand({
          TopicArn: arn,
          AttributeName: 'DeliveryPolicy',
          AttributeValue: JSON.stringify(policy),
        }),
      );
      const { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn: arn }));
      assert.equal(Attributes?.DisplayName, 'New');
      const effective = JSON.parse(Attributes?.EffectiveDeliveryPolicy as string);
      assert.deepEqual(effective.http.defaultHealthyRetryPolicy, {
        minDelayTarget: 5,
        maxDelayTarget: 6,
        numRetries: 1,
        numMaxDelayRetries: 0,
        numNoDelayRetries: 0,
        numMinDelayRetries: 0,
        backoffFunction: 'linear',
      });
    });

    test('refuses FifoTopic after creation', async () => {
      const arn = await createTopic(sns, 'orders');
      await assertSnsError(
        sns.send(new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: 'FifoTopic', AttributeValue: 'false' })),
        invalidParameter('Invalid parameter: AttributeName'),
      );
    });
  });

  describe('DeleteTopic', () => {
    test('deletes a topic, and succeeds again for a topic already gone', async () => {
      const arn = await createTopic(sns, 'orders');
      await sns.send(new DeleteTopicCommand({ TopicArn: arn }));
      await sns.send(new DeleteTopicCommand({ TopicArn: arn }));
      await assertSnsError(sns.send(new GetTopicAttributesCommand({ TopicArn: arn })), notFound);
    });
  });

  describe('ListTopics', () => {
    test('pages 100 topics at a time with NextToken, in the region only', async () => {
      for (let i = 0; i < 105; i++) await createTopic(sns, `topic-${String(i).padStart(3, '0')}`);
      await createTopic(snsFor(cloud, 'eu-west-1'), 'elsewhere');
      const first = await sns.send(new ListTopicsCommand({}));
      assert.equal(first.Topics?.length, 100);
      assert.ok(first.NextToken);
      const second = await sns.send(new ListTopicsCommand({ NextToken: first.NextToken }));
      assert.equal(second.Topics?.length, 5);
      assert.equal(second.NextToken, undefined);
      const all = [...(first.Topics ?? []), ...(second.Topics ?? [])].map((t) => t.TopicArn);
      assert.equal(new Set(all).size, 105);
    });
  });

  describe('tags', () => {
    test('adds, replaces and removes tags', async () => {
      const arn = await createTopic(sns, 'orders');
      await sns.send(
        new TagResourceCommand({
          ResourceArn: arn,
          Tags: [
            { Key: 'k1', Value: 'v1' },
            { Key: 'k2', Value: 'v2' },
          ],
        }),
      );
      await sns.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['k1'] }));
      await sns.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'k2', Value: 'v2b' }] }));
      const { Tags } = await sns.send(new ListTagsForResourceCommand({ ResourceArn: arn }));
      assert.deepEqual(Tags, [{ Key: 'k2', Value: 'v2b' }]);
    });

    test('refuses duplicated keys', async () => {
      const arn = await createTopic(sns, 'orders');
      await assertSnsError(
        sns.send(
          new TagResourceCommand({
            ResourceArn: arn,
            Tags: [
              { Key: 'k', Value: '1' },
              { Key: 'k', Value: '2' },
            ],
          }),
        ),
        invalidParameter('Invalid parameter: Duplicated keys are not allowed.'),
      );
    });
  });

  describe('AddPermission and RemovePermission', () => {
    test('adds a statement to the policy and removes it by label', async () => {
      const arn = await createTopic(sns, 'orders');
      await sns.send(
        new AddPermissionCommand({
          TopicArn: arn,
          Label: 'p1',
          AWSAccountId: ['222222222222'],
          ActionName: ['Publish'],
        }),
      );
      let { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn: arn }));
      let statements = JSON.parse(Attributes?.Policy as string).Statement;
      assert.equal(statements.length, 2);
      assert.deepEqual(statements[1].Action, ['SNS:Publish']);
      await assertSnsError(
        sns.send(
          new AddPermissionCommand({
            TopicArn: arn,
            Label: 'p1',
            AWSAccountId: ['222222222222'],
            ActionName: ['Publish'],
          }),
        ),
        invalidParameter('Invalid parameter: Statement already exists'),
      );
      await sns.send(new RemovePermissionCommand({ TopicArn: arn, Label: 'p1' }));
      ({ Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn: arn })));
      statements = JSON.parse(Attributes?.Policy as string).Statement;
      assert.equal(statements.length, 1);
    });
  });

  describe('data protection policy', () => {
    test('keeps the policy it was given', async () => {
      const arn = await createTopic(sns, 'orders');
      const policy = JSON.stringify({ Name: 'p', Version: '2021-06-01', Statement: [] });
      await sns.send(new PutDataProtectionPolicyCommand({ ResourceArn: arn, DataProtectionPolicy: policy }));
      const out = await sns.send(new GetDataProtectionPolicyCommand({ ResourceArn: arn }));
      assert.equal(out.DataProtectionPolicy, policy);
    });
  });
});
