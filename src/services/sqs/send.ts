/**
 * SendMessage and SendMessageBatch: AWS's checks on a message, FIFO groups and
 * deduplication, and the row that keeps it. A send is one transaction, committed before the
 * answer is written; the queue's waiters are woken once it is.
 *
 * Deduplication (FIFO): a MessageDeduplicationId (or the body's SHA-256 with
 * ContentBasedDeduplication) seen in the last 5 minutes is accepted but not enqueued again, and
 * answered with the first message's id. With DeduplicationScope messageGroup the window is per
 * group. https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/using-messagededuplicationid-property.html
 */
import { hash, randomUUID } from 'node:crypto';
import { InvalidParameterValue, MissingParameter } from '../../errors/common.js';
import { InvalidMessageContents } from '../../generated/sqs/errors.js';
import type * as T from '../../generated/sqs/types.js';
import type { RequestContext } from '../service-types.js';
import { invalidParameter, messageTooLong } from './errors.js';
import {
  attributesMd5,
  bodyMd5,
  checkMessageAttributes,
  invalidCharacter,
  type StoredAttributes,
} from './message-attributes.js';
import { sequenceNumber } from './sequence-numbers.js';
import type { Queue, SqsState } from './state.js';

const dedupWindowMs = 5 * 60_000;
/** MessageGroupId and MessageDeduplicationId: 1 to 128 alphanumeric or punctuation characters. */
const idPattern = /^[\x21-\x7e]{1,128}$/;

/** What a send was asked, whole or one batch entry. */
export interface SendInput {
  MessageBody: string;
  DelaySeconds?: number;
  MessageAttributes?: T.MessageBodyAttributeMap;
  MessageSystemAttributes?: T.MessageBodySystemAttributeMap;
  MessageDeduplicationId?: string;
  MessageGroupId?: string;
}

/** A message that passed every check, ready to be stored. */
export interface CheckedMessage {
  body: string;
  delaySeconds: number;
  attributes: StoredAttributes | undefined;
  systemAttributes: StoredAttributes | undefined;
  groupId: string | undefined;
  dedupId: string | undefined;
  /** Bytes towards the size limits: body plus attributes. */
  size: number;
}

/**
 * The group and deduplication ids of a send. In a batch these fail the whole request, not the
 * entry, and a missing group id is an invalid value rather than a missing parameter
 * (test_send_batch_missing_message_group_id_for_fifo_queue, test_send_batch_missing_deduplication_id_for_fifo_queue).
 */
export function checkMessageKeys(
  queue: Queue,
  input: SendInput,
  batch: boolean,
): { groupId: string | undefined; dedupId: string | undefined } {
  const groupId = input.MessageGroupId;
  if (groupId !== undefined && !idPattern.test(groupId)) {
    throw invalidParameter(
      'MessageGroupId',
      groupId,
      'MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.',
    );
  }
  let dedupId = input.MessageDeduplicationId;
  if (dedupId !== undefined && !idPattern.test(dedupId)) {
    throw invalidParameter(
      'MessageDeduplicationId',
      dedupId,
      'MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.',
    );
  }
  if (!queue.fifo) {
    // "include" is AWS's own wording for a FIFO-only parameter (test_fifo_queue_send_message_with_delay_seconds_fails).
    if (dedupId !== undefined) {
      throw invalidParameter(
        'MessageDeduplicationId',
        dedupId,
        'The request include parameter that is not valid for this queue type.',
      );
    }
    return { groupId, dedupId };
  }
  if (groupId === undefined) {
    if (batch) throw new InvalidParameterValue('The request must contain the parameter MessageGroupId.');
    throw new MissingParameter('MessageGroupId');
  }
  if (dedupId === undefined) {
    if (!queue.contentBasedDeduplication) {
      throw new InvalidParameterValue(
        'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
      );
    }
    dedupId = hash('sha256', input.MessageBody ?? '', 'hex');
  }
  return { groupId, dedupId };
}

/**
 * The checks of one message: body, delay, attributes and size. In a batch their failures are
 * the entry's, and the size text says "cannot be validated" (test_send_batch_message_size).
 */
