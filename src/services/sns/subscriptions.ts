/**
 * Subscription operations: subscribe (idempotent by topic, protocol and endpoint), confirm,
 * unsubscribe, list, attributes.
 * https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html
 *
 * SQS, Lambda, SMS, mobile push and Firehose subscriptions are confirmed at once; HTTP(S) and
 * email ones wait for ConfirmSubscription with the token SNS sends them (a real POST to an HTTP
 * endpoint; for email, a kept message listed at /_nimbus/sns and by
 * /_aws/sns/subscription-tokens/{arn}).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { InvalidParameterException } from '../../generated/sns/errors.js';
import type { SnsOperations } from '../../generated/sns/operations.js';
import type * as T from '../../generated/sns/types.js';
import type { RequestContext } from '../service-types.js';
import { parseQueueArn } from '../sqs/state.js';
import { confirmationMessage } from './envelope.js';
import { checkArn, invalidParameter, invalidParameterReason, subscriptionNotFound } from './errors.js';
import { isValidPhoneNumber, platformEndpoint } from './platform.js';
import type { SnsState, Subscription, Topic } from './state.js';
import type { SubscriptionRow } from './store.js';
import {
  AttributeProblem,
  checkSubscribeAttributes,
  checkSubscriptionAttribute,
  isSettableSubscriptionAttribute,
} from './subscription-attributes.js';
import { effectiveSubscriptionDeliveryPolicy } from './topic-attributes.js';
import { requireTopic } from './topics.js';

const protocols = new Set(['http', 'https', 'email', 'email-json', 'sms', 'sqs', 'application', 'lambda', 'firehose']);
const needsConfirmation = new Set(['http', 'https', 'email', 'email-json']);
const pageSize = 100;

/** Checks an endpoint for its protocol, with AWS's messages (test_subscribe_*, TestSNSSubscriptionCrudV2). */
function checkEndpoint(state: SnsState, topic: Topic, protocol: string, endpoint: string): string {
  switch (protocol) {
    case 'sqs': {
      const queue = parseQueueArn(endpoint);
      if (!queue) throw invalidParameter('SQS endpoint ARN');
      if (queue.name.endsWith('.fifo') && !topic.fifo) {
        // The doubled prefix is AWS's (test_validations_for_fifo, "not-fifo-topic").
        throw invalidParameter(
          'Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics',
        );
      }
      return endpoint;
    }
    case 'http':
    case 'https':
      if (!endpoint.toLowerCase().startsWith(`${protocol}://`)) {
        throw invalidParameter('Endpoint must match the specified protocol');
      }
      return endpoint;
    case 'email':
    case 'email-json':
      if (!/^[^@\s]+@[^@\s]+$/.test(endpoint)) throw invalidParameter('Email address');
      return endpoint;
    case 'sms':
      // test_subscribe_invalid_sms: "Invalid SMS endpoint: <endpoint>", with InvalidParameter's code.
      if (!isValidPhoneNumber(endpoint)) throw new InvalidParameterException(`Invalid SMS endpoint: ${endpoint}`);
      return endpoint;
    case 'lambda':
      if (!/^arn:aws[\w-]*:lambda:[a-z0-9-]+:\d{12}:function:[\w-]+(:[\w$-]+)?$/.test(endpoint)) {
        throw invalidParameter('Lambda endpoint ARN');
      }
      return endpoint;
    case 'application':
      if (!platformEndpoint(state, endpoint)) throw invalidParameter('Endpoint ARN');
      return endpoint;
    case 'firehose':
      if (!/^arn:aws[\w-]*:firehose:[a-z0-9-]+:\d{12}:deliverystream\/[\w.-]+$/.test(endpoint)) {
        throw invalidParameter('Firehose endpoint ARN');
      }
      return endpoint;
    default:
      return endpoint;
  }
}

/** A 128-byte token in hex, as long as AWS's. */
function newToken(): string {
  return randomBytes(64).toString('hex');
}

function subscriptionAttributes(state: SnsState, subscription: Subscription): Record<string, string> {
  const row = subscription.row;
  const out: Record<string, string> = {
    ConfirmationWasAuthenticated: subscription.attributes.ConfirmationWasAuthenticated ?? 'true',
    Endpoint: row.endpoint,
    Owner: row.owner,
    PendingConfirmation: subscription.pending ? 'true' : 'false',
    Protocol: row.protocol,
    RawMessageDelivery: subscription.raw ? 'true' : 'false',
    SubscriptionArn: row.arn,
    SubscriptionPrincipal: row.principal,
    TopicArn: row.topic_arn,
  };
  for (const [name, value] of Object.entries(subscription.attributes)) {
    if (name === 'ConfirmationWasAuthenticated' || name === 'RawMessageDelivery') continue;
    out[name] = value;
  }
  if (out.FilterPolicy && !out.FilterPolicyScope) out.FilterPolicyScope = 'MessageAttributes';
  if (row.protocol === 'http' || row.protocol === 'https') {
    const topic = state.topic(row.topic_arn);
    out.EffectiveDeliveryPolicy = effectiveSubscriptionDeliveryPolicy(
      topic?.attributes.DeliveryPolicy,
      subscription.attributes.DeliveryPolicy,
    ).text;
  }
  return out;
}

