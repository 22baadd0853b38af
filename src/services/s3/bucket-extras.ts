import type { S3Operations } from '../../generated/s3/operations.js';
import type { RequestContext } from '../service-types.js';
import type { S3State } from './state.js';

export function bucketExtraOperations(_state: S3State) {
  return {} satisfies Partial<S3Operations<RequestContext>>;
}
