/**
 * Records put on behalf of other Nimbus services (SNS `firehose` subscriptions): in-process, in the
 * caller's transaction, delivered like any DirectPut record.
 */
import type { Delivery } from './delivery.js';
import type { FirehoseState } from './state.js';

export interface FirehoseFromServices {
  /** Buffers one record for the delivery stream an ARN names; false when there is none (or it is not DirectPut). */
  putRecordFromService(streamArn: string, data: Buffer): boolean;
}

const arnPattern = /^arn:aws[\w-]*:firehose:([a-z0-9-]+):(\d{12}):deliverystream\/([\w.-]+)$/;

export function fromServicesOperations(state: FirehoseState, delivery: Delivery): FirehoseFromServices {
  return {
    putRecordFromService(streamArn, data) {
      const match = arnPattern.exec(streamArn);
      if (!match) return false;
      const row = state.store.stream(match[2] as string, match[1] as string, match[3] as string);
      if (row?.type !== 'DirectPut') return false;
      const now = state.now();
      state.store.insertRecord(row.id, `sns${now.toString(36)}${Math.random().toString(36).slice(2)}`, now, data);
      state.store.addBuffered(row.id, data.length, now);
      delivery.afterCommit(row.id);
      return true;
    },
  };
}
