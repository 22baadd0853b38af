/**
 * Topic attributes: which can be set, their checks, and the ones SNS derives (Owner, Policy,
 * EffectiveDeliveryPolicy, subscription counts).
 * https://docs.aws.amazon.com/sns/latest/api/API_SetTopicAttributes.html
 */
import { invalidParameter, invalidParameterReason } from './errors.js';

/** The feedback (delivery status logging) attributes, one set per protocol. */
const feedbackAttributes = ['Application', 'Firehose', 'HTTP', 'Lambda', 'SQS'].flatMap((protocol) => [
  `${protocol}SuccessFeedbackRoleArn`,
  `${protocol}SuccessFeedbackSampleRate`,
  `${protocol}FailureFeedbackRoleArn`,
]);

const settable = new Set([
  'DeliveryPolicy',
  'DisplayName',
  'Policy',
  'KmsMasterKeyId',
  'SignatureVersion',
  'TracingConfig',
  'ContentBasedDeduplication',
  'ArchivePolicy',
  'FifoThroughputScope',
  ...feedbackAttributes,
]);

/** What AWS writes for DisplayName (always present, empty when unset) and the other defaults. */
export function defaultTopicAttributes(fifo: boolean): Record<string, string> {
  return fifo ? { DisplayName: '', FifoTopic: 'true', ContentBasedDeduplication: 'false' } : { DisplayName: '' };
}

/**
 * Checks one attribute a client sets, at creation (`creating`) or later. FifoTopic can only be
 * given at creation ("Invalid parameter: AttributeName", test_topic_get_attributes_with_fifo_false).
 */
export function checkTopicAttribute(name: string, value: string, fifo: boolean, creating: boolean): string {
  if (name === 'FifoTopic') {
    if (!creating) throw invalidParameter('AttributeName');
    return value;
  }
  if (!settable.has(name)) throw invalidParameter('AttributeName');
  switch (name) {
    case 'DisplayName':
      if (value.length > 100) throw invalidParameter('DisplayName');
      return value;
    case 'SignatureVersion':
      if (value !== '1' && value !== '2') throw invalidParameterReason('SignatureVersion', 'must be 1 or 2');
      return value;
    case 'TracingConfig':
      if (value !== 'PassThrough' && value !== 'Active') {
        throw invalidParameterReason('TracingConfig', 'must be PassThrough or Active');
      }
      return value;
    case 'ContentBasedDeduplication':
      if (!fifo) {
        throw invalidParameterReason(
          'ContentBasedDeduplication',
          'Content based deduplication can only be set for FIFO topics',
        );
      }
      if (value !== 'true' && value !== 'false') throw invalidParameter('ContentBasedDeduplication');
      return value;
    case 'FifoThroughputScope':
    case 'ArchivePolicy':
      if (!fifo) throw invalidParameter('AttributeName');
      return value;
    case 'Policy':
    case 'DeliveryPolicy':
      if (value === '') return value;
      try {
        const parsed: unknown = JSON.parse(value);
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      } catch {
        throw invalidParameterReason(name, 'failed to parse JSON');
      }
      return value;
    default:
      return value;
  }
}

/** The policy a topic is created with. The shape is AWS's (test_create_topic_with_attributes). */
export function defaultTopicPolicy(arn: string, account: string): string {
  return JSON.stringify({
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [
      {
        Sid: '__default_statement_ID',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: [
          'SNS:GetTopicAttributes',
          'SNS:SetTopicAttributes',
          'SNS:AddPermission',
          'SNS:RemovePermission',
          'SNS:DeleteTopic',
          'SNS:Subscribe',
          'SNS:ListSubscriptionsByTopic',
          'SNS:Publish',
        ],
        Resource: arn,
        Condition: { StringEquals: { 'AWS:SourceOwner': account } },
      },
    ],
  });
}

export interface HealthyRetryPolicy {
  minDelayTarget: number;
  maxDelayTarget: number;
  numRetries: number;
  numMaxDelayRetries: number;
  numNoDelayRetries: number;
  numMinDelayRetries: number;
  backoffFunction: string;
}

/** The HTTP delivery policy AWS applies when none is set (EffectiveDeliveryPolicy in every recording). */
const defaultHealthyRetryPolicy: HealthyRetryPolicy = {
  minDelayTarget: 20,
  maxDelayTarget: 20,
  numRetries: 3,
  numMaxDelayRetries: 0,
  numNoDelayRetries: 0,
  numMinDelayRetries: 0,
  backoffFunction: 'linear',
};

interface HttpDeliveryPolicy {
  defaultHealthyRetryPolicy?: Partial<HealthyRetryPolicy>;
  disableSubscriptionOverrides?: boolean;
  defaultRequestPolicy?: { headerContentType?: string };
  healthyRetryPolicy?: Partial<HealthyRetryPolicy>;
  requestPolicy?: { headerContentType?: string };
}

function parsePolicy(text: string | undefined): { http?: HttpDeliveryPolicy } & HttpDeliveryPolicy {
  if (!text) return {};
  try {
    return JSON.parse(text) as { http?: HttpDeliveryPolicy };
  } catch {
    return {};
  }
}

/**
 * The topic's EffectiveDeliveryPolicy: its DeliveryPolicy's http part over the defaults, member
 * by member (test_topic_delivery_policy_crud: a policy with only three retry members gets the
 * rest of the defaults, and the default request policy).
 */
export function effectiveTopicDeliveryPolicy(deliveryPolicy: string | undefined): string {
  const http = parsePolicy(deliveryPolicy).http ?? {};
  return JSON.stringify({
    http: {
      defaultHealthyRetryPolicy: { ...defaultHealthyRetryPolicy, ...http.defaultHealthyRetryPolicy },
      disableSubscriptionOverrides: http.disableSubscriptionOverrides ?? false,
      defaultRequestPolicy: {
        headerContentType: http.defaultRequestPolicy?.headerContentType ?? 'text/plain; charset=UTF-8',
      },
    },
  });
}

/**
 * A subscription's EffectiveDeliveryPolicy: its own DeliveryPolicy (healthyRetryPolicy,
 * requestPolicy) over the topic's, over the defaults.
 */
export function effectiveSubscriptionDeliveryPolicy(
  topicPolicy: string | undefined,
  subscriptionPolicy: string | undefined,
): { healthyRetryPolicy: HealthyRetryPolicy; contentType: string; text: string } {
  const topic = parsePolicy(topicPolicy).http ?? {};
  const own = parsePolicy(subscriptionPolicy);
  const overrides = topic.disableSubscriptionOverrides ? {} : own;
  const healthyRetryPolicy = {
    ...defaultHealthyRetryPolicy,
    ...topic.defaultHealthyRetryPolicy,
    ...overrides.healthyRetryPolicy,
  };
  const contentType =
    overrides.requestPolicy?.headerContentType ??
    topic.defaultRequestPolicy?.headerContentType ??
    'text/plain; charset=UTF-8';
  const text = JSON.stringify({
    healthyRetryPolicy,
    sicklyRetryPolicy: null,
    throttlePolicy: null,
    requestPolicy: { headerContentType: contentType },
    guaranteed: false,
  });
  return { healthyRetryPolicy, contentType, text };
}
