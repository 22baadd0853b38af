/**
 * Requests to an S3 website endpoint (`{bucket}.s3-website.localhost`): plain HTTP GETs of
 * pages, not API calls, so they bypass operation resolution. The S3 provider decides the
 * answer (services/s3/website.ts); protocol/rest-xml/s3-website.ts writes it.
 */
import type { Nimbus } from '../nimbus.js';
import { websiteBucketOfHost, websiteResponse } from '../protocol/rest-xml/s3-website.js';
import type { HttpResponse } from '../protocol/types.js';
import type { WebsiteAnswer, WebsiteRequest } from '../services/s3/website.js';
import type { EdgeRequest } from './http1.js';

interface WebsiteProvider {
  serveWebsite(request: WebsiteRequest): Promise<WebsiteAnswer>;
}

/** The bucket a request addresses as a website, if it does. */
export function websiteBucket(req: EdgeRequest): string | undefined {
  return websiteBucketOfHost(req.headers.host);
}

export async function serveWebsite(
  nimbus: Nimbus,
  req: EdgeRequest,
  bucket: string,
  path: string,
  requestId: string,
): Promise<HttpResponse> {
  const definition = nimbus.serviceForModel('s3');
  if (!definition) throw new Error('the S3 service is not registered');
  const provider = (nimbus.readyService(definition) ?? (await nimbus.service(definition))).provider as WebsiteProvider;
  const method = req.method ?? 'GET';
  const request: WebsiteRequest = { bucket, method, path };
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch) request.ifNoneMatch = ifNoneMatch;
  const ifModifiedSince = req.headers['if-modified-since'];
  if (ifModifiedSince) request.ifModifiedSince = ifModifiedSince;
  const answer = await provider.serveWebsite(request);
  return websiteResponse(answer, requestId, method === 'HEAD');
}
