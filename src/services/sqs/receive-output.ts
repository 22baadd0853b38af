/**
 * What a receive asked for (its options, checked as AWS checks them) and how a received
 * message is answered: body, receipt handle, the system attributes named in AttributeNames or
 * MessageSystemAttributeNames, and the message attributes selected by MessageAttributeNames
 * with the MD5 of just those.
 */
import type * as T from '../../generated/sqs/types.js';
import { invalidParameter } from './errors.js';
import { attributesMd5, attributesOutput, type StoredAttributes, selectAttributes } from './message-attributes.js';
import { formatReceiptHandle } from './receipt-handles.js';
import type { Queue } from './state.js';
import type { MessageRow } from './store.js';

const systemAttributeNames = [
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'SequenceNumber',
  'MessageDeduplicationId',
  'MessageGroupId',
  'AWSTraceHeader',
  'DeadLetterQueueSourceArn',
] as const;

export interface ReceiveOptions {
  limit: number;
  visibilityTimeout: number;
  systemNames: ReadonlySet<string>;
  attributeNames: readonly string[];
}

export function receiveOptions(queue: Queue, input: T.ReceiveMessageRequest): ReceiveOptions & { waitSeconds: number } {
  const limit = input.MaxNumberOfMessages ?? 1;
  if (!Number.isInteger(limit) || limit < 1 || limit > 10) {
    throw invalidParameter('MaxNumberOfMessages', limit, 'Must be between 1 and 10, if provided.');
  }
  const waitSeconds = input.WaitTimeSeconds ?? queue.receiveWaitSeconds;
  if (!Number.isInteger(waitSeconds) || waitSeconds < 0 || waitSeconds > 20) {
    throw invalidParameter('WaitTimeSeconds', waitSeconds, 'Must be >= 0 and <= 20, if provided.');
  }
  const visibilityTimeout = input.VisibilityTimeout ?? queue.visibilityTimeout;
  if (!Number.isInteger(visibilityTimeout) || visibilityTimeout < 0 || visibilityTimeout > 43_200) {
    throw invalidParameter('VisibilityTimeout', visibilityTimeout, 'Must be >= 0 and <= 43200, if provided.');
  }
  const asked = [...(input.AttributeNames ?? []), ...(input.MessageSystemAttributeNames ?? [])] as string[];
  const systemNames = new Set<string>(asked.includes('All') ? systemAttributeNames : asked);
  return { limit, waitSeconds, visibilityTimeout, systemNames, attributeNames: input.MessageAttributeNames ?? [] };
}

function systemAttributes(message: MessageRow, names: ReadonlySet<string>): Record<string, string> | undefined {
  if (names.size === 0) return undefined;
  const values: Record<string, string | null | undefined> = {
    SenderId: message.sender_id,
    SentTimestamp: String(message.sent_at),
    ApproximateReceiveCount: String(message.receive_count),
    ApproximateFirstReceiveTimestamp: message.first_received_at === null ? null : String(message.first_received_at),
    SequenceNumber: message.sequence_number,
    MessageDeduplicationId: message.dedup_id,
    MessageGroupId: message.group_id,
    AWSTraceHeader: message.system_attributes
      ? (JSON.parse(message.system_attributes) as StoredAttributes).AWSTraceHeader?.StringValue
      : undefined,
    DeadLetterQueueSourceArn: message.source_arn,
  };
  const out: Record<string, string> = {};
  for (const name of systemAttributeNames) {
    const value = values[name];
    if (names.has(name) && value !== null && value !== undefined) out[name] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export function messageOutput(queue: Queue, message: MessageRow, nonce: string, opts: ReceiveOptions): T.Message {
  const out: T.Message = {
    MessageId: message.message_id,
    ReceiptHandle: formatReceiptHandle(queue.id, message.seq, nonce),
    MD5OfBody: message.md5_body,
    Body: message.body,
  };
  const attributes = systemAttributes(message, opts.systemNames);
  if (attributes) out.Attributes = attributes;
  if (message.attributes && opts.attributeNames.length > 0) {
    const selected = selectAttributes(JSON.parse(message.attributes) as StoredAttributes, opts.attributeNames);
    // The digest covers what is returned (test_receive_message_message_attribute_names_filters).
    if (selected) {
      out.MD5OfMessageAttributes = attributesMd5(selected);
      out.MessageAttributes = attributesOutput(selected);
    }
  }
  return out;
}
