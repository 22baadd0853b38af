/**
 * ReceiveMessage: the messages visible now (standard queues: the longest visible first; FIFO
 * queues: in send order within each group, skipping groups with a message in flight), each
 * made invisible for the visibility timeout with a fresh receipt handle; messages past their
 * retention are dropped and messages received more than maxReceiveCount times move to the
 * dead-letter queue on the way. When nothing is visible and the request waits (WaitTimeSeconds,
 * or the queue's ReceiveMessageWaitTimeSeconds), it sleeps on the queue's waiters until a
 * message may have become visible, the wait ends by the Nimbus clock, or the client leaves.
 */
import { OverLimit } from '../../generated/sqs/errors.js';
import type * as T from '../../generated/sqs/types.js';
import type { RequestContext } from '../service-types.js';
import { invalidParameter } from './errors.js';
import { attributesMd5, attributesOutput, type StoredAttributes, selectAttributes } from './message-attributes.js';
import { formatReceiptHandle, newNonce } from './receipt-handles.js';
import { moveToDeadLetterQueue } from './redrive.js';
import type { Queue, SqsState } from './state.js';
import type { MessageRow } from './store.js';

/** https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html */
const inFlightLimit = { standard: 120_000, fifo: 20_000 };

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

interface ReceiveOptions {
  limit: number;
  visibilityTimeout: number;
  systemNames: ReadonlySet<string>;
  attributeNames: readonly string[];
}

function options(queue: Queue, input: T.ReceiveMessageRequest): ReceiveOptions & { waitSeconds: number } {
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

function messageOutput(queue: Queue, message: MessageRow, nonce: string, opts: ReceiveOptions): T.Message {
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

/** Takes one message for this receive, unless it expired or moved to the dead-letter queue. */
function take(state: SqsState, queue: Queue, message: MessageRow, opts: ReceiveOptions, now: number): T.Message | null {
  if (message.expires_at <= now) {
    state.store.deleteMessage(message, queue.fifo);
    return null;
  }
  if (moveToDeadLetterQueue(state, queue, message)) return null;
  const nonce = newNonce();
  state.store.markReceived(message.seq, now + opts.visibilityTimeout * 1000, now, nonce);
  message.receive_count += 1;
  message.first_received_at ??= now;
  return messageOutput(queue, message, nonce, opts);
}

function checkInFlight(state: SqsState, queue: Queue, now: number): void {
  const limit = queue.fifo ? inFlightLimit.fifo : inFlightLimit.standard;
  // Only a queue holding that many messages can have that many in flight: the count is cheap.
  if (state.store.messageCount(queue.id) < limit) return;
  if (state.store.invisibleCounts(queue.id, now).inFlight >= limit) {
    throw new OverLimit(
      `Too many messages in flight. The maximum number of in-flight messages for a ${queue.fifo ? 'FIFO' : 'standard'} queue is ${limit}.`,
    );
  }
}

function receiveStandard(state: SqsState, queue: Queue, opts: ReceiveOptions, now: number): T.Message[] {
  const out: T.Message[] = [];
  while (out.length < opts.limit) {
    const rows = state.store.visibleMessages(queue.id, now, opts.limit - out.length);
    if (rows.length === 0) break;
    for (const row of rows) {
      const message = take(state, queue, row, opts, now);
      if (message) out.push(message);
    }
  }
  return out;
}

/**
 * FIFO: groups in the order of their oldest message; from each, messages in order up to the
 * first that is not visible (in flight or delayed). A group whose oldest message is in flight
 * gives nothing; one whose first messages were made visible again gives those
 * (test_fifo_group_visibility_extends_with_change_message_visibility[sqs-N-visible]).
 */
function receiveFifo(state: SqsState, queue: Queue, opts: ReceiveOptions, now: number): T.Message[] {
  const out: T.Message[] = [];
  const blockedHeads = state.store.invisibleSeqs(queue.id, now);
  const passed = new Set<string>();
  while (out.length < opts.limit) {
    const groups = state.store.groupsInOrder(queue.id, blockedHeads, passed, opts.limit - out.length);
    if (groups.length === 0) break;
    for (const group of groups) {
      passed.add(group);
      const rows = state.store.groupMessages(queue.id, group, opts.limit - out.length);
      for (const row of rows) {
        if (row.visible_at > now) break;
        const message = take(state, queue, row, opts, now);
        if (message) out.push(message);
      }
      if (out.length >= opts.limit) break;
    }
  }
  return out;
}

function receiveNow(state: SqsState, queue: Queue, opts: ReceiveOptions): T.Message[] {
  const now = state.now();
  return state.store.transaction(() => {
    checkInFlight(state, queue, now);
    return queue.fifo ? receiveFifo(state, queue, opts, now) : receiveStandard(state, queue, opts, now);
  });
}

export async function receiveMessage(
  state: SqsState,
  ctx: RequestContext,
  input: T.ReceiveMessageRequest,
): Promise<T.ReceiveMessageResult> {
  let queue = state.queueByUrl(ctx, input.QueueUrl);
  const opts = options(queue, input);
  const deadline = state.now() + opts.waitSeconds * 1000;
  for (;;) {
    const messages = receiveNow(state, queue, opts);
    if (messages.length > 0) return { Messages: messages };
    const now = state.now();
    if (now >= deadline) return {};
    const nextVisible = state.store.nextVisibleAt(queue.id, now);
    const until = nextVisible === undefined ? deadline : Math.min(deadline, nextVisible);
    const reason = await state.waiters.wait(queue.id, until, state.clock, ctx.onClientGone);
    if (reason === 'gone' || reason === 'stopped') return {};
    // The queue may have been deleted or changed while this receive slept.
    const row = state.store.queue(queue.account, queue.region, queue.name);
    if (!row || row.id !== queue.id) return {};
    queue = state.parse(row);
  }
}
