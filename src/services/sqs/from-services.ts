/**
 * Sends on behalf of other Nimbus services (SNS fan-out, and later EventBridge and S3 events):
 * a queue named by its ARN, messages checked as SendMessage checks them, stored in the caller's
 * transaction. In-process, never over HTTP to ourselves.
 */
import { createHash, randomUUID } from 'node:crypto';
import { AwsError } from '../../errors/aws-error.js';
import type * as T from '../../generated/sqs/types.js';
import type { RequestContext } from '../service-types.js';
import { messageTooLong, queueDoesNotExist } from './errors.js';
import { invalidCharacter } from './message-attributes.js';
import { messageOperations } from './messages.js';
import { receiveMessage } from './receive.js';
import { checkMessage, checkMessageKeys, type SendInput, storeMessage } from './send.js';
import type { Queue, SqsState } from './state.js';
import type { Sweeper } from './sweeper.js';

export interface SqsFromServices {
  /**
   * Stores messages in the queue an ARN names, as `senderId` (SQS's SenderId attribute).
   * Throws QueueDoesNotExist, or the error SendMessage would give for a message the queue
   * refuses (too large, a FIFO queue without a group id).
   */
  sendFromService(queueArn: string, messages: SendInput[], senderId: string): Array<{ MessageId?: string }>;
  /**
   * Stores one message in each of several queues (an SNS fan-out), each body the shared `head` and
   * `tail` around that queue's own `part`, with no attributes. Answers per entry undefined (stored)
   * or the AwsError sendFromService would have thrown for it (QueueDoesNotExist, too long...).
   */
  sendSharedFromService(shared: SharedBody, entries: SharedEntry[], senderId: string): Array<AwsError | undefined>;
  /** Whether a queue exists, and whether it is FIFO. */
  queueKind(queueArn: string): 'standard' | 'fifo' | undefined;
  /**
   * ReceiveMessage for a poller (Lambda's event source mappings): up to `max` (1..10) messages
   * with every system and message attribute, under the queue's visibility timeout. When none is
   * visible it waits on the queue's long-poll waiters until one may be, until `until` by the
   * Nimbus clock, or until `signal` aborts, and then answers what it found (maybe nothing).
   * Throws QueueDoesNotExist.
   */
  receiveForService(queueArn: string, max: number, until: number, signal: AbortSignal): Promise<T.Message[]>;
  /** Deletes received messages by their receipt handles (stale or unknown ones are skipped). */
  deleteForService(queueArn: string, receiptHandles: string[]): void;
  /** Sets the visibility timeout of received messages (errors of single handles are skipped). */
  changeVisibilityForService(queueArn: string, receiptHandles: string[], visibilityTimeout: number): void;
}

/** What the bodies of one fan-out share: each is `head + part + tail`. */
export interface SharedBody {
  head: string;
  tail: string;
}

export interface SharedEntry {
  queueArn: string;
  part: string;
}

