/**
 * ReceiveRequestAttemptId (FIFO queues): a receive retried with the same attempt id within five
 * minutes answers the same messages with the same receipt handles, and starts their visibility
 * timeout again, as long as none of them was deleted or had its visibility changed since;
 * otherwise the retry is refused.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html;
 * the refusal's text is quoted from real SQS in aws/aws-sdk-java issue 2613.
 */
import type * as T from '../../generated/sqs/types.js';
import { invalidParameter } from './errors.js';
import { parseReceiptHandle } from './receipt-handles.js';
import { messageOutput, type ReceiveOptions } from './receive-output.js';
import type { Queue, SqsState } from './state.js';

const attemptWindowMs = 5 * 60_000;
const attemptIdPattern = /^[\x21-\x7e]{1,128}$/;

/** The messages of an earlier attempt with this id, received again; undefined when there is none. */
export function replayAttempt(
  state: SqsState,
  queue: Queue,
  attemptId: string,
  opts: ReceiveOptions,
): T.Message[] | undefined {
  if (!attemptIdPattern.test(attemptId)) {
    throw invalidParameter(
      'ReceiveRequestAttemptId',
      attemptId,
      'ReceiveRequestAttemptId can only include alphanumeric and punctuation characters. 1 to 128 in length.',
    );
  }
  const now = state.now();
  const received = state.store.receiveAttempt(queue.id, attemptId, now);
  if (!received) return undefined;
  return state.store.transaction(() => {
    const out: T.Message[] = [];
    for (const [seq, nonce] of received) {
      const message = state.store.message(seq);
      if (!message || message.receipt !== nonce || message.visible_at <= now) {
        throw invalidParameter(
          'ReceiveRequestAttemptId',
          attemptId,
          'The receiveRequestAttemptId is not valid anymore since the receive call is not retryable.',
        );
      }
      state.store.setVisibleAt(queue, message, now + opts.visibilityTimeout * 1000);
      out.push(messageOutput(queue, message, nonce, opts));
    }
    return out;
  });
}

/** Remembers which messages (and which receive of each) an attempt was answered with. */
export function recordAttempt(state: SqsState, queue: Queue, attemptId: string, messages: T.Message[]): void {
  const received = messages.map((message): [number, string] => {
    const handle = parseReceiptHandle(message.ReceiptHandle ?? '');
    return [handle.seq, handle.nonce];
  });
  state.store.putReceiveAttempt(queue.id, attemptId, received, state.now() + attemptWindowMs);
}
