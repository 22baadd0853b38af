/**
 * Lifecycle rules, on the Nimbus clock: expiration of current versions by age or date (a delete
 * marker in a versioned bucket), removal of expired delete markers, expiration of noncurrent
 * versions, and aborting incomplete multipart uploads. As AWS does, an age counts from the
 * object's creation and is rounded up to the next midnight UTC
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-expire-general-considerations.html).
 * A sweep runs every minute of Nimbus time, so moving the clock a day forward applies a day.
 */
import type { ClockTimer } from '../../core/clock.js';
import type * as T from '../../generated/s3/types.js';
import { invalidArgument, malformedXml } from './errors.js';
import { isLocked } from './object-lock.js';
import { storeVersion } from './objects.js';
import type { S3State } from './state.js';
import type { ObjectRow } from './store.js';

const dayMs = 86_400_000;
const sweepEveryMs = 60_000;

export function checkLifecycleConfiguration(
  config: T.BucketLifecycleConfiguration | undefined,
): T.BucketLifecycleConfiguration {
  const rules = config?.Rules ?? [];
  if (rules.length === 0 || rules.length > 1000) throw malformedXml();
  const ids = new Set<string>();
  for (const rule of rules) {
    if (rule.Status !== 'Enabled' && rule.Status !== 'Disabled') throw malformedXml();
    if (rule.ID !== undefined) {
      if (rule.ID.length > 255) throw invalidArgument('ID length should not exceed allowed limit of 255');
      if (ids.has(rule.ID)) throw invalidArgument('Rule ID must be unique. Found same ID for more than one rule');
      ids.add(rule.ID);
    }
    const days = rule.Expiration?.Days;
    if (days !== undefined && (!Number.isInteger(days) || days < 1)) {
      throw invalidArgument("'Days' for Expiration action must be a positive integer");
    }
    const noncurrent = rule.NoncurrentVersionExpiration?.NoncurrentDays;
    if (noncurrent !== undefined && (!Number.isInteger(noncurrent) || noncurrent < 1)) {
      throw invalidArgument("'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer");
    }
    if (
      !rule.Expiration &&
      !rule.NoncurrentVersionExpiration &&
      !rule.AbortIncompleteMultipartUpload &&
      !rule.Transitions?.length &&
      !rule.NoncurrentVersionTransitions?.length
    ) {
      throw invalidArgument('At least one action needs to be specified in a rule');
    }
  }
  return { Rules: rules };
}

/** Creation time plus `days`, rounded up to the next midnight UTC. */
export function expiryOf(createdAt: number, days: number): number {
  return Math.ceil((createdAt + days * dayMs) / dayMs) * dayMs;
}

function prefixOf(rule: T.LifecycleRule): string {
  return rule.Filter?.Prefix ?? rule.Filter?.And?.Prefix ?? rule.Prefix ?? '';
}

function matches(rule: T.LifecycleRule, row: ObjectRow): boolean {
  const filter = rule.Filter;
  const tags = row.tags ? (JSON.parse(row.tags) as T.Tag[]) : [];
  const hasTag = (wanted: T.Tag) => tags.some((tag) => tag.Key === wanted.Key && tag.Value === wanted.Value);
  if (filter?.Tag && !hasTag(filter.Tag)) return false;
  if (filter?.And?.Tags && !filter.And.Tags.every(hasTag)) return false;
  const greater = filter?.ObjectSizeGreaterThan ?? filter?.And?.ObjectSizeGreaterThan;
  if (greater !== undefined && row.size <= greater) return false;
  const less = filter?.ObjectSizeLessThan ?? filter?.And?.ObjectSizeLessThan;
  if (less !== undefined && row.size >= less) return false;
  return true;
}

export class LifecycleSweeper {
  readonly #state: S3State;
  #timer: ClockTimer | undefined;

  constructor(state: S3State) {
    this.#state = state;
    this.#arm();
  }

  #arm(): void {
    this.#timer = this.#state.clock.schedule(this.#state.now() + sweepEveryMs, () => {
      try {
        this.sweep();
      } finally {
        this.#arm();
      }
    });
  }

  /** Applies every enabled rule of every bucket once. */
  sweep(): void {
    const state = this.#state;
    const now = state.now();
    for (const { bucket: name, value } of state.store.bucketsWithConfig('lifecycle')) {
      const bucket = state.store.bucket(name);
      if (!bucket) continue;
      const rules = (JSON.parse(value) as T.BucketLifecycleConfiguration).Rules.filter(
        (rule) => rule.Status === 'Enabled',
      );
      if (rules.length === 0) continue;
      state.store.transaction(() => {
        for (const rule of rules) this.#apply(bucket.name, rule, now);
      });
    }
  }

  #apply(bucketName: string, rule: T.LifecycleRule, now: number): void {
    const state = this.#state;
    const prefix = prefixOf(rule);
    const expiration = rule.Expiration;
    const noncurrentDays = rule.NoncurrentVersionExpiration?.NoncurrentDays;
    const rows = [...state.store.allVersions(bucketName, prefix)];
    // Rows come per key, newest first: the version after a noncurrent one made it noncurrent.
    let previousKey: string | undefined;
    let newerModified = 0;
    for (const row of rows) {
      const newer = row.key === previousKey ? newerModified : undefined;
      previousKey = row.key;
      newerModified = row.last_modified;
      if (!matches(rule, row)) continue;
      const bucket = state.store.bucket(bucketName);
      if (!bucket) return;
      if (row.is_latest === 1 && row.delete_marker === 0 && expiration) {
        const due =
          expiration.Days !== undefined
            ? expiryOf(row.last_modified, expiration.Days)
            : expiration.Date !== undefined
              ? new Date(expiration.Date).getTime()
              : undefined;
        if (due !== undefined && now >= due) {
          if (bucket.versioning === null) {
            state.store.deleteVersion(row);
            state.dropBlobs([row]);
          } else {
            storeVersion(state, bucket, {
              bucket: bucketName,
              key: row.key,
              delete_marker: 1,
              size: 0,
              etag: null,
              blobs: null,
              last_modified: now,
              owner: row.owner,
              metadata: null,
              headers: null,
              storage_class: 'STANDARD',
              checksum: null,
              tags: null,
              parts: null,
            });
          }
        }
      } else if (row.is_latest === 1 && row.delete_marker === 1 && expiration?.ExpiredObjectDeleteMarker) {
        const versions = rows.filter((other) => other.key === row.key);
        if (versions.length === 1) state.store.deleteVersion(row);
      } else if (row.is_latest === 0 && noncurrentDays !== undefined && newer !== undefined) {
        // A locked version outlives its rule: S3 does not expire it while its retention or
        // legal hold holds (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html).
        if (now >= expiryOf(newer, noncurrentDays) && !isLocked(row, now)) {
          state.store.deleteVersion(row);
          state.dropBlobs([row]);
        }
      }
    }
    const abortDays = rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation;
    if (abortDays !== undefined) {
      for (const upload of state.store.allUploads(bucketName)) {
        if (!upload.key.startsWith(prefix) || now < expiryOf(upload.initiated_at, abortDays)) continue;
        const parts = state.store.deleteUpload(upload.upload_id);
        state.dropBlobIds(parts.map((part) => part.blob_id));
      }
    }
  }

  dispose(): void {
    this.#timer?.cancel();
  }
}
