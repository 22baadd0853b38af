import type { ServiceDefinition } from '../service-types.js';

/**
 * Amazon S3: path-style requests and virtual hosts (`{bucket}.s3.localhost`,
 * `{bucket}.s3.{region}.localhost`). Bucket names are one namespace for all accounts and regions,
 * so the service is global; each bucket keeps its own region.
 */
export const s3: ServiceDefinition = {
  name: 's3',
  models: ['s3'],
  global: true,
  hints: { hosts: [/\.s3(\.[a-z0-9-]+)?\.localhost$/, /^s3(\.[a-z0-9-]+)?\.localhost$/] },
  load: () => import('./provider.js'),
};
