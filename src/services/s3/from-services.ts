/**
 * Writes on behalf of other Nimbus services (Firehose deliveries, DynamoDB exports): an object
 * put as PutObject puts it, by the bucket's owner, in-process and never over HTTP to ourselves.
 * Event notifications fire as for any put.
 */
import type { RequestContext } from '../service-types.js';
import { objectOperations } from './objects.js';
import type { S3State } from './state.js';

export interface S3FromServices {
  /**
   * Stores `bytes` under `key` in `bucket` and resolves with the new object's ETag. Rejects with
   * NoSuchBucket when the bucket does not exist.
   */
  putObjectFromService(bucket: string, key: string, bytes: Uint8Array, contentType: string): Promise<{ ETag: string }>;
}

export function fromServicesOperations(state: S3State): S3FromServices {
  const objects = objectOperations(state);
  return {
    async putObjectFromService(bucket, key, bytes, contentType) {
      const row = state.bucket(bucket);
      const owner = row.account;
      const ctx: RequestContext = {
        requestId: '',
        service: 's3',
        operation: 'PutObject',
        account: owner,
        region: row.region,
        partition: 'aws',
        caller: { account: owner, arn: `arn:aws:iam::${owner}:root`, userId: owner, kind: 'root', accessKeyId: '' },
        endpoint: state.deps.endpoint(),
        onClientGone: () => () => {},
      };
      const out = await objects.putObject(ctx, {
        Bucket: bucket,
        Key: key,
        Body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as never,
        ContentLength: bytes.byteLength,
        ContentType: contentType,
      });
      return { ETag: out.ETag ?? '' };
    },
  };
}
