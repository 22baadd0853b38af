/**
 * Object Lock on object versions: retention (GOVERNANCE, COMPLIANCE) and legal holds, and the
 * deletes they refuse. The bucket's own Object Lock configuration (and its default retention) is
 * in bucket-extras.ts, kept as the bucket config `object-lock`; this file only reads it.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
 *
 * Evidence, unless a comment says otherwise: shared/aws-reference/recorded-responses/services/s3
 * (test_s3 TestS3ObjectLockRetention, TestS3ObjectLockLegalHold; test_s3_api TestS3ObjectLock).
 * Retention ends on the Nimbus clock.
 */
import type { S3Operations } from '../../generated/s3/operations.js';
import type * as T from '../../generated/s3/types.js';
import type { RequestContext } from '../service-types.js';
import { invalidArgument, malformedXml, missingObjectLock, objectLocked, s3Error } from './errors.js';
import { findObject } from './objects.js';
import type { S3State } from './state.js';
import type { BucketRow, ObjectRow } from './store.js';

/** What the `lock` column of a version (or an upload) holds. */
export interface VersionLock {
  mode?: T.ObjectLockMode;
  /** Epoch milliseconds. */
  retainUntil?: number;
  /** Kept as OFF once a hold was lifted: HeadObject then still names it (test_s3_legal_hold_lock_versioned). */
  legalHold?: T.ObjectLockLegalHoldStatus;
}

const modes: ReadonlySet<string> = new Set(['GOVERNANCE', 'COMPLIANCE']);
const holdStatuses: ReadonlySet<string> = new Set(['ON', 'OFF']);
const day = 24 * 60 * 60 * 1000;

const parsedLocks = new WeakMap<object, VersionLock>();

/** A row's Object Lock, parsed once per row object (rows never change). Callers must not change it. */
export function lockOf(row: { lock: string | null }): VersionLock | undefined {
  if (!row.lock) return undefined;
  let lock = parsedLocks.get(row);
  if (!lock) {
    lock = JSON.parse(row.lock) as VersionLock;
    parsedLocks.set(row, lock);
  }
  return lock;
}

export function lockJson(lock: VersionLock | undefined): string | null {
  if (!lock || (lock.mode === undefined && lock.legalHold === undefined)) return null;
  return JSON.stringify(lock);
}

/**
 * A date as Java's `Date.toString()` writes it in US Pacific time, whatever the bucket's region:
 * `Tue Dec 31 16:00:00 PST 2019` for 2020-01-01T00:00:00Z (test_s3_object_retention_exc).
 */
export function javaPacificDate(ms: number): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/Los_Angeles',
      weekday: 'short',
      month: 'short',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
      year: 'numeric',
    })
      .formatToParts(new Date(ms))
      .map((part) => [part.type, part.value]),
  ) as Record<string, string>;
  return `${parts.weekday} ${parts.month} ${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${parts.timeZoneName} ${parts.year}`;
}

function retainUntilInFuture(state: S3State, date: Date, argumentName: string): number {
  const ms = date.getTime();
  // Not after now: S3 refuses before it looks at the version's own lock (test_s3_object_retention_exc).
  if (!Number.isFinite(ms) || ms <= state.now()) {
    throw invalidArgument(
      'The retain until date must be in the future!',
      argumentName,
      Number.isFinite(ms) ? javaPacificDate(ms) : undefined,
    );
  }
  return ms;
}

type LockHeaders = Pick<
  T.PutObjectRequest,
  'ObjectLockMode' | 'ObjectLockRetainUntilDate' | 'ObjectLockLegalHoldStatus'
>;

/**
 * The lock a write asks for in its x-amz-object-lock-* headers (PutObject, CopyObject,
 * CreateMultipartUpload); undefined when it sends none. Mode and date come as a pair, checked
 * before the mode's value (test_s3_object_lock_mode_validation: "BAD-VALUE" without a date is the pairing
 * error). Then a bucket without Object Lock refuses them (the error PutObjectRetention gives
 * there; which check comes first was not recorded).
 */