function listed(row: SubscriptionRow): T.Subscription {
  return {
    SubscriptionArn: row.pending === 1 ? 'PendingConfirmation' : row.arn,
    Owner: row.owner,
    Protocol: row.protocol,
    Endpoint: row.endpoint,
    TopicArn: row.topic_arn,
  };
}

function pageToken(id: number): string {
  return Buffer.from(String(id), 'utf8').toString('base64url');
}

function afterToken(token: string | undefined): number {
  if (!token) return 0;
  const id = Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isInteger(id) || id < 0) throw invalidParameter('NextToken');
  return id;
}

/**
 * POSTs a (un)subscription confirmation to an HTTP(S) endpoint: text/plain whatever the delivery
 * policy says (test_subscribe_external_http_endpoint_content_type).
 */
function postConfirmation(
  state: SnsState,
  topic: Topic,
  row: Pick<SubscriptionRow, 'arn' | 'endpoint'>,
  message: Record<string, string>,
): void {
  state.queueOutbox({
    subscription_arn: row.arn,
    topic_arn: topic.arn,
    endpoint: row.endpoint,
    message_type: message.Type as string,
    message_id: message.MessageId as string,
    body: JSON.stringify(message),
    content_type: 'text/plain; charset=UTF-8',
  });
}

/** Sends (HTTP) or keeps (email) the SubscriptionConfirmation of a pending subscription. */
function requestConfirmation(
  state: SnsState,
  ctx: RequestContext,
  topic: Topic,
  row: Omit<SubscriptionRow, 'id'>,
): void {
  const message = confirmationMessage(state, state.baseUrl(ctx), topic, {
    type: 'SubscriptionConfirmation',
    token: row.token as string,
    subscriptionArn: row.arn,
  });
  if (row.protocol === 'http' || row.protocol === 'https') {
    postConfirmation(state, topic, row, message);
  } else {
    state.store.record(
      ctx.account,
      ctx.region,
      'email',
      row.endpoint,
      { ...message, SubscriptionArn: row.arn },
      state.now(),
    );
  }
}

