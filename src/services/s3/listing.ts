/**
 * ListObjects (v1), ListObjectsV2, ListObjectVersions and ListMultipartUploads. Keys come in UTF-8 binary order from
 * the key index; a delimiter folds keys into CommonPrefixes, and the walk then jumps past the
 * whole prefix instead of reading every key under it, so a listing costs what it returns.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
 *
 * Rules taken from AWS's recorded answers
 * (shared/aws-reference/recorded-responses/services/s3/test_s3_list_operations.snapshot.json):
 * - a marker (Marker, StartAfter, a continuation token, KeyMarker) that falls inside a common
 *   prefix skips the rest of that prefix, so a prefix is listed once however pages fall;
 * - V1 gives NextMarker only with a delimiter; V2 echoes StartAfter only without a token;
 * - ListObjectVersions names only NextKeyMarker (the prefix) when a page ends on a common prefix;
 * - times are whole seconds (`2023-11-15T12:02:40.000Z`: test_s3_list_objects_timestamp_precision);
 * - ListMultipartUploads lists a key's uploads in the order they began, and always names
 *   NextKeyMarker and NextUploadIdMarker: the last upload listed, or "".
 */
import type { S3Operations } from '../../generated/s3/operations.js';
import type * as T from '../../generated/s3/types.js';
import type { RequestContext } from '../service-types.js';
import { invalidArgument } from './errors.js';
import { prefixEnd } from './key-order.js';
import { versionIdOrder } from './objects.js';
import { httpDate, ownerOf, type S3State } from './state.js';
import type { CurrentListed, UploadRow } from './store.js';

interface Walked {
  objects: CurrentListed[];
  prefixes: string[];
  truncated: boolean;
  /** The last key or common prefix returned: where the next page starts. */
  last: string | undefined;
}

/** The common prefix `key` rolls up into under `prefix` and `delimiter`, if any. */
export function commonPrefixOf(key: string, prefix: string, delimiter: string | undefined): string | undefined {
  if (!delimiter || !key.startsWith(prefix)) return undefined;
  const at = key.indexOf(delimiter, prefix.length);
  return at < 0 ? undefined : key.slice(0, at + delimiter.length);
}

/**
 * Where a walk resumes after `marker`: past the whole common prefix the marker lies in (which an
 * earlier page returned, or the caller named), else right after the marker itself.
 */
export function resumeAfter(marker: string, prefix: string, delimiter: string | undefined): string {
  const rolledUp = commonPrefixOf(marker, prefix, delimiter);
  return rolledUp === undefined ? marker : prefixEnd(rolledUp);
}

/**
 * The rows a listing asks for at a time: one more than its page (at most 1,000 entries), so that a
 * full page learns whether it is the last in the same query. Asking for 1,000 made a full page
 * of 1,000 read a second 1,000 rows to see one more.
 */
function pageQuerySize(max: number): number {
  return Math.min(max, 1000) + 1;
}

/** Latest, live objects and common prefixes after `after`, up to `max` entries in all. */
function walk(
  state: S3State,
  bucket: string,
  prefix: string,
  delimiter: string | undefined,
  after: string,
  max: number,
  withOwner: boolean,
): Walked {
  const out: Walked = { objects: [], prefixes: [], truncated: false, last: undefined };
  if (max <= 0) return out;
  let cursor = resumeAfter(after, prefix, delimiter);
  const batch = pageQuerySize(max);
  for (;;) {
    const rows = state.store.listCurrent(bucket, prefix, cursor, batch, withOwner);
    if (rows.length === 0) return out;
    for (const row of rows) {
      const key = row[0];
      cursor = key;
      if (row[1] === 1) continue;
      const entry = commonPrefixOf(key, prefix, delimiter);
      if (out.objects.length + out.prefixes.length >= max) {
        out.truncated = true;
        return out;
      }
      if (entry !== undefined) {
        out.prefixes.push(entry);
        out.last = entry;
        // Skip every other key under this common prefix in one step.
        cursor = prefixEnd(entry);
        break;
      }
      out.objects.push(row);
      out.last = key;
    }
  }
}