export function requestedLock(state: S3State, bucket: BucketRow, input: LockHeaders): VersionLock | undefined {
  const { ObjectLockMode: mode, ObjectLockRetainUntilDate: until, ObjectLockLegalHoldStatus: hold } = input;
  if (mode === undefined && until === undefined && hold === undefined) return undefined;
  const pairing = 'x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied';
  if (mode !== undefined && until === undefined) throw invalidArgument(pairing, 'x-amz-object-lock-retain-until-date');
  if (mode === undefined && until !== undefined) throw invalidArgument(pairing, 'x-amz-object-lock-mode');
  if (mode !== undefined && !modes.has(mode)) {
    throw invalidArgument('Unknown wormMode directive.', 'x-amz-object-lock-mode', mode);
  }
  // Not recorded: the text S3 is reported to give for another legal hold value.
  if (hold !== undefined && !holdStatuses.has(hold)) {
    throw invalidArgument("Legal Hold must be either of 'ON' or 'OFF'", 'x-amz-object-lock-legal-hold', hold);
  }
  if (bucket.object_lock !== 1) throw missingObjectLock();
  const lock: VersionLock = {};
  if (mode !== undefined && until !== undefined) {
    lock.mode = mode;
    // A past date was not recorded for the header; S3's PutObjectRetention text, naming the header.
    lock.retainUntil = retainUntilInFuture(state, until, 'x-amz-object-lock-retain-until-date');
  }
  if (hold !== undefined) lock.legalHold = hold;
  return lock;
}

/**
 * The lock of a new version: what the write asked for, else the bucket's default retention from
 * now, not rounded (test_bucket_config_default_retention: RetainUntilDate = LastModified + 1
 * day). A legal hold alone still gets the default. A year is taken as 365 days (not recorded).
 */
export function newVersionLock(state: S3State, bucket: BucketRow, asked: VersionLock | undefined): string | null {
  if (bucket.object_lock !== 1 || asked?.mode !== undefined) return lockJson(asked);
  const retention = state.store.config<T.ObjectLockConfiguration>(bucket.name, 'object-lock')?.Rule?.DefaultRetention;
  if (!retention?.Mode) return lockJson(asked);
  const days = retention.Days ?? (retention.Years ?? 0) * 365;
  return lockJson({ ...asked, mode: retention.Mode, retainUntil: state.now() + days * day });
}

/** Whether a version's retention still holds on the Nimbus clock. */
function retained(lock: VersionLock | undefined, now: number): boolean {
  return lock?.mode !== undefined && lock.retainUntil !== undefined && lock.retainUntil > now;
}

/**
 * Refuses to delete a locked version: a legal hold ON, or retention not yet over, GOVERNANCE
 * unless bypassed, COMPLIANCE always (test_s3_object_retention_compliance_mode,
 * test_delete_locked_object). A version whose hold is OFF and whose retention has ended goes.
 */
export function checkDeletable(row: ObjectRow, now: number, bypassGovernance: boolean): void {
  const lock = lockOf(row);
  if (!lock) return;
  if (lock.legalHold === 'ON') throw objectLocked();
  if (retained(lock, now) && (lock.mode === 'COMPLIANCE' || !bypassGovernance)) throw objectLocked();
}

/** Whether a lifecycle rule must spare a version: any lock that would refuse a delete. */
export function isLocked(row: ObjectRow, now: number): boolean {
  const lock = lockOf(row);
  return lock !== undefined && (lock.legalHold === 'ON' || retained(lock, now));
}

/** Adds a version's lock to a GetObject or HeadObject answer, as set (an OFF hold included). */
export function addLockOutput(row: ObjectRow, out: T.GetObjectOutput | T.HeadObjectOutput): void {
  const lock = lockOf(row);
  if (!lock) return;
  if (lock.mode !== undefined) out.ObjectLockMode = lock.mode;
  if (lock.retainUntil !== undefined) out.ObjectLockRetainUntilDate = new Date(lock.retainUntil);
  if (lock.legalHold !== undefined) out.ObjectLockLegalHoldStatus = lock.legalHold;
}

function requireObjectLock(bucket: BucketRow): void {
  if (bucket.object_lock !== 1) throw missingObjectLock();
}

