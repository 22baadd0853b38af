/**
 * ListObjects (v1), ListObjectsV2 and ListObjectVersions. Keys come in UTF-8 binary order from
 * the key index; a delimiter folds keys into CommonPrefixes, and the walk then jumps past the
 * whole prefix instead of reading every key under it, so a listing costs what it returns.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
 */
import type { S3Operations } from '../../generated/s3/operations.js';
import type * as T from '../../generated/s3/types.js';
import type { RequestContext } from '../service-types.js';
import { invalidArgument } from './errors.js';
import { ownerOf, type S3State } from './state.js';
import { type ObjectRow, prefixEnd } from './store.js';

interface Walked {
  objects: ObjectRow[];
  prefixes: string[];
  truncated: boolean;
  /** The last key or common prefix returned: where the next page starts. */
  last: string | undefined;
}

/** Latest, live objects and common prefixes after `after`, up to `max` entries in all. */
function walk(
  state: S3State,
  bucket: string,
  prefix: string,
  delimiter: string | undefined,
  after: string,
  max: number,
): Walked {
  const out: Walked = { objects: [], prefixes: [], truncated: false, last: undefined };
  if (max <= 0) return out;
  let cursor = after;
  const batch = Math.min(max + 1, 1000);
  for (;;) {
    const rows = state.store.listCurrent(bucket, prefix, cursor, batch);
    if (rows.length === 0) return out;
    for (const row of rows) {
      cursor = row.key;
      if (row.delete_marker === 1) continue;
      let entry: string | undefined;
      if (delimiter) {
        const at = row.key.indexOf(delimiter, prefix.length);
        if (at >= 0) entry = row.key.slice(0, at + delimiter.length);
      }
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
      out.last = row.key;
    }
  }
}

function encoder(encodingType: string | undefined): (text: string) => string {
  if (encodingType === undefined) return (text) => text;
  if (encodingType !== 'url')
    throw invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', encodingType);
  // S3 encodes as a URL path would, keeping `/`.
  return (text) => encodeURIComponent(text).replace(/%2F/g, '/');
}

function maxKeys(value: number | undefined): number {
  if (value === undefined) return 1000;
  if (value < 0)
    throw invalidArgument('Argument maxKeys must be an integer between 0 and 2147483647', 'maxKeys', String(value));
  return Math.min(value, 1000);
}

function objectEntry(row: ObjectRow, encode: (text: string) => string, owner: boolean): T.Object {
  const entry: T.Object = {
    Key: encode(row.key),
    LastModified: new Date(row.last_modified),
    ETag: row.etag ?? undefined,
    Size: row.size,
    StorageClass: row.storage_class as T.ObjectStorageClass,
  };
  if (row.checksum)
    entry.ChecksumAlgorithm = [(JSON.parse(row.checksum) as { algorithm: string }).algorithm as T.ChecksumAlgorithm];
  if (owner) entry.Owner = ownerOf(row.owner);
  return entry;
}

function encodeToken(after: string): string {
  return Buffer.from(JSON.stringify({ after }), 'utf8').toString('base64');
}

function decodeToken(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string') return parsed.after;
  } catch {
    // falls through
  }
  throw invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
}

