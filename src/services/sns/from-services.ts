/**
 * Publishes on behalf of other Nimbus services (S3 event notifications, later CloudWatch alarms
 * and EventBridge targets): in-process, in the caller's transaction, never over HTTP to ourselves.
 */
import { randomUUID } from 'node:crypto';
import type { Fanout } from './delivery.js';
import { NotificationWriter } from './envelope.js';
import type { SnsState } from './state.js';

export interface SnsFromServices {
  /** Whether a topic exists (S3 checks its notification destinations). */
  topicExists(topicArn: string): boolean;
  /**
   * Publishes a message to a standard topic as a service would (no attributes), fanning out in the
   * caller's transaction; false when the topic is gone. The caller must have awaited `ready()` once.
   */
  publishFromService(topicArn: string, message: string, subject?: string): boolean;
  /** Loads what deliveries need (SQS); resolves at once after the first time. */
  ready(): Promise<void>;
}

export function fromServicesOperations(state: SnsState, fanout: Fanout): SnsFromServices {
  return {
    topicExists: (topicArn) => state.topic(topicArn) !== undefined,
    ready: () => (fanout.isReady ? Promise.resolve() : fanout.ready()),
    publishFromService(topicArn, text, subject) {
      const topic = state.topic(topicArn);
      if (!topic || topic.fifo) return false;
      const message = {
        messageId: randomUUID(),
        messages: { default: text },
        subject,
        timestamp: new Date(state.now()).toISOString(),
        attributes: undefined,
        sequenceNumber: undefined,
        groupId: undefined,
        dedupId: undefined,
      };
      fanout.deliver({
        topic,
        message,
        attributes: undefined,
        writer: new NotificationWriter(state, state.deps.endpoint(), topic, message),
      });
      return true;
    },
  };
}
