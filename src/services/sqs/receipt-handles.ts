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

/**
 * A nonce per receive: a random prefix for this process and a counter, 16 characters. It only
 * has to differ from every other receive of the same message, and random bytes per receive
 * cost more than the rest of the receipt handle.
 */
const processPrefix = randomBytes(6).toString('base64url');
let counter = 0;

export function newNonce(): string {
  counter = (counter + 1) % 0xffffffffffff;
  return processPrefix + counter.toString(36).padStart(8, '0');
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
