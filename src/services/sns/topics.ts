/**
 * Topic operations: create (idempotent by name, attributes and tags), delete, attributes, list,
 * tags, permissions and the data protection policy.
 * https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html
 */
import { TagLimitExceededException } from '../../generated/sns/errors.js';
import type { SnsOperations } from '../../generated/sns/operations.js';
import type * as T from '../../generated/sns/types.js';
import type { RequestContext } from '../service-types.js';
import { checkArn, invalidParameter, invalidParameterReason, topicNotFound } from './errors.js';
import type { SnsState, Topic } from './state.js';
import {
  checkTopicAttribute,
  defaultTopicAttributes,
  defaultTopicPolicy,
  effectiveTopicDeliveryPolicy,
} from './topic-attributes.js';

/** 1 to 256 of [A-Za-z0-9_-]; a FIFO topic's name ends in `.fifo` (test_create_topic_name_constraints). */
const standardName = /^[A-Za-z0-9_-]{1,256}$/;
const fifoName = /^[A-Za-z0-9_-]{1,251}\.fifo$/;
const pageSize = 100;
/** https://docs.aws.amazon.com/general/latest/gr/sns.html: 50 tags per topic. */
const maxTags = 50;

export function topicArn(region: string, account: string, name: string): string {
  return `arn:aws:sns:${region}:${account}:${name}`;
}

/** The topic an ARN in a request names: InvalidParameter for a malformed ARN, NotFound for none. */
export function requireTopic(state: SnsState, ctx: RequestContext, arn: string, member = 'TopicArn'): Topic {
  checkArn(member, arn, ctx.region);
  const topic = state.topic(arn);
  if (!topic) throw topicNotFound();
  return topic;
}

function tagsOf(list: T.TagList | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const tag of list ?? []) {
    if (Object.hasOwn(tags, tag.Key)) throw invalidParameter('Duplicated keys are not allowed.');
    tags[tag.Key] = tag.Value;
  }
  return tags;
}

function checkTagCount(tags: Record<string, string>): void {
  if (Object.keys(tags).length > maxTags) {
    throw new TagLimitExceededException('Could not complete request: tag quota of per resource exceeded');
  }
}

