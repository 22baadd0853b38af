/**
 * What every S3 operation works with: the store, the blobs, the clock, and the bucket a request
 * names. Bucket names are global: any account may ask, and the bucket's owner and region are
 * its own.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { BlobStore } from '../../state/blob-store.js';
import type { ServiceDeps } from '../service-types.js';
import { noSuchBucket } from './errors.js';
import { type BucketRow, type ObjectRow, S3Store } from './store.js';

export interface Owner {
  ID: string;
}

export class S3State {
  readonly store: S3Store;
  readonly blobs: BlobStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly deps: ServiceDeps;
  /** Delivers queued event notifications (notifications.ts); set by the provider. */
  events: { schedule(): void } | undefined;

  constructor(deps: ServiceDeps) {
    this.store = new S3Store(deps.db);
    this.blobs = deps.blobs;
    this.clock = deps.clock;
    this.logger = deps.logger;
    this.deps = deps;
  }

  now(): number {
    return this.clock.now();
  }

  bucket(name: string): BucketRow {
    const row = this.store.bucket(name);
    if (!row) throw noSuchBucket(name);
    return row;
  }

  /** Deletes blobs once the rows that named them are gone (after the request's commit). */
  dropBlobs(rows: ReadonlyArray<Pick<ObjectRow, 'blobs'>>): void {
    const ids: string[] = [];
    for (const row of rows)
      if (row.blobs) for (const [id] of JSON.parse(row.blobs) as Array<[string, number]>) ids.push(id);
    this.dropBlobIds(ids);
  }

  /** Deletes blobs after the commit; an undefined id (an inline body, object-io.ts) has none. */
  dropBlobIds(named: ReadonlyArray<string | undefined>): void {
    const ids = named.filter((id): id is string => id !== undefined);
    if (ids.length === 0) return;
    // After the commit: a crash in between leaves an orphan file, never a row without bytes;
    // a failed commit keeps the rows, and so the files.
    const remove = () => {
      for (const id of ids) {
        this.blobs.delete(id).catch((error: unknown) => this.logger.warn(`s3: could not delete blob ${id}: ${error}`));
      }
    };
    const pending = this.deps.db.settled();
    if (pending) pending.then(remove, () => {});
    else setImmediate(remove);
  }
}

/** An account's canonical user id: 64 hex characters, as S3's are, stable per account. */
const ownerIds = new Map<string, string>();

export function ownerOf(account: string): Owner {
  let id = ownerIds.get(account);
  if (id === undefined) {
    id = createHash('sha256').update(`nimbus-s3-owner:${account}`).digest('hex');
    ownerIds.set(account, id);
  }
  return { ID: id };
}

/** S3's `Last-Modified`: second precision. */
export function httpDate(ms: number): Date {
  return new Date(Math.floor(ms / 1000) * 1000);
}
