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
import { newNonce } from './receipt-handles.js';
import { recordAttempt, replayAttempt } from './receive-attempts.js';
import { messageOutput, type ReceiveOptions, receiveOptions } from './receive-output.js';
import { moveToDeadLetterQueue } from './redrive.js';
import type { Queue, SqsState } from './state.js';
import type { MessageRow } from './store.js';

/** https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html */
const inFlightLimit = { standard: 120_000, fifo: 20_000 };

/** Takes one message for this receive, unless it expired or moved to the dead-letter queue. */
function take(state: SqsState, queue: Queue, message: MessageRow, opts: ReceiveOptions, now: number): T.Message | null {
  if (message.expires_at <= now) {
    state.store.deleteMessage(message, queue.fifo);
    return null;
  }
  if (moveToDeadLetterQueue(state, queue, message)) return null;
  const nonce = newNonce();
  state.store.markReceived(queue, message, now + opts.visibilityTimeout * 1000, now, nonce);
  message.receive_count += 1;
  message.first_received_at ??= now;
  return messageOutput(queue, message, nonce, opts);
}

function checkInFlight(state: SqsState, queue: Queue, now: number): void {
  const limit = queue.fifo ? inFlightLimit.fifo : inFlightLimit.standard;
  // Only a queue holding that many messages can have that many in flight: the count is cheap.
  if (state.store.messageCount(queue.id) < limit) return;
  if (state.store.inFlightReaches(queue.id, now, limit)) {
    throw new OverLimit(
      `Too many messages in flight. The maximum number of in-flight messages for a ${queue.fifo ? 'FIFO' : 'standard'} queue is ${limit}.`,
    );
  }
}

function receiveStandard(state: SqsState, queue: Queue, opts: ReceiveOptions, now: number): T.Message[] {
  const out: T.Message[] = [];
  // A message taken with a visibility timeout of 0 is visible again at once: one receive must
  // still give it only once, as AWS does, or its first handles would be stale in the same answer.
  const taken = opts.visibilityTimeout === 0 ? new Set<number>() : undefined;
  while (out.length < opts.limit) {
    const rows = state.store.visibleMessages(queue.id, now, opts.limit - out.length + (taken?.size ?? 0));
    let fresh = 0;
    for (const row of rows) {
      if (taken) {
        if (taken.has(row.seq)) continue;
        taken.add(row.seq);
      }
      fresh++;
      const message = take(state, queue, row, opts, now);
      if (message) out.push(message);
      if (out.length >= opts.limit) break;
    }
    if (fresh === 0) break;
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
  const passed = new Set<string>();
  while (out.length < opts.limit) {
    const groups = state.store.openGroups(queue.id, now, passed, opts.limit - out.length);
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

/**
 * Receives what is visible now. A request's own receive is part of its batch (`atomic`); a
 * long poll's later receive runs outside its request, maybe inside a batch opened by others, so it
 * takes a savepoint of its own (`transaction`).
 */
function receiveNow(state: SqsState, queue: Queue, opts: ReceiveOptions, later = false): T.Message[] {
  const now = state.now();
  const work = () => {
    checkInFlight(state, queue, now);
    return queue.fifo ? receiveFifo(state, queue, opts, now) : receiveStandard(state, queue, opts, now);
  };
  return later ? state.store.transaction(work) : state.store.atomic(work);
}

/**
 * Answers at once, without a promise, when messages are there (the common case); otherwise
 * waits as the request asks. `outsideRequest`: called by another service, not in a request's savepoint.
 */
export function receiveMessage(
  state: SqsState,
  ctx: RequestContext,
  input: T.ReceiveMessageRequest,
  outsideRequest = false,
): T.ReceiveMessageResult | Promise<T.ReceiveMessageResult> {
  const queue = state.queueByUrl(ctx, input.QueueUrl);
  const opts = receiveOptions(queue, input);
  const attemptId = queue.fifo ? input.ReceiveRequestAttemptId : undefined;
  if (attemptId !== undefined) {
    const replayed = replayAttempt(state, queue, attemptId, opts);
    if (replayed) return replayed.length > 0 ? { Messages: replayed } : {};
  }
  const deadline = state.now() + opts.waitSeconds * 1000;
  const messages = receiveNow(state, queue, opts, outsideRequest);
  if (messages.length > 0) {
    if (attemptId !== undefined) recordAttempt(state, queue, attemptId, messages);
    return { Messages: messages };
  }
  if (state.now() >= deadline) return {};
  return longPoll(state, ctx, queue, opts, deadline, attemptId);
}

async function longPoll(
  state: SqsState,
  ctx: RequestContext,
  waitingOn: Queue,
  opts: ReceiveOptions,
  deadline: number,
  attemptId: string | undefined,
): Promise<T.ReceiveMessageResult> {
  let queue = waitingOn;
  for (;;) {
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
    const messages = receiveNow(state, queue, opts, true);
    if (messages.length > 0) {
      if (attemptId !== undefined) recordAttempt(state, queue, attemptId, messages);
      return { Messages: messages };
    }
  }
}