export function fromServicesOperations(state: SqsState, sweeper: Sweeper): SqsFromServices {
  const contexts = new Map<string, RequestContext>();
  function contextFor(account: string, region: string, senderId: string): RequestContext {
    const key = `${account} ${region} ${senderId}`;
    let ctx = contexts.get(key);
    if (!ctx) {
      ctx = {
        requestId: '',
        service: 'sqs',
        operation: 'SendMessage',
        account,
        region,
        partition: 'aws',
        caller: { account, arn: `arn:aws:iam::${account}:root`, userId: senderId, kind: 'root', accessKeyId: '' },
        endpoint: `http://sqs.${region}.localhost`,
        onClientGone: () => () => {},
      };
      if (contexts.size > 256) contexts.clear();
      contexts.set(key, ctx);
    }
    return ctx;
  }

  const messages = messageOperations(state, sweeper);
  function queueOf(queueArn: string) {
    const queue = state.queueByArn(queueArn);
    if (!queue) throw queueDoesNotExist();
    const ctx = contextFor(queue.account, queue.region, queue.account);
    return { queue, ctx, url: state.url(ctx, queue) };
  }
  /** Entries of at most ten, with the ids a batch needs. */
  function batches<E>(handles: string[], entry: (handle: string) => E): Array<Array<E & { Id: string }>> {
    const out: Array<Array<E & { Id: string }>> = [];
    for (let start = 0; start < handles.length; start += 10) {
      out.push(handles.slice(start, start + 10).map((handle, index) => ({ Id: `m${index}`, ...entry(handle) })));
    }
    return out;
  }

  const sendFromService: SqsFromServices['sendFromService'] = (queueArn, messages, senderId) => {
    const queue = state.queueByArn(queueArn);
    if (!queue) throw queueDoesNotExist();
    const ctx = contextFor(queue.account, queue.region, senderId);
    const checked = messages.map((message) =>
      checkMessage(queue, message, checkMessageKeys(queue, message, false), false),
    );
    const results = state.store.atomic(() => checked.map((message) => storeMessage(state, ctx, queue, message)));
    state.waiters.signal(queue.id);
    sweeper.expect(state.now() + queue.retentionSeconds * 1000);
    return results;
  };

  return {
    sendFromService,

    sendSharedFromService(shared, entries, senderId) {
      const results: Array<AwsError | undefined> = [];
      // The checks a send makes, once for what the bodies share: the characters and the byte count.
      const sharedBytes = Buffer.byteLength(shared.head) + Buffer.byteLength(shared.tail);
      const sharedValid = invalidCharacter(shared.head) === undefined && invalidCharacter(shared.tail) === undefined;
      const now = state.now();
      state.store.atomic(() => {
        const plain: Array<{ queue: Queue; part: string }> = [];
        for (const entry of entries) {
          const queue = state.queueByArn(entry.queueArn);
          if (!queue) {
            results.push(queueDoesNotExist());
          } else if (queue.fifo || !sharedValid || invalidCharacter(entry.part) !== undefined) {
            // What the shortcut does not cover (a FIFO queue's group and deduplication, a character
            // SQS refuses) takes the whole send's path, with its errors.
            try {
              sendFromService(entry.queueArn, [{ MessageBody: shared.head + entry.part + shared.tail }], senderId);
              results.push(undefined);
            } catch (error) {
              if (!(error instanceof AwsError)) throw error;
              results.push(error);
            }
          } else if (sharedBytes + Buffer.byteLength(entry.part) > queue.maximumMessageSize) {
            results.push(messageTooLong(queue.maximumMessageSize));
          } else {
            results.push(undefined);
            plain.push({ queue, part: entry.part });
          }
        }
        if (plain.length === 0) return;
        // One row keeps the shared text when more than one message has it. Each body's MD5 goes
        // on from a copy of the head's.
        const bodyId = plain.length > 1 ? state.store.insertSharedBody(shared.head, shared.tail, plain.length) : 0;
        const headMd5 = createHash('md5').update(shared.head);
        for (const { queue, part } of plain) {
          const md5 = headMd5.copy().update(part).update(shared.tail).digest('hex');
          const visibleAt = now + queue.delaySeconds * 1000;
          const expiresAt = now + queue.retentionSeconds * 1000;
          if (bodyId) {
            state.store.insertSharedMessage(
              queue.id,
              randomUUID(),
              part,
              bodyId,
              md5,
              senderId,
              now,
              visibleAt,
              expiresAt,
            );
          } else {
            const body = shared.head + part + shared.tail;
            state.store.insertPlain(queue.id, randomUUID(), body, md5, senderId, now, visibleAt, expiresAt);
          }
        }
        for (const { queue } of plain) {
          state.waiters.signal(queue.id);
          sweeper.expect(now + queue.retentionSeconds * 1000);
        }
      });
      return results;
    },

    queueKind(queueArn) {
      const queue = state.queueByArn(queueArn);
      if (!queue) return undefined;
      return queue.fifo ? 'fifo' : 'standard';
    },

    async receiveForService(queueArn, max, until, signal) {
      const { ctx, url } = queueOf(queueArn);
      const wait = Math.max(0, Math.min(20, Math.ceil((until - state.now()) / 1000)));
      // The poller's own wait ends at `until` or on abort: both act as a client that went away.
      const polling: RequestContext = {
        ...ctx,
        operation: 'ReceiveMessage',
        onClientGone(listener) {
          const timer = state.clock.schedule(until, listener);
          signal.addEventListener('abort', listener, { once: true });
          return () => {
            timer.cancel();
            signal.removeEventListener('abort', listener);
          };
        },
      };
      if (signal.aborted) return [];
      const out = await receiveMessage(
        state,
        polling,
        {
          QueueUrl: url,
          MaxNumberOfMessages: Math.max(1, Math.min(10, max)),
          WaitTimeSeconds: wait,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        },
        true,
      );
      return out.Messages ?? [];
    },

    deleteForService(queueArn, receiptHandles) {
      const { ctx, url } = queueOf(queueArn);
      // Pollers call outside any request: the deletes get a transaction (or savepoint) of their own.
      state.store.transaction(() => {
        for (const Entries of batches(receiptHandles, (ReceiptHandle) => ({ ReceiptHandle }))) {
          messages.deleteMessageBatch({ ...ctx, operation: 'DeleteMessageBatch' }, { QueueUrl: url, Entries });
        }
      });
    },

    changeVisibilityForService(queueArn, receiptHandles, visibilityTimeout) {
      const { ctx, url } = queueOf(queueArn);
      const entry = (ReceiptHandle: string) => ({ ReceiptHandle, VisibilityTimeout: visibilityTimeout });
      state.store.transaction(() => {
        for (const Entries of batches(receiptHandles, entry)) {
          messages.changeMessageVisibilityBatch(
            { ...ctx, operation: 'ChangeMessageVisibilityBatch' },
            { QueueUrl: url, Entries },
          );
        }
      });
    },
  };
}
