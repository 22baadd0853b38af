/**
 * Conditional requests and byte ranges, as S3 applies them.
 *
 * Preconditions (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html, RFC 7232):
 * If-Match and If-Unmodified-Since fail with 412; If-None-Match and If-Modified-Since answer 304
 * on reads. When If-Match holds, a false If-Unmodified-Since is ignored; when If-None-Match
 * fails, a true If-Modified-Since does not save the request.
 *
 * Ranges (RFC 7233): one `bytes=first-last`, `bytes=first-` or `bytes=-suffix`; a range that
 * starts past the end is 416 InvalidRange; a malformed or multi-part range is ignored and the
 * whole object is sent, as S3 does.
 */
import { notModified, preconditionFailed } from './errors.js';

export interface Preconditions {
  IfMatch?: string;
  IfNoneMatch?: string;
  IfModifiedSince?: Date;
  IfUnmodifiedSince?: Date;
}

function etagMatches(header: string, etag: string): boolean {
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

/**
 * Checks a read's preconditions against an object; throws 412 or 304. `names` are the condition
 * names S3 reports (`If-Match`, or `x-amz-copy-source-If-Match` for a copy source).
 */
export function checkReadConditions(
  conditions: Preconditions,
  etag: string,
  lastModified: number,
  names: { match: string; unmodified: string } = { match: 'If-Match', unmodified: 'If-Unmodified-Since' },
  mode: 'read' | 'copy' = 'read',
): void {
  const { IfMatch, IfNoneMatch, IfModifiedSince, IfUnmodifiedSince } = conditions;
  if (IfMatch !== undefined && !etagMatches(IfMatch, etag)) throw preconditionFailed(names.match);
  if (IfMatch === undefined && IfUnmodifiedSince !== undefined && seconds(lastModified) > seconds(IfUnmodifiedSince)) {
    throw preconditionFailed(names.unmodified);
  }
  // A copy source's If-None-Match and If-Modified-Since fail with 412 too (nothing to "not modify").
  const fail =
    mode === 'copy' ? () => preconditionFailed(names.match.replace('If-Match', 'If-None-Match')) : notModified;
  if (IfNoneMatch !== undefined && etagMatches(IfNoneMatch, etag)) throw fail();
  if (IfNoneMatch === undefined && IfModifiedSince !== undefined && seconds(lastModified) <= seconds(IfModifiedSince)) {
    throw mode === 'copy' ? preconditionFailed(names.match.replace('If-Match', 'If-Modified-Since')) : notModified();
  }
}

export interface ByteRange {
  start: number;
  end: number;
}

/**
 * The byte range a Range header asks of an object of `size` bytes: undefined for no (or an
 * ignored) range, 'unsatisfiable' for one that starts past the end.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, first, last] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return 'unsatisfiable';
    if (size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}
