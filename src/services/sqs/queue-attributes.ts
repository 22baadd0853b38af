/**
 * Queue attributes: which exist, their defaults and ranges, the checks AWS makes when they are
 * set, and how GetQueueAttributes reports them. Values travel as strings, as on the wire.
 *
 * Defaults and ranges: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
 * (MaximumMessageSize up to 1 MiB since August 2025). Reported defaults, SqsManagedSseEnabled
 * "true" included: shared/aws-reference/recorded-responses/services/sqs/test_sqs.snapshot.json
 * (test_set_queue_attributes_default_values).
 */
import type * as T from '../../generated/sqs/types.js';
import { invalidAttributeName, invalidAttributeValue } from './errors.js';

export type QueueAttributes = Record<string, string>;

interface NumberRule {
  min: number;
  max: number;
}

/** Integer attributes and their ranges. */
const integerRules: Record<string, NumberRule> = {
  DelaySeconds: { min: 0, max: 900 },
  MaximumMessageSize: { min: 1024, max: 1_048_576 },
  MessageRetentionPeriod: { min: 60, max: 1_209_600 },
  ReceiveMessageWaitTimeSeconds: { min: 0, max: 20 },
  VisibilityTimeout: { min: 0, max: 43_200 },
  KmsDataKeyReusePeriodSeconds: { min: 60, max: 86_400 },
};

const enumRules: Record<string, readonly string[]> = {
  DeduplicationScope: ['messageGroup', 'queue'],
  FifoThroughputLimit: ['perQueue', 'perMessageGroupId'],
};

const booleanAttributes = new Set(['FifoQueue', 'ContentBasedDeduplication', 'SqsManagedSseEnabled']);
const fifoOnly = new Set(['FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit']);
const jsonAttributes = new Set(['Policy', 'RedrivePolicy', 'RedriveAllowPolicy']);

/** What every queue has unless set otherwise. */
const standardDefaults: QueueAttributes = {
  DelaySeconds: '0',
  MaximumMessageSize: '1048576',
  MessageRetentionPeriod: '345600',
  ReceiveMessageWaitTimeSeconds: '0',
  VisibilityTimeout: '30',
  SqsManagedSseEnabled: 'true',
};

const fifoDefaults: QueueAttributes = {
  ...standardDefaults,
  FifoQueue: 'true',
  ContentBasedDeduplication: 'false',
  DeduplicationScope: 'queue',
  FifoThroughputLimit: 'perQueue',
};

/** The attributes a request may set (CreateQueue, SetQueueAttributes). */
export const settableAttributes = new Set([
  ...Object.keys(integerRules),
  ...booleanAttributes,
  ...Object.keys(enumRules),
  ...jsonAttributes,
  'KmsMasterKeyId',
]);

/** The attributes that only GetQueueAttributes reports. */
const derivedAttributes = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesDelayed',
  'ApproximateNumberOfMessagesNotVisible',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
] as const;

export const readableAttributes = new Set<string>([...settableAttributes, ...derivedAttributes, 'All']);

export function defaultAttributes(fifo: boolean): QueueAttributes {
  return { ...(fifo ? fifoDefaults : standardDefaults) };
}

/**
 * Checks attributes a request sets and returns them normalised (`"true"`/`"false"`, integers
 * without leading zeros). `creating` is CreateQueue, where FifoQueue may be given; later it
 * cannot change. Cross-attribute rules (SSE, redrive targets) are checked by the callers.
 */
export function checkSettableAttributes(
  given: T.QueueAttributeMap | undefined,
  fifo: boolean,
  creating: boolean,
): QueueAttributes {
  const out: QueueAttributes = {};
  for (const [name, raw] of Object.entries(given ?? {})) {
    const value = String(raw);
    if (!settableAttributes.has(name)) throw invalidAttributeName(`Unknown Attribute ${name}.`);
    if (fifoOnly.has(name) && !fifo) {
      if (name === 'DeduplicationScope' || name === 'FifoThroughputLimit') {
        throw invalidAttributeName(`You can specify the ${name} only when FifoQueue is set to true.`);
      }
      throw invalidAttributeName(`Unknown Attribute ${name}.`);
    }
    // On a FIFO queue, FifoQueue=true changes nothing; false would change its type
    // (test_set_unsupported_attribute_fifo: the `true` call succeeds, the `false` one fails).
    if (name === 'FifoQueue' && !creating && value.toLowerCase() !== 'true') {
      throw invalidAttributeValue(
        `Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.`,
      );
    }
    const integer = integerRules[name];
    if (integer) {
      const number = /^[+-]?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
      if (!Number.isInteger(number) || number < integer.min || number > integer.max) {
        throw invalidAttributeValue(`Invalid value for the parameter ${name}.`);
      }
      out[name] = String(number);
      continue;
    }
    if (booleanAttributes.has(name)) {
      const lower = value.toLowerCase();
      if (lower !== 'true' && lower !== 'false')
        throw invalidAttributeValue(`Invalid value for the parameter ${name}.`);
      out[name] = lower;
      continue;
    }
    const allowed = enumRules[name];
    if (allowed && !allowed.includes(value)) throw invalidAttributeValue(`Invalid value for the parameter ${name}.`);
    if (name === 'Policy' && value !== '') checkPolicy(value);
    out[name] = value;
  }
  return out;
}

function checkPolicy(value: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw invalidAttributeValue('Invalid value for the parameter Policy.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidAttributeValue('Invalid value for the parameter Policy.');
  }
}

/**
 * Applies set attributes over the current ones. An empty JSON attribute (RedrivePolicy: "")
 * removes it; KMS and SQS-managed encryption exclude each other.
 */
export function mergeAttributes(current: QueueAttributes, changes: QueueAttributes): QueueAttributes {
  const next: QueueAttributes = { ...current, ...changes };
  for (const name of [...jsonAttributes, 'KmsMasterKeyId']) {
    if (next[name] === '') delete next[name];
  }
  if (changes.KmsMasterKeyId !== undefined && changes.KmsMasterKeyId !== '') {
    if (changes.SqsManagedSseEnabled === 'true') throw sseConflict();
    next.SqsManagedSseEnabled = 'false';
    next.KmsDataKeyReusePeriodSeconds ??= '300';
  }
  if (changes.SqsManagedSseEnabled === 'true') {
    if (next.KmsMasterKeyId !== undefined && changes.KmsMasterKeyId === undefined) throw sseConflict();
    delete next.KmsMasterKeyId;
    delete next.KmsDataKeyReusePeriodSeconds;
  }
  if (next.KmsMasterKeyId === undefined && changes.KmsMasterKeyId === '') delete next.KmsDataKeyReusePeriodSeconds;
  return next;
}

/** shared/aws-reference/recorded-responses/services/sqs/test_sqs.snapshot.json: test_sse_kms_and_sqs_are_mutually_exclusive. */
function sseConflict() {
  return invalidAttributeName(
    'You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.',
  );
}

/** The names GetQueueAttributes reports for the asked names (`All`, or the names themselves). */
export function requestedAttributeNames(asked: readonly string[] | undefined): Set<string> | 'all' {
  const names = new Set<string>();
  for (const name of asked ?? []) {
    if (name === 'All') return 'all';
    if (!readableAttributes.has(name)) throw invalidAttributeName(`Unknown Attribute ${name}.`);
    names.add(name);
  }
  return names;
}

/** The seconds of an integer attribute. */
export function seconds(attributes: QueueAttributes, name: string): number {
  return Number(attributes[name] ?? standardDefaults[name] ?? 0);
}
