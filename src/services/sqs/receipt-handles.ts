/**
 * Receipt handles: which queue and message a handle is for, and which receive issued it. Each
 * receive stores a fresh nonce on the message, so a handle from an earlier receive is stale.
 * The `AQEB` prefix is what AWS's handles start with.
 */
import { randomBytes } from 'node:crypto';
import { receiptHandleIsInvalid } from './errors.js';

export interface ReceiptHandle {
  queueId: number;
  seq: number;
  nonce: string;
}

const prefix = 'AQEB';

export function newNonce(): string {
  return randomBytes(12).toString('base64url');
}

export function formatReceiptHandle(queueId: number, seq: number, nonce: string): string {
  return prefix + Buffer.from(`${queueId}:${seq}:${nonce}`, 'utf8').toString('base64');
}

/** The parts of a handle; ReceiptHandleIsInvalid for anything Nimbus did not issue. */
export function parseReceiptHandle(handle: string): ReceiptHandle {
  if (typeof handle === 'string' && handle.startsWith(prefix)) {
    const text = Buffer.from(handle.slice(prefix.length), 'base64').toString('utf8');
    const match = /^(\d+):(\d+):([A-Za-z0-9_-]{16})$/.exec(text);
    if (match) return { queueId: Number(match[1]), seq: Number(match[2]), nonce: match[3] as string };
  }
  throw receiptHandleIsInvalid(String(handle));
}