export function subscriptionOperations(state: SnsState) {
  function requireSubscription(ctx: RequestContext, arn: string): Subscription {
    checkArn('SubscriptionArn', arn, ctx.region);
    const row = state.store.subscription(arn);
    if (!row) throw subscriptionNotFound();
    return state.parseSubscription(row);
  }

  return {
    subscribe(ctx, input) {
      const topic = requireTopic(state, ctx, input.TopicArn);
      const protocol = input.Protocol;
      if (!protocols.has(protocol)) {
        throw invalidParameter(`Amazon SNS does not support this protocol string: ${protocol}`);
      }
      const endpoint = checkEndpoint(state, topic, protocol, input.Endpoint ?? '');
      let attributes: Record<string, string>;
      try {
        attributes = checkSubscribeAttributes(input.Attributes ?? {}, { fifoTopic: topic.fifo, protocol });
      } catch (error) {
        if (error instanceof AttributeProblem) throw invalidParameterReason('Attributes', error.message);
        throw error;
      }
      if (protocol === 'firehose' && !attributes.SubscriptionRoleArn) {
        throw invalidParameterReason('Attributes', 'Firehose subscriptions require a SubscriptionRoleArn attribute');
      }
      const existing = state.subscriptionsOf(topic.arn).find((s) => s.protocol === protocol && s.endpoint === endpoint);
      if (existing) {
        // Same endpoint again: its ARN, unless an attribute differs (test_subscribe_idempotency).
        for (const [name, value] of Object.entries(attributes)) {
          if ((existing.attributes[name] ?? (name === 'RawMessageDelivery' ? 'false' : '')) !== value) {
            throw invalidParameterReason('Attributes', 'Subscription already exists with different attributes');
          }
        }
        return {
          SubscriptionArn: existing.pending && !input.ReturnSubscriptionArn ? 'pending confirmation' : existing.arn,
        };
      }
      const pending = needsConfirmation.has(protocol);
      const row: Omit<SubscriptionRow, 'id'> = {
        arn: `${topic.arn}:${randomUUID()}`,
        topic_arn: topic.arn,
        account: ctx.account,
        region: ctx.region,
        protocol,
        endpoint,
        owner: ctx.account,
        principal: ctx.caller.arn,
        attributes: JSON.stringify({ ...attributes, ConfirmationWasAuthenticated: pending ? 'false' : 'true' }),
        pending: pending ? 1 : 0,
        token: pending ? newToken() : null,
        created_at: state.now(),
      };
      state.store.insertSubscription(row);
      state.changedTopic(topic.arn);
      if (pending) requestConfirmation(state, ctx, topic, row);
      return { SubscriptionArn: pending && !input.ReturnSubscriptionArn ? 'pending confirmation' : row.arn };
    },

    confirmSubscription(ctx, input) {
      // test_sns_confirm_subscription_wrong_token, test_subscribe_external_http_endpoint: a bad topic
      // ARN is "Invalid parameter: Topic"; a malformed token "Invalid token"; an unknown one
      // "Invalid parameter: Token".
      const parts = input.TopicArn.split(':');
      // The SubscribeURL is opened unsigned (a browser, curl): its region is the topic's own.
      const region = ctx.caller.accessKeyId ? ctx.region : parts[3];
      if (parts.length < 6 || parts[0] !== 'arn' || parts[2] !== 'sns' || parts[3] !== region) {
        throw invalidParameter('Topic');
      }
      if (!state.topic(input.TopicArn)) throw invalidParameter('Token');
      if (!/^[0-9a-f]{32,}$/.test(input.Token)) throw new InvalidParameterException('Invalid token');
      const row = state.store.subscriptionByToken(input.Token);
      if (!row || row.topic_arn !== input.TopicArn) throw invalidParameter('Token');
      if (row.pending === 1) {
        state.store.confirmSubscription(row.arn);
        const attributes = JSON.parse(row.attributes) as Record<string, string>;
        attributes.ConfirmationWasAuthenticated = ctx.caller.accessKeyId ? 'true' : 'false';
        if (input.AuthenticateOnUnsubscribe === 'true') attributes.AuthenticateOnUnsubscribe = 'true';
        state.store.setSubscriptionAttributes(row.arn, JSON.stringify(attributes));
        state.changedTopic(row.topic_arn);
      }
      return { SubscriptionArn: row.arn };
    },

    unsubscribe(ctx, input) {
      // The UnsubscribeURL is opened unsigned: any region's subscription may be named.
      checkArn('SubscriptionArn', input.SubscriptionArn, ctx.caller.accessKeyId ? ctx.region : undefined);
      const row = state.store.subscription(input.SubscriptionArn);
      // Unsubscribing twice, or from nothing, succeeds (test_unsubscribe_idempotency).
      if (!row) return;
      state.store.deleteSubscription(row.arn);
      state.changedTopic(row.topic_arn);
      const topic = state.topic(row.topic_arn);
      if (topic && row.pending === 0 && (row.protocol === 'http' || row.protocol === 'https')) {
        // An HTTP endpoint hears that it was unsubscribed, with a token to subscribe again
        // (test_subscribe_external_http_endpoint, "unsubscribe-request").
        const message = confirmationMessage(state, state.baseUrl(ctx), topic, {
          type: 'UnsubscribeConfirmation',
          token: newToken(),
          subscriptionArn: row.arn,
        });
        postConfirmation(state, topic, row, message);
      }
      return;
    },

    listSubscriptions(ctx, input) {
      const rows = state.store.listSubscriptions(
        { account: ctx.account, region: ctx.region },
        afterToken(input.NextToken),
        pageSize + 1,
      );
      const out: T.ListSubscriptionsResponse = { Subscriptions: rows.slice(0, pageSize).map(listed) };
      if (rows.length > pageSize) out.NextToken = pageToken((rows[pageSize - 1] as SubscriptionRow).id);
      return out;
    },

    listSubscriptionsByTopic(ctx, input) {
      const topic = requireTopic(state, ctx, input.TopicArn);
      const rows = state.store.listSubscriptions({ topicArn: topic.arn }, afterToken(input.NextToken), pageSize + 1);
      const out: T.ListSubscriptionsByTopicResponse = { Subscriptions: rows.slice(0, pageSize).map(listed) };
      if (rows.length > pageSize) out.NextToken = pageToken((rows[pageSize - 1] as SubscriptionRow).id);
      return out;
    },

    getSubscriptionAttributes(ctx, input) {
      const subscription = requireSubscription(ctx, input.SubscriptionArn);
      return { Attributes: subscriptionAttributes(state, subscription) };
    },

    setSubscriptionAttributes(ctx, input) {
      const subscription = requireSubscription(ctx, input.SubscriptionArn);
      if (!isSettableSubscriptionAttribute(input.AttributeName)) throw invalidParameter('AttributeName');
      const topic = state.topic(subscription.topicArn);
      const attributes = { ...subscription.attributes };
      const value = input.AttributeValue ?? '';
      try {
        const checked = checkSubscriptionAttribute(
          input.AttributeName,
          value,
          { ...attributes, [input.AttributeName]: value },
          { fifoTopic: topic?.fifo ?? false, protocol: subscription.protocol },
        );
        if (checked === '') delete attributes[input.AttributeName];
        else attributes[input.AttributeName] = checked;
        // A new scope must suit the policy already set.
        if (input.AttributeName === 'FilterPolicyScope' && attributes.FilterPolicy) {
          checkSubscriptionAttribute('FilterPolicy', attributes.FilterPolicy, attributes, {
            fifoTopic: topic?.fifo ?? false,
            protocol: subscription.protocol,
          });
        }
      } catch (error) {
        if (error instanceof AttributeProblem) throw invalidParameter(error.message);
        throw error;
      }
      state.store.setSubscriptionAttributes(subscription.arn, JSON.stringify(attributes));
      state.changedTopic(subscription.topicArn);
      return;
    },
  } satisfies Partial<SnsOperations<RequestContext>>;
}
