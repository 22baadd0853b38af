/**
 * Sends on behalf of other Nimbus services (SNS fan-out, and later EventBridge and S3 events):
 * a queue named by its ARN, messages checked as SendMessage checks them, stored in the caller's
 * transaction. In-process, never over HTTP to ourselves.
 */
import type { RequestContext } from '../service-types.js';
import { queueDoesNotExist } from './errors.js';
import { checkMessage, checkMessageKeys, type SendInput, storeMessage } from './send.js';
import type { SqsState } from './state.js';
import type { Sweeper } from './sweeper.js';

export interface SqsFromServices {
  /**
   * Stores messages in the queue an ARN names, as `senderId` (SQS's SenderId attribute).
   * Throws QueueDoesNotExist, or the error SendMessage would give for a message the queue
   * refuses (too large, a FIFO queue without a group id).
   */
  sendFromService(queueArn: string, messages: SendInput[], senderId: string): Array<{ MessageId?: string }>;
  /** Whether a queue exists, and whether it is FIFO. */
  queueKind(queueArn: string): 'standard' | 'fifo' | undefined;
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

  return {
    sendFromService(queueArn, messages, senderId) {
      const queue = state.queueByArn(queueArn);
      if (!queue) throw queueDoesNotExist();
      const ctx = contextFor(queue.account, queue.region, senderId);
      const checked = messages.map((message) =>
        checkMessage(queue, message, checkMessageKeys(queue, message, false), false),
      );
      const results = state.store.transaction(() => checked.map((message) => storeMessage(state, ctx, queue, message)));
      state.waiters.signal(queue.id);
      sweeper.expect(state.now() + queue.retentionSeconds * 1000);
      return results;
    },

    queueKind(queueArn) {
      const queue = state.queueByArn(queueArn);
      if (!queue) return undefined;
      return queue.fifo ? 'fifo' : 'standard';
    },
  };
}