export function topicOperations(state: SnsState) {
  return {
    createTopic(ctx, input) {
      const fifo = input.Attributes?.FifoTopic === 'true';
      if (!(fifo ? fifoName : standardName).test(input.Name)) throw invalidParameter('Topic Name');
      const arn = topicArn(ctx.region, ctx.account, input.Name);
      const given: Record<string, string> = {};
      for (const [name, value] of Object.entries(input.Attributes ?? {})) {
        given[name] = checkTopicAttribute(name, value, fifo, true);
      }
      const tags = tagsOf(input.Tags);
      const existing = state.topic(arn);
      if (existing) {
        // "If a topic with the same name exists, CreateTopic returns its ARN" only when what is
        // asked matches it (test_create_topic_different_attrs, test_create_duplicate_topic_with_more_tags).
        for (const [name, value] of Object.entries(given)) {
          if (name === 'FifoTopic') continue;
          if ((existing.attributes[name] ?? '') !== value) {
            throw invalidParameterReason('Attributes', 'Topic already exists with different attributes');
          }
        }
        for (const [key, value] of Object.entries(tags)) {
          if (existing.tags[key] !== value) {
            throw invalidParameterReason('Tags', 'Topic already exists with different tags');
          }
        }
        return { TopicArn: arn };
      }
      checkTagCount(tags);
      const attributes = { ...defaultTopicAttributes(fifo), ...given };
      delete attributes.FifoTopic;
      if (fifo) attributes.FifoTopic = 'true';
      if (!attributes.Policy) attributes.Policy = defaultTopicPolicy(arn, ctx.account);
      state.store.insertTopic({
        arn,
        account: ctx.account,
        region: ctx.region,
        name: input.Name,
        fifo: fifo ? 1 : 0,
        attributes: JSON.stringify(attributes),
        tags: JSON.stringify(tags),
        data_protection: input.DataProtectionPolicy ?? null,
        created_at: state.now(),
      });
      state.changedTopic(arn);
      return { TopicArn: arn };
    },

    deleteTopic(ctx, input) {
      checkArn('TopicArn', input.TopicArn, ctx.region);
      // Deleting a topic that does not exist succeeds (test_delete_topic_idempotency).
      if (!state.topic(input.TopicArn)) return;
      state.store.deleteTopic(input.TopicArn);
      state.changedTopic(input.TopicArn);
      return;
    },

    getTopicAttributes(ctx, input) {
      const topic = requireTopic(state, ctx, input.TopicArn);
      const counts = state.store.subscriptionCounts(topic.arn);
      const attributes: Record<string, string> = {
        ...topic.attributes,
        EffectiveDeliveryPolicy: effectiveTopicDeliveryPolicy(topic.attributes.DeliveryPolicy),
        Owner: topic.account,
        SubscriptionsConfirmed: String(counts.confirmed),
        SubscriptionsDeleted: '0',
        SubscriptionsPending: String(counts.pending),
        TopicArn: topic.arn,
      };
      return { Attributes: attributes };
    },

    setTopicAttributes(ctx, input) {
      const topic = requireTopic(state, ctx, input.TopicArn);
      const value = checkTopicAttribute(input.AttributeName, input.AttributeValue ?? '', topic.fifo, false);
      const attributes = { ...topic.attributes };
      // An empty DeliveryPolicy removes it (test_topic_delivery_policy_crud, "after-delete").
      if (value === '' && input.AttributeName !== 'DisplayName') delete attributes[input.AttributeName];
      else attributes[input.AttributeName] = value;
      if (input.AttributeName === 'Policy' && value === '') {
        attributes.Policy = defaultTopicPolicy(topic.arn, topic.account);
      }
      state.store.setTopicAttributes(topic.arn, JSON.stringify(attributes));
      state.changedTopic(topic.arn);
      return;
    },

    listTopics(ctx, input) {
      const after = input.NextToken ? Buffer.from(input.NextToken, 'base64url').toString('utf8') : '';
      const arns = state.store.listTopics(ctx.account, ctx.region, after, pageSize + 1);
      const out: T.ListTopicsResponse = { Topics: arns.slice(0, pageSize).map((TopicArn) => ({ TopicArn })) };
      if (arns.length > pageSize) {
        out.NextToken = Buffer.from(arns[pageSize - 1] as string, 'utf8').toString('base64url');
      }
      return out;
    },

    tagResource(ctx, input) {
      const topic = requireTopic(state, ctx, input.ResourceArn, 'ResourceArn');
      const tags = { ...topic.tags, ...tagsOf(input.Tags) };
      checkTagCount(tags);
      state.store.setTopicTags(topic.arn, JSON.stringify(tags));
      state.changedTopic(topic.arn);
      return {};
    },

    untagResource(ctx, input) {
      const topic = requireTopic(state, ctx, input.ResourceArn, 'ResourceArn');
      const tags = { ...topic.tags };
      for (const key of input.TagKeys) delete tags[key];
      state.store.setTopicTags(topic.arn, JSON.stringify(tags));
      state.changedTopic(topic.arn);
      return {};
    },

    listTagsForResource(ctx, input) {
      const topic = requireTopic(state, ctx, input.ResourceArn, 'ResourceArn');
      return { Tags: Object.entries(topic.tags).map(([Key, Value]) => ({ Key, Value })) };
    },

    addPermission(ctx, input) {
      const topic = requireTopic(state, ctx, input.TopicArn);
      const policy = JSON.parse(topic.attributes.Policy ?? defaultTopicPolicy(topic.arn, topic.account)) as {
        Statement: Array<Record<string, unknown>>;
      };
      if (policy.Statement.some((statement) => statement.Sid === input.Label)) {
        throw invalidParameter('Statement already exists');
      }
      const actions = input.ActionName.map((action) => {
        // test_add_permission_errors: an action that is not SNS's.
        if (action.includes(':') && !/^sns:/i.test(action)) {
          throw invalidParameter('Policy statement action out of service scope!');
        }
        return `SNS:${action.replace(/^sns:/i, '')}`;
      });
      policy.Statement.push({
        Sid: input.Label,
        Effect: 'Allow',
        Principal: { AWS: input.AWSAccountId.map((account) => `arn:aws:iam::${account}:root`) },
        Action: actions,
        Resource: topic.arn,
      });
      state.store.setTopicAttributes(
        topic.arn,
        JSON.stringify({ ...topic.attributes, Policy: JSON.stringify(policy) }),
      );
      state.changedTopic(topic.arn);
      return;
    },

    removePermission(ctx, input) {
      const topic = requireTopic(state, ctx, input.TopicArn);
      const policy = JSON.parse(topic.attributes.Policy ?? defaultTopicPolicy(topic.arn, topic.account)) as {
        Statement: Array<Record<string, unknown>>;
      };
      policy.Statement = policy.Statement.filter((statement) => statement.Sid !== input.Label);
      state.store.setTopicAttributes(
        topic.arn,
        JSON.stringify({ ...topic.attributes, Policy: JSON.stringify(policy) }),
      );
      state.changedTopic(topic.arn);
      return;
    },

    putDataProtectionPolicy(ctx, input) {
      const topic = requireTopic(state, ctx, input.ResourceArn, 'ResourceArn');
      try {
        JSON.parse(input.DataProtectionPolicy);
      } catch {
        throw invalidParameterReason('DataProtectionPolicy', 'failed to parse JSON');
      }
      state.store.setDataProtection(topic.arn, input.DataProtectionPolicy);
      state.changedTopic(topic.arn);
      return;
    },

    getDataProtectionPolicy(ctx, input) {
      const topic = requireTopic(state, ctx, input.ResourceArn, 'ResourceArn');
      return topic.row.data_protection ? { DataProtectionPolicy: topic.row.data_protection } : {};
    },
  } satisfies Partial<SnsOperations<RequestContext>>;
}