export function listingOperations(state: S3State) {
  return {
    listObjectsV2(_ctx, input) {
      state.bucket(input.Bucket);
      const encode = encoder(input.EncodingType);
      const max = maxKeys(input.MaxKeys);
      const prefix = input.Prefix ?? '';
      let after = input.StartAfter ?? '';
      if (input.ContinuationToken !== undefined) after = decodeToken(input.ContinuationToken);
      const walked = walk(state, input.Bucket, prefix, input.Delimiter || undefined, after, max);
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
      if (input.Delimiter) out.Delimiter = encode(input.Delimiter);
      if (input.EncodingType) out.EncodingType = input.EncodingType;
      if (input.StartAfter !== undefined) out.StartAfter = encode(input.StartAfter);
      if (input.ContinuationToken !== undefined) out.ContinuationToken = input.ContinuationToken;
      if (walked.truncated && walked.last !== undefined) out.NextContinuationToken = encodeToken(walked.last);
      return out;
    },

    listObjects(_ctx, input) {
      state.bucket(input.Bucket);
      const encode = encoder(input.EncodingType);
      const max = maxKeys(input.MaxKeys);
      const prefix = input.Prefix ?? '';
      const walked = walk(state, input.Bucket, prefix, input.Delimiter || undefined, input.Marker ?? '', max);
      const out: T.ListObjectsOutput = {
        Name: input.Bucket,
        Prefix: encode(prefix),
        Marker: encode(input.Marker ?? ''),
        MaxKeys: input.MaxKeys ?? 1000,
        IsTruncated: walked.truncated,
      };
      if (walked.objects.length > 0) out.Contents = walked.objects.map((row) => objectEntry(row, encode, true));
      if (walked.prefixes.length > 0) out.CommonPrefixes = walked.prefixes.map((entry) => ({ Prefix: encode(entry) }));
      if (input.Delimiter) out.Delimiter = encode(input.Delimiter);
      if (input.EncodingType) out.EncodingType = input.EncodingType;
      // NextMarker comes only with a delimiter; without one, the last key is the next marker.
      if (walked.truncated && input.Delimiter && walked.last !== undefined) out.NextMarker = encode(walked.last);
      return out;
    },

    listObjectVersions(_ctx, input) {
      const bucket = state.bucket(input.Bucket);
      const encode = encoder(input.EncodingType);
      const max = maxKeys(input.MaxKeys);
      const prefix = input.Prefix ?? '';
      const delimiter = input.Delimiter || undefined;
      let afterKey = input.KeyMarker ?? '';
      let afterId = Number.MAX_SAFE_INTEGER;
      if (input.KeyMarker && input.VersionIdMarker) {
        const marker = state.store.version(bucket.name, input.KeyMarker, input.VersionIdMarker);
        if (!marker) throw invalidArgument('Invalid version id specified', 'version-id-marker', input.VersionIdMarker);
        afterId = marker.id;
      } else if (input.KeyMarker) {
        afterId = 0;
      }
      const versions: T.ObjectVersion[] = [];
      const markers: T.DeleteMarkerEntry[] = [];
      const prefixes: string[] = [];
      let truncated = false;
      let last: ObjectRow | undefined;
      let count = 0;
      outer: for (;;) {
        const rows = state.store.listVersions(bucket.name, prefix, afterKey, afterId, Math.min(max + 1, 1000));
        if (rows.length === 0) break;
        for (const row of rows) {
          afterKey = row.key;
          afterId = row.id;
          if (delimiter) {
            const at = row.key.indexOf(delimiter, prefix.length);
            if (at >= 0) {
              const entry = row.key.slice(0, at + delimiter.length);
              if (count >= max) {
                truncated = true;
                break outer;
              }
              prefixes.push(entry);
              count++;
              afterKey = prefixEnd(entry);
              afterId = 0;
              continue outer;
            }
          }
          if (count >= max) {
            truncated = true;
            break outer;
          }
          count++;
          last = row;
          const common = {
            Key: encode(row.key),
            VersionId: row.version_id,
            IsLatest: row.is_latest === 1,
            LastModified: new Date(row.last_modified),
            Owner: ownerOf(row.owner),
          };
          if (row.delete_marker === 1) markers.push(common);
          else {
            versions.push({
              ...common,
              ETag: row.etag ?? undefined,
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
      if (input.Delimiter) out.Delimiter = encode(input.Delimiter);
      if (input.EncodingType) out.EncodingType = input.EncodingType;
      if (truncated && last) {
        out.NextKeyMarker = encode(last.key);
        out.NextVersionIdMarker = last.version_id;
      }
      return out;
    },
  } satisfies Partial<S3Operations<RequestContext>>;
}
