/**
 * A bucket's static website (`{bucket}.s3-website.localhost`,
 * `{bucket}.s3-website-{region}.localhost`), as AWS's website endpoint serves it
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteEndpoints.html): GET and HEAD
 * only, the index document for `/` and `dir/`, a 302 from `dir` to `dir/` when `dir/index`
 * exists, routing rules, RedirectAllRequestsTo, an object's WebsiteRedirectLocation, and the
 * error document (or AWS's HTML error page) for what is missing. Evidence for each answer:
 * recorded-responses/services/s3/test_s3.snapshot.json `TestS3StaticWebsiteHosting::*`.
 *
 * This decides the answer; src/protocol/rest-xml/s3-website.ts writes it (HTML, headers).
 * Objects need no public-read grant here (a departure: AWS serves only public objects).
 */
import type { Readable } from 'node:stream';
import type * as T from '../../generated/s3/types.js';
import { objectBody } from './objects.js';
import type { S3State } from './state.js';
import type { ObjectRow } from './store.js';

export interface WebsiteRequest {
  bucket: string;
  method: string;
  /** The request path, still percent-encoded (`/dir/a%20b.html`). */
  path: string;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
}

/** An error as the website's HTML page lists it (`Code`, `Message`, then the fields). */
export interface WebsiteError {
  code: string;
  message: string;
  fields: Array<[string, string]>;
}

export type WebsiteAnswer =
  | {
      kind: 'object';
      status: 200 | 304 | 404;
      object: ObjectRow;
      /** Absent for HEAD and 304. */
      body?: Readable | Buffer;
    }
  | { kind: 'redirect'; status: number; location: string }
  | { kind: 'error'; status: number; error: WebsiteError; errorDocumentError?: WebsiteError };

const noSuchKey = (key: string): WebsiteError => ({
  code: 'NoSuchKey',
  message: 'The specified key does not exist.',
  fields: [['Key', key]],
});

interface StoredHeaders {
  WebsiteRedirectLocation?: string;
}

function decodeKey(path: string): string {
  try {
    return decodeURIComponent(path.replace(/^\//, ''));
  } catch {
    return path.replace(/^\//, '');
  }
}

export async function websiteAnswer(state: S3State, request: WebsiteRequest): Promise<WebsiteAnswer> {
  const bucket = state.store.bucket(request.bucket);
  if (!bucket) {
    return {
      kind: 'error',
      status: 404,
      error: {
        code: 'NoSuchBucket',
        message: 'The specified bucket does not exist',
        fields: [['BucketName', request.bucket]],
      },
    };
  }
  const config = state.store.config<T.WebsiteConfiguration>(request.bucket, 'website');
  if (!config) {
    return {
      kind: 'error',
      status: 404,
      error: {
        code: 'NoSuchWebsiteConfiguration',
        message: 'The specified bucket does not have a website configuration',
        fields: [['BucketName', request.bucket]],
      },
    };
  }
  const key = decodeKey(request.path);
  if (config.RedirectAllRequestsTo?.HostName) {
    const target = config.RedirectAllRequestsTo;
    return { kind: 'redirect', status: 301, location: `${target.Protocol ?? 'http'}://${target.HostName}/${key}` };
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return {
      kind: 'error',
      status: 405,
      error: {
        code: 'MethodNotAllowed',
        message: 'The specified method is not allowed against this resource.',
        fields: [
          ['Method', request.method],
          ['ResourceType', 'OBJECT'],
        ],
      },
    };
  }
  const suffix = config.IndexDocument?.Suffix ?? 'index.html';
  const rules = config.RoutingRules ?? [];
  // Rules without an error-code condition apply before the lookup; the root is never redirected.
  if (key !== '') {
    const early = rules.find((rule) => !rule.Condition?.HttpErrorCodeReturnedEquals && prefixMatches(rule, key));
    if (early) return redirectFor(early, key, request.bucket);
  }
  const objectKey = key === '' || key.endsWith('/') ? `${key}${suffix}` : key;
  const object = servable(state, request.bucket, objectKey);
  if (object) return objectAnswer(state, object, request, 200);

  const late = rules.find((rule) => rule.Condition?.HttpErrorCodeReturnedEquals === '404' && prefixMatches(rule, key));
  if (late) return redirectFor(late, key, request.bucket);
  if (!key.endsWith('/') && key !== '' && servable(state, request.bucket, `${key}/${suffix}`)) {
    return { kind: 'redirect', status: 302, location: `/${key}/` };
  }
  const error = noSuchKey(objectKey);
  const errorKey = config.ErrorDocument?.Key;
  if (!errorKey) return { kind: 'error', status: 404, error };
  const errorDocument = servable(state, request.bucket, errorKey);
  if (!errorDocument) return { kind: 'error', status: 404, error, errorDocumentError: noSuchKey(errorKey) };
  return objectAnswer(state, errorDocument, request, 404);
}

/** The current version of a key, unless it is a delete marker. */
function servable(state: S3State, bucket: string, key: string): ObjectRow | undefined {
  const row = state.store.current(bucket, key);
  return row && !row.delete_marker ? row : undefined;
}

function prefixMatches(rule: T.RoutingRule, key: string): boolean {
  const prefix = rule.Condition?.KeyPrefixEquals;
  return prefix === undefined || key.startsWith(prefix);
}

function redirectFor(rule: T.RoutingRule, key: string, bucket: string): WebsiteAnswer {
  const redirect = rule.Redirect;
  let target = key;
  if (redirect.ReplaceKeyWith !== undefined) target = redirect.ReplaceKeyWith;
  else if (redirect.ReplaceKeyPrefixWith !== undefined) {
    const prefix = rule.Condition?.KeyPrefixEquals ?? '';
    target = redirect.ReplaceKeyPrefixWith + key.slice(prefix.length);
  }
  const host = redirect.HostName ?? `${bucket}.s3-website.localhost`;
  const protocol = redirect.Protocol ?? 'http';
  const status = redirect.HttpRedirectCode ? Number(redirect.HttpRedirectCode) : 301;
  return { kind: 'redirect', status, location: `${protocol}://${host}/${target}` };
}

function objectAnswer(state: S3State, object: ObjectRow, request: WebsiteRequest, status: 200 | 404): WebsiteAnswer {
  const headers = JSON.parse(object.headers ?? '{}') as StoredHeaders;
  if (headers.WebsiteRedirectLocation) {
    return { kind: 'redirect', status: 301, location: headers.WebsiteRedirectLocation };
  }
  if (status === 200 && notModified(object, request)) return { kind: 'object', status: 304, object };
  if (request.method === 'HEAD') return { kind: 'object', status, object };
  return { kind: 'object', status, object, body: objectBody(state, object) };
}

function notModified(object: ObjectRow, request: WebsiteRequest): boolean {
  if (request.ifNoneMatch !== undefined) {
    const etag = (object.etag ?? '').replace(/"/g, '');
    return request.ifNoneMatch
      .split(',')
      .map((part) => part.trim().replace(/^W\//, '').replace(/"/g, ''))
      .some((candidate) => candidate === '*' || candidate === etag);
  }
  if (request.ifModifiedSince !== undefined) {
    const since = Date.parse(request.ifModifiedSince);
    return !Number.isNaN(since) && Math.floor(object.last_modified / 1000) * 1000 <= since;
  }
  return false;
}
