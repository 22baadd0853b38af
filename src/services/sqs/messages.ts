/**
 * Message operations: send, receive, delete and change visibility, one by one and in batches.
 *
 * Receipt handles, as AWS treats them (shared/aws-reference/recorded-responses/services/sqs/
 * test_sqs.snapshot.json and the API reference pages):
 * - one Nimbus never issued is ReceiptHandleIsInvalid;
 * - deleting a message that is gone succeeds (DeleteMessage is idempotent);
 * - a standard queue's handle from an earlier receive is stale: the delete "succeeds, but the
 *   message might not be deleted" (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessage.html),
 *   and here it is not; its latest handle still deletes after the visibility timeout ended
 *   (test_delete_after_visibility_timeout);
 * - a FIFO queue's handle expires with its visibility timeout or the next receive:
 *   "The receipt handle has expired." (test_fifo_delete_after_visibility_timeout).
 */

import { ReceiptHandleIsInvalid } from '../../generated/sqs/errors.js';
import type { SqsOperations } from '../../generated/sqs/operations.js';
import type * as T from '../../generated/sqs/types.js';
import type { RequestContext } from '../service-types.js';
import { checkBatch, eachEntry } from './batches.js';
import { batchTooLong, invalidParameter } from './errors.js';
import { rawMessageSize } from './message-attributes.js';
import { parseReceiptHandle } from './receipt-handles.js';
import { receiveMessage } from './receive.js';
import { type CheckedMessage, checkMessage, checkMessageKeys, storeMessage } from './send.js';
import type { Queue, SqsState } from './state.js';
import type { Sweeper } from './sweeper.js';

/** The whole of a SendMessageBatch may not pass 1 MiB (test_send_message_batch_with_oversized_contents). */
const batchSizeLimit = 1_048_576;
/** A message is invisible for at most 12 hours after it was received (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html). */
const maxVisibilityMs = 43_200_000;

function expired(handle: string) {
  return invalidParameter('ReceiptHandle', handle, 'The receipt handle has expired.');
}

function notInFlight(handle: string) {
  return invalidParameter(
    'ReceiptHandle',
    handle,
    'Message does not exist or is not available for visibility timeout change.',
  );
}

/** aws/aws-sdk-java-v2 issue 3101 quotes real SQS for a handle of another queue. */
function notForThisQueue(handle: string): ReceiptHandleIsInvalid {
  return new ReceiptHandleIsInvalid(`The receipt handle "${handle}" is not valid for this queue.`);
}

function deleteOne(state: SqsState, queue: Queue, handle: string): void {
  const parsed = parseReceiptHandle(handle);
  if (parsed.queueId !== queue.id) throw notForThisQueue(handle);
  // A standard queue's current handle deletes in one statement; anything else reads the row.
  if (!queue.fifo && state.store.deleteReceived(queue.id, parsed.seq, parsed.nonce)) return;
  const message = state.store.message(parsed.seq);
  if (!message || message.queue_id !== queue.id) return;
  if (message.receipt !== parsed.nonce) {
    if (queue.fifo) throw expired(handle);
    return;
  }
  if (queue.fifo && message.visible_at <= state.now()) throw expired(handle);
  state.store.deleteMessage(message, queue.fifo);
  // A FIFO group with nothing left in flight is open again.
  if (queue.fifo) state.waiters.signal(queue.id);
}

function changeVisibilityOne(state: SqsState, queue: Queue, handle: string, timeout: number): void {
  if (!Number.isInteger(timeout) || timeout < 0 || timeout > 43_200) {
    throw invalidParameter('VisibilityTimeout', timeout, 'Must be >= 0 and <= 43200, if provided.');
  }
  const parsed = parseReceiptHandle(handle);
  if (parsed.queueId !== queue.id) throw notForThisQueue(handle);
  const message = state.store.message(parsed.seq);
  const now = state.now();
  if (!message || message.queue_id !== queue.id || message.receipt !== parsed.nonce) {
    if (queue.fifo && message?.queue_id === queue.id) throw expired(handle);
    throw notInFlight(handle);
  }
  if (queue.fifo && message.visible_at <= now) throw expired(handle);
  const visibleAt = now + timeout * 1000;
  // The 12 hours count from the receive that issued this handle.
  if (message.received_at !== null && visibleAt - message.received_at > maxVisibilityMs) {
    throw invalidParameter(
      'VisibilityTimeout',
      timeout,
      'Total VisibilityTimeout for the message is beyond the limit [43200 seconds].',
    );
  }
  state.store.setVisibleAt(queue, message, visibleAt);
  if (timeout === 0) state.waiters.signal(queue.id);
}

