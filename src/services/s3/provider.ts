/**
 * Amazon S3. https://docs.aws.amazon.com/AmazonS3/latest/API/
 *
 * Bucket names are global; objects are blob files with their metadata in SQLite. The operations
 * live with their resources (buckets.ts, bucket-configs.ts, objects.ts, copy.ts, listing.ts,
 * multipart.ts, object-extras.ts, bucket-extras.ts, object-lock.ts), each a table checked against the generated interface; what no
 * table has answers 501 from the dispatcher, naming the operation.
 */
import { type S3Operations, s3Operations } from '../../generated/s3/operations.js';
import type { CORSConfiguration } from '../../generated/s3/types.js';
import type { Migration } from '../../state/database.js';
import type { Provider, RequestContext, ServiceDeps } from '../service-types.js';
import { bucketConfigOperations } from './bucket-configs.js';
import { bucketExtraOperations } from './bucket-extras.js';
import { bucketOperations } from './buckets.js';
import { copyOperations } from './copy.js';
import { actualRequestHeaders, type CorsRequest } from './cors.js';
import { fromServicesOperations } from './from-services.js';
import { LifecycleSweeper } from './lifecycle.js';
import { listingOperations } from './listing.js';
import { multipartOperations } from './multipart.js';
import { EventDelivery } from './notifications.js';
import { objectExtraOperations } from './object-extras.js';
import { objectLockOperations } from './object-lock.js';
import { objectOperations } from './objects.js';
import { S3State } from './state.js';
import { s3Migrations } from './store.js';
import { type WebsiteAnswer, type WebsiteRequest, websiteAnswer } from './website.js';

export const operations = s3Operations;
export const migrations: Migration[] = s3Migrations;

/** S3's reads (every GET and HEAD of the API), which need no savepoint (service-types.ts). */
export const readOnlyOperations: ReadonlySet<string> = new Set([
  'GetObject',
  'HeadObject',
  'HeadBucket',
  'ListBuckets',
  'ListObjects',
  'ListObjectsV2',
  'ListObjectVersions',
  'ListMultipartUploads',
  'ListParts',
  'GetObjectTagging',
  'GetObjectAcl',
  'GetBucketLocation',
  'GetBucketAccelerateConfiguration',
  'GetBucketRequestPayment',
  'GetBucketLogging',
  'GetBucketReplication',
  'GetObjectLockConfiguration',
  'GetObjectRetention',
  'GetObjectLegalHold',
]);

/**
 * Blob files no row names: what a crash left between a blob's write and its row's commit, or
 * between a row's delete and its file's. Only files older than this provider are touched, so
 * no upload in progress can lose its blob.
 */
function sweepOrphanBlobs(state: S3State): void {
  const before = state.clock.machineNow();
  setImmediate(() => {
    state.store
      .referencedBlobs()
      .then((referenced) => state.blobs.sweep((id) => referenced.has(id), before))
      .then((removed) => {
        if (removed > 0) state.logger.info(`s3: removed ${removed} orphaned blob files`);
      })
      .catch((error: unknown) => state.logger.warn(`s3: orphaned blob sweep failed: ${error}`));
  });
}

export function createProvider(deps: ServiceDeps): Provider {
  const state = new S3State(deps);
  const lifecycle = new LifecycleSweeper(state);
  const events = new EventDelivery(state);
  state.events = events;
  // Events queued before a restart (or a crash) go out now.
  events.schedule();
  sweepOrphanBlobs(state);
  const provider = {
    ...bucketOperations(state),
    ...bucketConfigOperations(state),
    ...bucketExtraOperations(state),
    ...objectOperations(state),
    ...copyOperations(state),
    ...listingOperations(state),
    ...multipartOperations(state),
    ...objectExtraOperations(state),
    ...objectLockOperations(state),
    ...fromServicesOperations(state),
    /** The website endpoint's answer (edge/website.ts): not an API operation. */
    serveWebsite(request: WebsiteRequest): Promise<WebsiteAnswer> {
      return websiteAnswer(state, request);
    },
    /**
     * The CORS headers of an actual request with an Origin (edge/handle-request.ts asks): the
     * bucket's rules decide; a request that names no bucket gets none, as on AWS.
     */
    corsHeaders(input: { Bucket?: unknown }, request: CorsRequest): Record<string, string> {
      if (typeof input.Bucket !== 'string' || !state.store.bucket(input.Bucket)) return {};
      return actualRequestHeaders(state.store.config<CORSConfiguration>(input.Bucket, 'cors'), request);
    },
    dispose() {
      lifecycle.dispose();
      events.dispose();
    },
  } satisfies Partial<S3Operations<RequestContext>> & { dispose(): void; serveWebsite: unknown; corsHeaders: unknown };
  return provider;
}