const unreserved = /[A-Za-z0-9._*/-]/;

/**
 * `encoding-type=url` as S3 writes it: each UTF-8 byte percent-encoded (upper-case hex) except
 * letters, digits, `.`, `-`, `_`, `*` and `/`, with a space as `+` (form encoding, as Java's
 * URLEncoder does, keeping `/`). Measured against AWS: `a b.txt` → `a+b.txt`, `a+b.txt` →
 * `a%2Bb.txt`, `100%.csv` → `100%25.csv`, `(test)` → `%28test%29`
 * (github.com/brekkylab/backlot/issues/178, github.com/versity/versitygw/issues/2156); `=` →
 * `%3D` and `%` → `%25` are recorded (test_list_objects_v2_continuation_token_safe_chars,
 * test_list_objects_with_prefix[%2F]).
 */
export function urlEncode(text: string): string {
  let out = '';
  for (const char of text) {
    if (char === ' ') out += '+';
    else if (unreserved.test(char)) out += char;
    else for (const byte of Buffer.from(char, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The encoder a listing's `encoding-type` asks for; anything but `url` (even empty) is refused. */
export function encoder(encodingType: string | undefined): (text: string) => string {
  if (encodingType === undefined) return (text) => text;
  if (encodingType !== 'url')
    throw invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', encodingType);
  return urlEncode;
}

function maxKeys(value: number | undefined): number {
  if (value === undefined) return 1000;
  if (value < 0)
    throw invalidArgument('Argument maxKeys must be an integer between 0 and 2147483647', 'maxKeys', String(value));
  return Math.min(value, 1000);
}

interface StoredChecksum {
  algorithm: string;
  type?: string;
}

/**
 * The stored checksum JSON as S3 writes it (`JSON.stringify({ algorithm, value, type })`, where
 * none of the three holds a quote or a backslash), read without JSON.parse: a page of 1,000
 * keys parsed each in turn. Anything else is parsed.
 */
const storedChecksum = /^\{"algorithm":"([A-Z0-9]+)","value":"[^"\\]*"(?:,"type":"([A-Z_]+)")?\}$/;

function storedChecksumOf(text: string): StoredChecksum {
  const match = storedChecksum.exec(text);
  if (!match) return JSON.parse(text) as StoredChecksum;
  return match[2] === undefined ? { algorithm: match[1] as string } : { algorithm: match[1] as string, type: match[2] };
}

/** ChecksumAlgorithm (a list, as the model has it) and ChecksumType of a listed object or version. */
function checksumFields(text: string | null): {
  ChecksumAlgorithm?: T.ChecksumAlgorithmList;
  ChecksumType?: T.ChecksumType;
} {
  if (!text) return {};
  const checksum = storedChecksumOf(text);
  return {
    ChecksumAlgorithm: [checksum.algorithm as T.ChecksumAlgorithm],
    ChecksumType: (checksum.type ?? 'FULL_OBJECT') as T.ChecksumType,
  };
}

function objectEntry(row: CurrentListed, encode: (text: string) => string, owner: boolean): T.Object {
  const [key, , size, etag, lastModified, storageClass, checksum, ownerAccount] = row;
  // Members assigned, not a spread of checksumFields among them: a spread followed by more
  // members is slow on this V8, and a page has a thousand entries.
  const entry: T.Object = { Key: encode(key), LastModified: httpDate(lastModified), ETag: etag ?? undefined };
  if (checksum) {
    const stored = storedChecksumOf(checksum);
    entry.ChecksumAlgorithm = [stored.algorithm as T.ChecksumAlgorithm];
    entry.ChecksumType = (stored.type ?? 'FULL_OBJECT') as T.ChecksumType;
  }
  entry.Size = size;
  entry.StorageClass = storageClass as T.ObjectStorageClass;
  if (owner) entry.Owner = ownerOf(ownerAccount as string);
  return entry;
}

function encodeToken(after: string): string {
  return Buffer.from(JSON.stringify({ after }), 'utf8').toString('base64');
}

/** The key a continuation token resumes after; "" and tokens Nimbus did not make are refused. */
function decodeToken(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string' && encodeToken(parsed.after) === token) return parsed.after;
  } catch {
    // falls through
  }
  // AWS names the argument but not its value (test_list_objects_v2_continuation_start_after).
  throw invalidArgument('The continuation token provided is incorrect', 'continuation-token', undefined);
}

/** ListObjectVersions' position: after key `key`, at versions older than row id `id`. */
interface VersionCursor {
  key: string;
  id: number;
}

function versionStart(state: S3State, bucket: string, input: T.ListObjectVersionsRequest): VersionCursor {
  const keyMarker = input.KeyMarker ?? '';
  const versionIdMarker = input.VersionIdMarker ?? '';
  if (keyMarker === '') {
    if (versionIdMarker !== '') {
      throw invalidArgument(
        'A version-id marker cannot be specified without a key marker.',
        'version-id-marker',
        versionIdMarker,
      );
    }
    return { key: '', id: Number.MAX_SAFE_INTEGER };
  }
  // A key marker alone resumes after every version of that key.
  if (versionIdMarker === '') return { key: keyMarker, id: 0 };
  const marker = state.store.version(bucket, keyMarker, versionIdMarker);
  if (marker) return { key: keyMarker, id: marker.id };
  return { key: keyMarker, id: afterDeletedVersion(state, bucket, keyMarker, versionIdMarker) };
}

/**
 * Where a listing resumes after a version that is gone: at the newest version of the key that is
 * older than it, as AWS does (list-object-version-prefix-page-2-after-delete). Version ids carry
 * their order (objects.ts); a `null` version is placed by its time.
 */
function afterDeletedVersion(state: S3State, bucket: string, key: string, versionId: string): number {
  const order = versionIdOrder(versionId);
  if (order === undefined) throw invalidArgument('Invalid version id specified', 'version-id-marker', versionId);
  const markerMs = Number(order >> 12n);
  let afterId = Number.MAX_SAFE_INTEGER;
  for (;;) {
    const rows = state.store.listVersions(bucket, key, key, afterId, 1000).filter((row) => row.key === key);
    if (rows.length === 0) return 0;
    for (const row of rows) {
      const rowOrder = versionIdOrder(row.version_id);
      const newer = rowOrder !== undefined ? rowOrder > order : row.last_modified > markerMs;
      if (!newer) return row.id + 1;
      afterId = row.id;
    }
  }
}

export function listingOperations(state: S3State) {
  return {
    listObjectsV2(_ctx, input) {
      state.bucket(input.Bucket);
      const encode = encoder(input.EncodingType);
      const max = maxKeys(input.MaxKeys);
      const prefix = input.Prefix ?? '';
      const delimiter = input.Delimiter || undefined;
      // A continuation token wins over StartAfter, which is then neither used nor echoed.
      const after =
        input.ContinuationToken !== undefined ? decodeToken(input.ContinuationToken) : (input.StartAfter ?? '');
      const walked = walk(state, input.Bucket, prefix, delimiter, after, max, input.FetchOwner === true);
      const out: T.ListObjectsV2Output = {
        Name: input.Bucket,
        Prefix: encode(prefix),
        MaxKeys: input.MaxKeys ?? 1000,
        KeyCount: walked.objects.length + walked.prefixes.length,
        IsTruncated: walked.truncated,
      };
      if (walked.objects.length > 0)
        out.Contents = walked.objects.map((row) => objectEntry(row, encode, input.FetchOwner === true));
      if (walked.prefixes.length > 0) out.CommonPrefixes = walked.prefixes.map((entry) => ({ Prefix: encode(entry) }));
      if (delimiter) out.Delimiter = encode(delimiter);
      if (input.EncodingType) out.EncodingType = input.EncodingType;
      if (input.ContinuationToken !== undefined) out.ContinuationToken = input.ContinuationToken;
      else if (input.StartAfter !== undefined) out.StartAfter = encode(input.StartAfter);
      if (walked.truncated && walked.last !== undefined) out.NextContinuationToken = encodeToken(walked.last);
      return out;
    },

    listObjects(_ctx, input) {
      state.bucket(input.Bucket);
      const encode = encoder(input.EncodingType);
      const max = maxKeys(input.MaxKeys);
      const prefix = input.Prefix ?? '';
      const delimiter = input.Delimiter || undefined;
      const walked = walk(state, input.Bucket, prefix, delimiter, input.Marker ?? '', max, true);
      const out: T.ListObjectsOutput = {
        Name: input.Bucket,
        Prefix: encode(prefix),
        Marker: encode(input.Marker ?? ''),
        MaxKeys: input.MaxKeys ?? 1000,
        IsTruncated: walked.truncated,
      };
      if (walked.objects.length > 0) out.Contents = walked.objects.map((row) => objectEntry(row, encode, true));
      if (walked.prefixes.length > 0) out.CommonPrefixes = walked.prefixes.map((entry) => ({ Prefix: encode(entry) }));
      if (delimiter) out.Delimiter = encode(delimiter);
      if (input.EncodingType) out.EncodingType = input.EncodingType;
      // NextMarker comes only with a delimiter; without one, the last key is the next marker.
      if (walked.truncated && delimiter && walked.last !== undefined) out.NextMarker = encode(walked.last);
      return out;
    },

    listObjectVersions(_ctx, input) {
      const bucket = state.bucket(input.Bucket);
      const encode = encoder(input.EncodingType);
      const max = maxKeys(input.MaxKeys);
      const prefix = input.Prefix ?? '';
      const delimiter = input.Delimiter || undefined;
      const start = versionStart(state, bucket.name, input);
      let afterKey = start.key;
      let afterId = start.id;
      // A key marker inside a common prefix (returned by an earlier page) skips the whole prefix.
      const rolledUp = commonPrefixOf(afterKey, prefix, delimiter);
      if (rolledUp !== undefined) {
        afterKey = prefixEnd(rolledUp);
        afterId = 0;
      }
      const versions: T.ObjectVersion[] = [];
      const markers: T.DeleteMarkerEntry[] = [];
      const prefixes: string[] = [];
      let truncated = false;
      let last: { key: string; versionId?: string } | undefined;
      let count = 0;
      // MaxKeys 0 lists nothing and is not truncated, as ListObjectsV2 (UNVERIFIED for versions).
      outer: while (max > 0) {
        const rows = state.store.listVersions(bucket.name, prefix, afterKey, afterId, pageQuerySize(max));
        if (rows.length === 0) break;
        for (const row of rows) {
          afterKey = row.key;
          afterId = row.id;
          if (count >= max) {
            truncated = true;
            break outer;
          }
          count++;
          const entry = commonPrefixOf(row.key, prefix, delimiter);
          if (entry !== undefined) {
            prefixes.push(entry);
            last = { key: entry };
            afterKey = prefixEnd(entry);
            afterId = 0;
            continue outer;
          }
          last = { key: row.key, versionId: row.version_id };
          const common = {
            Key: encode(row.key),
            VersionId: row.version_id,
            IsLatest: row.is_latest === 1,
            LastModified: httpDate(row.last_modified),
            Owner: ownerOf(row.owner),
          };
          if (row.delete_marker === 1) markers.push(common);
          else {
            versions.push({
              ...common,
              ETag: row.etag ?? undefined,
              ...checksumFields(row.checksum),
              Size: row.size,
              StorageClass: row.storage_class as T.ObjectVersionStorageClass,
            });
          }
        }
      }
      const out: T.ListObjectVersionsOutput = {
        Name: bucket.name,
        Prefix: encode(prefix),
        KeyMarker: encode(input.KeyMarker ?? ''),
        VersionIdMarker: input.VersionIdMarker ?? '',
        MaxKeys: input.MaxKeys ?? 1000,
        IsTruncated: truncated,
      };
      if (versions.length > 0) out.Versions = versions;
      if (markers.length > 0) out.DeleteMarkers = markers;
      if (prefixes.length > 0) out.CommonPrefixes = prefixes.map((entry) => ({ Prefix: encode(entry) }));
      if (delimiter) out.Delimiter = encode(delimiter);
      if (input.EncodingType) out.EncodingType = input.EncodingType;
      if (truncated && last) {
        out.NextKeyMarker = encode(last.key);
        if (last.versionId !== undefined) out.NextVersionIdMarker = last.versionId;
      }
      return out;
    },

    listMultipartUploads(_ctx, input) {
      state.bucket(input.Bucket);
      const encode = encoder(input.EncodingType);
      const max = Math.min(input.MaxUploads ?? 1000, 1000);
      const prefix = input.Prefix ?? '';
      const delimiter = input.Delimiter || undefined;
      const keyMarker = input.KeyMarker ?? '';
      // An upload-id marker counts only beside a key marker, and must be an upload of that key.
      const uploadIdMarker = keyMarker !== '' ? (input.UploadIdMarker ?? '') : '';
      if (uploadIdMarker !== '') {
        const marker = state.store.upload(uploadIdMarker);
        if (!marker || marker.bucket !== input.Bucket || marker.key !== keyMarker) {
          throw invalidArgument('Invalid uploadId marker', 'upload-id-marker', uploadIdMarker);
        }
      }
      // A key marker alone resumes after every upload of that key; inside a common prefix, after the prefix.
      let afterKey = keyMarker;
      let afterUpload = uploadIdMarker !== '' ? uploadIdMarker : '\u{10FFFF}';
      const rolledUp = commonPrefixOf(keyMarker, prefix, delimiter);
      if (rolledUp !== undefined) {
        afterKey = prefixEnd(rolledUp);
        afterUpload = '';
      }
      const uploads: UploadRow[] = [];
      const prefixes: string[] = [];
      let truncated = false;
      outer: while (max > 0) {
        const rows = state.store.uploadsOf(input.Bucket, prefix, afterKey, afterUpload, pageQuerySize(max));
        if (rows.length === 0) break;
        for (const row of rows) {
          afterKey = row.key;
          afterUpload = row.upload_id;
          if (uploads.length + prefixes.length >= max) {
            truncated = true;
            break outer;
          }
          const entry = commonPrefixOf(row.key, prefix, delimiter);
          if (entry !== undefined) {
            prefixes.push(entry);
            afterKey = prefixEnd(entry);
            afterUpload = '';
            continue outer;
          }
          uploads.push(row);
        }
      }
      // NextKeyMarker and NextUploadIdMarker always come: the last upload listed, or "" (even
      // when a page that ends on a common prefix is truncated: test_list_multipart_uploads_marker_common_prefixes).
      const last = uploads[uploads.length - 1];
      const out: T.ListMultipartUploadsOutput = {
        Bucket: input.Bucket,
        KeyMarker: encode(keyMarker),
        UploadIdMarker: uploadIdMarker,
        NextKeyMarker: last ? encode(last.key) : '',
        NextUploadIdMarker: last ? last.upload_id : '',
        MaxUploads: max,
        IsTruncated: truncated,
      };
      if (input.Prefix !== undefined) out.Prefix = encode(prefix);
      if (delimiter) out.Delimiter = encode(delimiter);
      if (input.EncodingType) out.EncodingType = input.EncodingType;
      if (uploads.length > 0) {
        out.Uploads = uploads.map((upload) => {
          const entry: T.MultipartUpload = {
            UploadId: upload.upload_id,
            Key: encode(upload.key),
            Initiated: httpDate(upload.initiated_at),
            StorageClass: upload.storage_class as T.StorageClass,
            Owner: ownerOf(upload.owner),
            Initiator: ownerOf(upload.owner),
          };
          if (upload.checksum_algorithm) {
            entry.ChecksumAlgorithm = upload.checksum_algorithm as T.ChecksumAlgorithm;
            entry.ChecksumType = (upload.checksum_type ?? 'COMPOSITE') as T.ChecksumType;
          }
          return entry;
        });
      }
      if (prefixes.length > 0) out.CommonPrefixes = prefixes.map((entry) => ({ Prefix: encode(entry) }));
      return out;
    },
  } satisfies Partial<S3Operations<RequestContext>>;
}