export function messageOperations(state: SqsState, sweeper: Sweeper) {
  function send(ctx: RequestContext, queue: Queue, checked: CheckedMessage[]): T.SendMessageResult[] {
    // No savepoint of its own: every check came first, and a send that fails part-way for any
    // other reason rolls back the request's batch (or S3's notification transaction).
    const results = checked.map((message) => storeMessage(state, ctx, queue, message));
    state.waiters.signal(queue.id);
    sweeper.expect(state.now() + queue.retentionSeconds * 1000);
    return results;
  }

  return {
    sendMessage(ctx, input) {
      const queue = state.queueByUrl(ctx, input.QueueUrl);
      const keys = checkMessageKeys(queue, input, false);
      return send(ctx, queue, [checkMessage(queue, input, keys, false)])[0] as T.SendMessageResult;
    },

    sendMessageBatch(ctx, input) {
      const queue = state.queueByUrl(ctx, input.QueueUrl);
      const entries = input.Entries ?? [];
      checkBatch(entries, 'SendMessageBatch');
      const keys = entries.map((entry) => checkMessageKeys(queue, entry, true));
      const size = entries.reduce((total, entry) => total + rawMessageSize(entry), 0);
      if (size > batchSizeLimit) throw batchTooLong(size);
      const checked = new Map<string, CheckedMessage>();
      let index = 0;
      const checks = eachEntry(entries, (entry) => {
        const message = checkMessage(queue, entry, keys[index++] as ReturnType<typeof checkMessageKeys>, true);
        checked.set(entry.Id, message);
        return {};
      });
      const good = (checks.Successful ?? []).map((entry) => entry.Id);
      const stored =
        good.length > 0
          ? send(
              ctx,
              queue,
              good.map((id) => checked.get(id) as CheckedMessage),
            )
          : [];
      const out: Partial<T.SendMessageBatchResult> = {};
      if (good.length > 0) {
        out.Successful = good.map((Id, position) => ({ Id, ...stored[position] }) as T.SendMessageBatchResultEntry);
      }
      if (checks.Failed) out.Failed = checks.Failed;
      return out as T.SendMessageBatchResult;
    },

    receiveMessage(ctx, input) {
      return receiveMessage(state, ctx, input);
    },

    deleteMessage(ctx, input) {
      const queue = state.queueByUrl(ctx, input.QueueUrl);
      state.store.atomic(() => deleteOne(state, queue, input.ReceiptHandle));
    },

    deleteMessageBatch(ctx, input) {
      const queue = state.queueByUrl(ctx, input.QueueUrl);
      const entries = input.Entries ?? [];
      checkBatch(entries, 'DeleteMessageBatch');
      return state.store.atomic(
        () => eachEntry(entries, (entry) => deleteOne(state, queue, entry.ReceiptHandle)) as T.DeleteMessageBatchResult,
      );
    },

    changeMessageVisibility(ctx, input) {
      const queue = state.queueByUrl(ctx, input.QueueUrl);
      state.store.atomic(() => changeVisibilityOne(state, queue, input.ReceiptHandle, input.VisibilityTimeout));
    },

    changeMessageVisibilityBatch(ctx, input) {
      const queue = state.queueByUrl(ctx, input.QueueUrl);
      const entries = input.Entries ?? [];
      checkBatch(entries, 'ChangeMessageVisibilityBatch');
      return state.store.atomic(
        () =>
          eachEntry(entries, (entry) =>
            changeVisibilityOne(state, queue, entry.ReceiptHandle, entry.VisibilityTimeout ?? 0),
          ) as T.ChangeMessageVisibilityBatchResult,
      );
    },
  } satisfies Partial<SqsOperations<RequestContext>>;
}