export function checkMessage(
  queue: Queue,
  input: SendInput,
  keys: { groupId: string | undefined; dedupId: string | undefined },
  batch: boolean,
): CheckedMessage {
  const body = input.MessageBody;
  if (body === undefined || body === null || body === '') throw new MissingParameter('MessageBody');
  const bad = invalidCharacter(body);
  if (bad !== undefined) {
    throw new InvalidMessageContents(
      `Invalid binary character '#x${bad.toString(16).toUpperCase()}' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].`,
    );
  }
  let delaySeconds = queue.delaySeconds;
  if (input.DelaySeconds !== undefined && input.DelaySeconds !== null) {
    const delay = input.DelaySeconds;
    if (queue.fifo && delay !== 0) {
      throw invalidParameter(
        'DelaySeconds',
        delay,
        'The request include parameter that is not valid for this queue type.',
      );
    }
    if (!Number.isInteger(delay) || delay < 0 || delay > 900) {
      throw invalidParameter('DelaySeconds', delay, 'DelaySeconds must be >= 0 and <= 900.');
    }
    if (!queue.fifo) delaySeconds = delay;
  }
  const user = checkMessageAttributes(input.MessageAttributes);
  const system = checkSystemAttributes(input.MessageSystemAttributes);
  const size = Buffer.byteLength(body, 'utf8') + user.size;
  if (size > queue.maximumMessageSize) {
    if (batch) {
      throw new InvalidParameterValue(
        `One or more parameters cannot be validated. Reason: Message must be shorter than ${queue.maximumMessageSize} bytes.`,
      );
    }
    throw messageTooLong(queue.maximumMessageSize);
  }
  return {
    body,
    delaySeconds,
    attributes: user.stored,
    systemAttributes: system,
    groupId: keys.groupId,
    dedupId: keys.dedupId,
    size,
  };
}

/** Only AWSTraceHeader may be sent, as a String (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html). */
function checkSystemAttributes(attributes: T.MessageBodySystemAttributeMap | undefined): StoredAttributes | undefined {
  if (!attributes || Object.keys(attributes).length === 0) return undefined;
  for (const [name, value] of Object.entries(attributes)) {
    if (name !== 'AWSTraceHeader') {
      throw new InvalidParameterValue(`Message system attribute name '${name}' is invalid.`);
    }
    if (value.DataType !== 'String') {
      throw new InvalidParameterValue(`Message system attribute '${name}' must have a data type of String.`);
    }
  }
  return checkMessageAttributes(attributes as T.MessageBodyAttributeMap, 'system').stored;
}

/** Stores a checked message (or finds its duplicate); the caller holds the transaction. */
export function storeMessage(
  state: SqsState,
  ctx: RequestContext,
  queue: Queue,
  message: CheckedMessage,
): T.SendMessageResult {
  const now = state.now();
  const out: T.SendMessageResult = { MD5OfMessageBody: bodyMd5(message.body) };
  const md5Attributes = message.attributes ? attributesMd5(message.attributes) : null;
  const md5System = message.systemAttributes ? attributesMd5(message.systemAttributes) : null;
  if (md5Attributes) out.MD5OfMessageAttributes = md5Attributes;
  if (md5System) out.MD5OfMessageSystemAttributes = md5System;

  let scopeKey: string | undefined;
  if (queue.fifo && message.dedupId !== undefined) {
    scopeKey = queue.dedupByGroup ? `${message.groupId}\u0000${message.dedupId}` : message.dedupId;
    // An id seen while the scope was the whole queue still counts after a switch to
    // messageGroup; the other way round, ids seen per group do not
    // (test_fifo_change_to_high_throughput_after_creation, ..._to_regular_throughput_...).
    const duplicate =
      state.store.dedup(queue.id, scopeKey, now) ??
      (queue.dedupByGroup ? state.store.dedup(queue.id, message.dedupId, now) : undefined);
    if (duplicate) {
      out.MessageId = duplicate.message_id;
      if (duplicate.sequence_number) out.SequenceNumber = duplicate.sequence_number;
      return out;
    }
  }
  const messageId = randomUUID();
  const sequence = queue.fifo ? sequenceNumber(state.store.nextSequence(queue.id)) : null;
  state.store.insertMessage(
    {
      queue_id: queue.id,
      message_id: messageId,
      body: message.body,
      md5_body: out.MD5OfMessageBody as string,
      attributes: message.attributes ? JSON.stringify(message.attributes) : null,
      md5_attributes: md5Attributes,
      system_attributes: message.systemAttributes ? JSON.stringify(message.systemAttributes) : null,
      md5_system_attributes: md5System,
      sender_id: ctx.caller.userId,
      sent_at: now,
      visible_at: now + message.delaySeconds * 1000,
      expires_at: now + queue.retentionSeconds * 1000,
      group_id: message.groupId ?? null,
      dedup_id: message.dedupId ?? null,
      sequence_number: sequence,
      source_arn: null,
    },
    queue.fifo,
  );
  if (scopeKey !== undefined) {
    state.store.putDedup(queue.id, scopeKey, { message_id: messageId, sequence_number: sequence }, now + dedupWindowMs);
  }
  out.MessageId = messageId;
  if (sequence) out.SequenceNumber = sequence;
  return out;
}
