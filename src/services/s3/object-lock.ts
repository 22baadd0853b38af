/**
 * Object Lock on object versions: retention (GOVERNANCE, COMPLIANCE) and legal holds, and the
 * deletes they refuse. The bucket's own Object Lock configuration (and its default retention) is
 * in bucket-extras.ts, kept as the bucket config `object-lock`.
 */
import type { S3Operations } from '../../generated/s3/operations.js';
import type { RequestContext } from '../service-types.js';
import type { S3State } from './state.js';

export function objectLockOperations(_state: S3State) {
  return {} satisfies Partial<S3Operations<RequestContext>>;
}