/** The version a retention or hold request names, in a bucket with Object Lock; 405 for a delete marker. */
function lockableVersion(
  state: S3State,
  input: { Bucket: string; Key: string; VersionId?: string },
  method: 'GET' | 'PUT',
): ObjectRow {
  const bucket = state.bucket(input.Bucket);
  requireObjectLock(bucket);
  return findObject(state, bucket, input.Key, input.VersionId, method);
}

const noLockConfiguration = () =>
  s3Error('NoSuchObjectLockConfiguration', 404, 'The specified object does not have a ObjectLock configuration');

/**
 * The retention a PutObjectRetention asks for: undefined for `Retention={}`, which removes it.
 * Mode and date come together, the mode a known one; anything else is MalformedXML, unlike the
 * headers of PutObject (test_s3_object_retention_exc).
 */
function askedRetention(retention: T.ObjectLockRetention | undefined): T.ObjectLockRetention | undefined {
  if (retention === undefined || retention === null) throw malformedXml();
  if (typeof retention !== 'object') {
    // An empty <Retention/> element may come as an empty string.
    if (String(retention).trim() === '') return undefined;
    throw malformedXml();
  }
  const { Mode: mode, RetainUntilDate: until } = retention;
  if (mode === undefined && until === undefined) return undefined;
  if (mode === undefined || until === undefined || !modes.has(mode)) throw malformedXml();
  return { Mode: mode, RetainUntilDate: until instanceof Date ? until : new Date(String(until)) };
}

export function objectLockOperations(state: S3State) {
  return {
    putObjectRetention(_ctx, input) {
      const row = lockableVersion(state, input, 'PUT');
      const asked = askedRetention(input.Retention);
      // The date is checked before the version's lock: a past date is InvalidArgument even on a
      // version that would refuse the change.
      const until = asked ? retainUntilInFuture(state, asked.RetainUntilDate as Date, 'RetainUntilDate') : undefined;
      const current = lockOf(row);
      if (retained(current, state.now())) {
        // Extending needs no bypass; shortening, removing, or COMPLIANCE to GOVERNANCE does, and
        // COMPLIANCE takes no bypass at all (test_s3_object_retention, ..._compliance_mode).
        const reduces =
          until === undefined ||
          until < (current?.retainUntil ?? 0) ||
          (current?.mode === 'COMPLIANCE' && asked?.Mode === 'GOVERNANCE');
        if (reduces && (current?.mode === 'COMPLIANCE' || input.BypassGovernanceRetention !== true)) {
          throw objectLocked();
        }
      }
      const lock: VersionLock = {};
      if (asked && until !== undefined) {
        lock.mode = asked.Mode as T.ObjectLockMode;
        lock.retainUntil = until;
      }
      if (current?.legalHold !== undefined) lock.legalHold = current.legalHold;
      state.store.setLock(row, lockJson(lock));
      const out: T.PutObjectRetentionOutput = {};
      return out;
    },

    getObjectRetention(_ctx, input) {
      const row = lockableVersion(state, input, 'GET');
      const lock = lockOf(row);
      if (lock?.mode === undefined || lock.retainUntil === undefined) throw noLockConfiguration();
      const out: T.GetObjectRetentionOutput = {
        Retention: { Mode: lock.mode, RetainUntilDate: new Date(lock.retainUntil) },
      };
      return out;
    },

    putObjectLegalHold(_ctx, input) {
      const bucket = state.bucket(input.Bucket);
      // The body is checked before the bucket's lock: no LegalHold is MalformedXML even on a
      // bucket without Object Lock (test_put_object_legal_hold_exc).
      const status = input.LegalHold?.Status;
      if (status === undefined || !holdStatuses.has(status)) throw malformedXml();
      requireObjectLock(bucket);
      const row = findObject(state, bucket, input.Key, input.VersionId, 'PUT');
      const lock: VersionLock = { ...lockOf(row), legalHold: status };
      state.store.setLock(row, lockJson(lock));
      const out: T.PutObjectLegalHoldOutput = {};
      return out;
    },

    getObjectLegalHold(_ctx, input) {
      const row = lockableVersion(state, input, 'GET');
      const status = lockOf(row)?.legalHold;
      if (status === undefined) throw noLockConfiguration();
      const out: T.GetObjectLegalHoldOutput = { LegalHold: { Status: status } };
      return out;
    },
  } satisfies Partial<S3Operations<RequestContext>>;
}
