/**
 * Conditional requests and byte ranges, as S3 applies them.
 *
 * Reads (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html, RFC 9110 section
 * 13.2.2): If-Match, then If-Unmodified-Since (412), then If-None-Match, then If-Modified-Since
 * (304 on a read, 412 for a copy source). When If-Match holds, a false If-Unmodified-Since is
 * ignored; when If-None-Match is given, If-Modified-Since is not looked at; a date in the future
 * is ignored. Evidence: test_s3_get_object_preconditions, test_s3_copy_object_preconditions.
 *
 * Writes (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html):
 * `If-None-Match: *` refuses an existing key, `If-Match: <etag>` a key whose ETag differs or that
 * is missing; any other form is 501 NotImplemented (TestS3ObjectWritePrecondition).
 *
 * Ranges (RFC 9110 section 14.1.2): one `bytes=first-last`, `bytes=first-` or `bytes=-suffix`; a
 * range that starts past the end is 416 InvalidRange; a malformed or multi-part range is ignored
 * and the whole object is sent, as S3 does (test_get_object_range).
 */
import { headerNotImplemented, noSuchKey, notModified, preconditionFailed } from './errors.js';

export interface Preconditions {
  IfMatch?: string;
  IfNoneMatch?: string;
  IfModifiedSince?: Date;
  IfUnmodifiedSince?: Date;
}

/** Whether an If-Match / If-None-Match list names `etag` (quotes and W/ optional, `*` matches any). */
export function etagMatches(header: string, etag: string): boolean {
  const bare = etag.replace(/"/g, '');
  return header
    .split(',')
    .map((part) => part.trim().replace(/^W\//, '').replace(/"/g, ''))
    .some((candidate) => candidate === '*' || candidate === bare);
}

/** Seconds: HTTP dates carry no milliseconds. */
function seconds(value: Date | number): number {
  return Math.floor((typeof value === 'number' ? value : value.getTime()) / 1000);
}

/** The condition names S3 reports for a read, and for a copy source. */
const readNames = {
  match: 'If-Match',
  unmodified: 'If-Unmodified-Since',
  noneMatch: 'If-None-Match',
  modified: 'If-Modified-Since',
};
export const copySourceNames = {
  match: 'x-amz-copy-source-If-Match',
  unmodified: 'x-amz-copy-source-If-Unmodified-Since',
  noneMatch: 'x-amz-copy-source-If-None-Match',
  modified: 'x-amz-copy-source-If-Modified-Since',
};

/**
 * Checks a read's preconditions against an object; throws 412, or 304 for a read (`copy`: a copy
 * source, where every failure is 412 naming the `x-amz-copy-source-*` condition).
 */
export function checkReadConditions(
  conditions: Preconditions,
  etag: string,
  lastModified: number,
  now: number,
  mode: 'read' | 'copy' = 'read',
): void {
  const names = mode === 'copy' ? copySourceNames : readNames;
  const { IfMatch, IfNoneMatch, IfModifiedSince, IfUnmodifiedSince } = conditions;
  if (IfMatch !== undefined && !etagMatches(IfMatch, etag)) throw preconditionFailed(names.match);
  if (IfMatch === undefined && IfUnmodifiedSince !== undefined && seconds(lastModified) > seconds(IfUnmodifiedSince)) {
    throw preconditionFailed(names.unmodified);
  }
  const unchanged = (name: string) => (mode === 'copy' ? preconditionFailed(name) : notModified());
  if (IfNoneMatch !== undefined && etagMatches(IfNoneMatch, etag)) throw unchanged(names.noneMatch);
  if (
    IfNoneMatch === undefined &&
    IfModifiedSince !== undefined &&
    seconds(IfModifiedSince) <= seconds(now) &&
    seconds(lastModified) <= seconds(IfModifiedSince)
  ) {
    throw unchanged(names.modified);
  }
}

/**
 * Checks a write's If-Match / If-None-Match against the key's current ETag (undefined: no object,
 * or a delete marker). The forms S3 does not serve are refused first, then a missing key for
 * If-Match, then the comparison (test_put_object_if_match_validation).
 */
export function checkWriteConditions(
  conditions: { IfMatch?: string; IfNoneMatch?: string },
  /** The live object's ETag, looked up only when a condition needs it (most writes have none). */
  currentEtag: string | undefined | (() => string | undefined),
  key: string,
): void {
  const { IfMatch, IfNoneMatch } = conditions;
  if (IfMatch === undefined && IfNoneMatch === undefined) return;
  const etag = typeof currentEtag === 'function' ? currentEtag() : currentEtag;
  if (IfMatch !== undefined && IfNoneMatch !== undefined) {
    throw headerNotImplemented('If-Match,If-None-Match', 'Multiple conditional request headers present in the request');
  }
  if (IfNoneMatch !== undefined) {
    if (IfNoneMatch.trim() !== '*') {
      throw headerNotImplemented(
        'If-None-Match',
        "We don't accept the provided value of If-None-Match header for this API",
      );
    }
    if (etag !== undefined) throw preconditionFailed('If-None-Match');
  }
  if (IfMatch !== undefined) {
    if (IfMatch.trim() === '*') {
      throw headerNotImplemented('If-Match', "We don't accept the provided value of If-Match header for this API");
    }
    if (etag === undefined) throw noSuchKey(key);
    if (IfMatch.trim().replace(/"/g, '') !== etag.replace(/"/g, '')) throw preconditionFailed('If-Match');
  }
}

export interface ByteRange {
  start: number;
  end: number;
}

/**
 * The byte range a Range header asks of an object of `size` bytes: undefined for no (or an
 * ignored) range, 'unsatisfiable' for one that starts past the end (or any range of an empty
 * object, or `bytes=-0`).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, first, last] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  return { start, end };
}
