import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  GetObjectLegalHoldCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  type ObjectLockLegalHoldStatus,
  type ObjectLockMode,
  type ObjectLockRetention,
  PutBucketLifecycleConfigurationCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  PutObjectLockConfigurationCommand,
  PutObjectRetentionCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { recordExchanges } from './object-helpers.js';
import { assertS3Error, createBucket, malformedXml, rejection, s3For } from './s3-helpers.js';

const locked = {
  code: 'AccessDenied',
  status: 403,
  message: 'Access Denied because object protected by object lock.',
};
const missingLock = { code: 'InvalidRequest', status: 400, message: 'Bucket is missing Object Lock Configuration' };
const noLockConfiguration = {
  code: 'NoSuchObjectLockConfiguration',
  status: 404,
  message: 'The specified object does not have a ObjectLock configuration',
};
const noSuchKey = { code: 'NoSuchKey', status: 404, message: 'The specified key does not exist.' };
const noSuchBucket = { code: 'NoSuchBucket', status: 404, message: 'The specified bucket does not exist' };
const pairing = (argument: string) => ({
  code: 'InvalidArgument',
  status: 400,
  message: 'x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied',
  fields: { ArgumentName: argument },
});
const unknownMode = {
  code: 'InvalidArgument',
  status: 400,
  message: 'Unknown wormMode directive.',
  fields: { ArgumentName: 'x-amz-object-lock-mode', ArgumentValue: 'BAD-VALUE' },
};

describe('Object Lock on object versions', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;
  before(async () => {
    cloud = await startCloud();
    s3 = s3For(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await s3.send(new CreateBucketCommand({ Bucket: 'locked', ObjectLockEnabledForBucket: true }));
    await createBucket(s3, 'plain');
  });

  const later = (seconds: number) => new Date(cloud.clock.now() + seconds * 1000);
  const put = async (
    Key = 'k',
    lock: {
      ObjectLockMode?: ObjectLockMode;
      ObjectLockRetainUntilDate?: Date;
      ObjectLockLegalHoldStatus?: ObjectLockLegalHoldStatus;
    } = {},
    Bucket = 'locked',
  ) => (await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'locked bytes', ...lock }))).VersionId as string;
  const putRetention = (
    Retention: ObjectLockRetention | undefined,
    options: { VersionId?: string; BypassGovernanceRetention?: boolean; Bucket?: string; Key?: string } = {},
  ) =>
    s3.send(
      new PutObjectRetentionCommand({
        Bucket: options.Bucket ?? 'locked',
        Key: options.Key ?? 'k',
        Retention,
        ...options,
      }),
    );
  const getRetention = (VersionId?: string, Bucket = 'locked', Key = 'k') =>
    s3.send(new GetObjectRetentionCommand({ Bucket, Key, VersionId }));
  const putHold = (Status: ObjectLockLegalHoldStatus | undefined, VersionId?: string, Bucket = 'locked', Key = 'k') =>
    s3.send(
      new PutObjectLegalHoldCommand({
        Bucket,
        Key,
        VersionId,
        LegalHold: Status === undefined ? undefined : { Status },
      }),
    );
  const head = (VersionId?: string, Key = 'k', Bucket = 'locked') =>
    s3.send(new HeadObjectCommand({ Bucket, Key, VersionId }));
  const deleteVersion = (VersionId: string | undefined, BypassGovernanceRetention?: boolean, Key = 'k') =>
    s3.send(new DeleteObjectCommand({ Bucket: 'locked', Key, VersionId, BypassGovernanceRetention }));
  /** The lock members of a HeadObject answer, no others. */
  const lockOf = async (VersionId?: string, Key = 'k', Bucket = 'locked') => {
    const out = await head(VersionId, Key, Bucket);
    const lock: Record<string, unknown> = {};
    if (out.ObjectLockMode !== undefined) lock.ObjectLockMode = out.ObjectLockMode;
    if (out.ObjectLockRetainUntilDate !== undefined)
      lock.ObjectLockRetainUntilDate = out.ObjectLockRetainUntilDate.getTime();
    if (out.ObjectLockLegalHoldStatus !== undefined) lock.ObjectLockLegalHoldStatus = out.ObjectLockLegalHoldStatus;
    return lock;
  };

  describe('PutObjectRetention and GetObjectRetention', () => {
    test('sets GOVERNANCE retention on the latest version, which Get, HeadObject and GetObject show', async () => {
      const version = await put();
      const until = new Date('2030-01-01T00:00:00Z');
      assert.deepEqual(Object.keys(await putRetention({ Mode: 'GOVERNANCE', RetainUntilDate: until })), ['$metadata']);
      const got = await getRetention();
      assert.deepEqual(got.Retention, { Mode: 'GOVERNANCE', RetainUntilDate: until });
      assert.deepEqual(await lockOf(version), {
        ObjectLockMode: 'GOVERNANCE',
        ObjectLockRetainUntilDate: until.getTime(),
      });
      const read = await s3.send(new GetObjectCommand({ Bucket: 'locked', Key: 'k' }));
      assert.equal(read.ObjectLockMode, 'GOVERNANCE');
      assert.equal(read.ObjectLockRetainUntilDate?.getTime(), until.getTime());
      assert.equal(read.ObjectLockLegalHoldStatus, undefined);
      await read.Body?.transformToString();
    });

    test('returns NoSuchObjectLockConfiguration for a version that never had retention', async () => {
      await put();
      await assertS3Error(getRetention(), noLockConfiguration);
    });

    test('returns NoSuchBucket for a missing bucket and NoSuchKey (with the key only) for a missing key', async () => {
      const retention = { Mode: 'GOVERNANCE' as const, RetainUntilDate: later(600) };
      await assertS3Error(putRetention(retention, { Bucket: 'no-such-bucket' }), {
        ...noSuchBucket,
        fields: { BucketName: 'no-such-bucket' },
      });
      const error = await assertS3Error(putRetention(retention, { Key: 'non-existing-key' }), {
        ...noSuchKey,
        fields: { Key: 'non-existing-key' },
      });
      assert.equal(error.BucketName, undefined);
    });

    test('returns InvalidRequest for Put and Get on a bucket without Object Lock', async () => {
      await put('k', {}, 'plain');
      await assertS3Error(
        putRetention({ Mode: 'GOVERNANCE', RetainUntilDate: later(600) }, { Bucket: 'plain' }),
        missingLock,
      );
      await assertS3Error(getRetention(undefined, 'plain'), missingLock);
    });

    test('returns MalformedXML for a mode without a date and for an unknown mode', async () => {
      await put();
      await assertS3Error(putRetention({ Mode: 'GOVERNANCE' }, { BypassGovernanceRetention: true }), malformedXml);
      await assertS3Error(
        putRetention({ Mode: 'BAD-VALUE' as ObjectLockMode, RetainUntilDate: later(600) }),
        malformedXml,
      );
    });

    test('returns InvalidArgument naming a past date in Pacific time, before refusing a locked version', async () => {
      await put();
      await putRetention({ Mode: 'GOVERNANCE', RetainUntilDate: new Date('2030-01-01T00:00:00Z') });
      await assertS3Error(putRetention({ Mode: 'GOVERNANCE', RetainUntilDate: new Date('2020-01-01T00:00:00Z') }), {
        code: 'InvalidArgument',
        status: 400,
        message: 'The retain until date must be in the future!',
        fields: { ArgumentName: 'RetainUntilDate', ArgumentValue: 'Tue Dec 31 16:00:00 PST 2019' },
      });
    });

    test('GOVERNANCE: extending needs no bypass, shortening is AccessDenied unless bypassed', async () => {
      await put();
      await putRetention({ Mode: 'GOVERNANCE', RetainUntilDate: later(600) });
      const extended = later(1200);
      await putRetention({ Mode: 'GOVERNANCE', RetainUntilDate: extended });
      assert.equal((await getRetention()).Retention?.RetainUntilDate?.getTime(), extended.getTime());
      await assertS3Error(putRetention({ Mode: 'GOVERNANCE', RetainUntilDate: later(5) }), locked);
      const shortened = later(300);
      await putRetention({ Mode: 'GOVERNANCE', RetainUntilDate: shortened }, { BypassGovernanceRetention: true });
      assert.equal((await getRetention()).Retention?.RetainUntilDate?.getTime(), shortened.getTime());
    });

    test('GOVERNANCE: an empty Retention with bypass removes it, so a shorter one needs no bypass', async () => {
      await put();
      await putRetention({ Mode: 'GOVERNANCE', RetainUntilDate: later(600) });
      await assertS3Error(putRetention({}), locked);
      await putRetention({}, { BypassGovernanceRetention: true });
      await assertS3Error(getRetention(), noLockConfiguration);
      assert.deepEqual(await lockOf(), {});
      await putRetention({ Mode: 'GOVERNANCE', RetainUntilDate: later(5) });
    });

    test('COMPLIANCE: shortening, switching to GOVERNANCE and deleting the version are AccessDenied, bypass or not', async () => {
      const version = await put();
      await putRetention({ Mode: 'COMPLIANCE', RetainUntilDate: later(5) });
      await assertS3Error(putRetention({ Mode: 'COMPLIANCE', RetainUntilDate: later(4) }), locked);
      await assertS3Error(
        putRetention({ Mode: 'COMPLIANCE', RetainUntilDate: later(4) }, { BypassGovernanceRetention: true }),
        locked,
      );
      await assertS3Error(putRetention({ Mode: 'GOVERNANCE', RetainUntilDate: later(60) }), locked);
      await assertS3Error(deleteVersion(version), locked);
      await assertS3Error(deleteVersion(version, true), locked);
      const marker = await deleteVersion(undefined);
      assert.equal(marker.DeleteMarker, true);
      assert.ok(marker.VersionId && marker.VersionId !== version);
      cloud.clock.advance(6);
      const deleted = await deleteVersion(version);
      assert.equal(deleted.VersionId, version);
      assert.equal(deleted.DeleteMarker, undefined);
    });

    test('returns MethodNotAllowed naming the method for a delete marker version; HEAD of it is a bare 405', async () => {
      await put();
      const marker = (await deleteVersion(undefined)).VersionId as string;
      const onMarker = (method: string) => ({
        code: 'MethodNotAllowed',
        status: 405,
        message: 'The specified method is not allowed against this resource.',
        fields: { Method: method, ResourceType: 'DeleteMarker' },
      });
      await assertS3Error(
        putRetention({ Mode: 'GOVERNANCE', RetainUntilDate: later(600) }, { VersionId: marker }),
        onMarker('PUT'),
      );
      await assertS3Error(getRetention(marker), onMarker('GET'));
      // Without a body SDK v3 names no code (boto fills in "405"); the status is what S3 sends.
      assert.equal((await rejection(head(marker))).$metadata.httpStatusCode, 405);
    });
  });

  describe('PutObjectLegalHold and GetObjectLegalHold', () => {
    test('holds are per version, OFF stays visible, and a released version can be deleted', async () => {
      const v1 = await put();
      const v2 = await put();
      await assertS3Error(
        s3.send(new GetObjectLegalHoldCommand({ Bucket: 'locked', Key: 'k', VersionId: v1 })),
        noLockConfiguration,
      );
      assert.deepEqual(await lockOf(v1), {});
      await putHold('ON', v1);
      await putHold('ON', v2);
      assert.deepEqual(await lockOf(v1), { ObjectLockLegalHoldStatus: 'ON' });
      const got = await s3.send(new GetObjectLegalHoldCommand({ Bucket: 'locked', Key: 'k', VersionId: v1 }));
      assert.deepEqual(got.LegalHold, { Status: 'ON' });
      await assertS3Error(deleteVersion(v1), locked);
      await putHold('OFF', v1);
      assert.deepEqual(await lockOf(v1), { ObjectLockLegalHoldStatus: 'OFF' });
      assert.deepEqual(await lockOf(v2), { ObjectLockLegalHoldStatus: 'ON' });
      assert.equal((await deleteVersion(v1)).VersionId, v1);
    });

    test('a hold ON refuses deletion even with the governance bypass', async () => {
      const version = await put();
      await putHold('ON', version);
      await assertS3Error(deleteVersion(version, true), locked);
    });

    test('returns NoSuchBucket, NoSuchKey, and InvalidRequest on a bucket without Object Lock', async () => {
      await assertS3Error(putHold('ON', undefined, 'no-such-bucket'), {
        ...noSuchBucket,
        fields: { BucketName: 'no-such-bucket' },
      });
      await assertS3Error(putHold('ON', undefined, 'locked', 'non-existing-key'), {
        ...noSuchKey,
        fields: { Key: 'non-existing-key' },
      });
      await put('k', {}, 'plain');
      await assertS3Error(putHold('ON', undefined, 'plain'), missingLock);
      await assertS3Error(s3.send(new GetObjectLegalHoldCommand({ Bucket: 'plain', Key: 'k' })), missingLock);
    });

    test('returns MalformedXML for a missing LegalHold, even on a bucket without Object Lock', async () => {
      await put('k', {}, 'plain');
      await assertS3Error(putHold(undefined, undefined, 'plain'), malformedXml);
    });
  });

  describe('DeleteObject and DeleteObjects on locked versions', () => {
    test('a GOVERNANCE version is AccessDenied without the bypass and deleted with it', async () => {
      const version = await put('k', { ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: later(600) });
      await assertS3Error(deleteVersion(version), locked);
      await assertS3Error(deleteVersion(version, false), locked);
      const deleted = await deleteVersion(version, true);
      assert.equal(deleted.VersionId, version);
      assert.equal(deleted.DeleteMarker, undefined);
    });

    test('a delete marker goes on top of a locked version, and the version is deleted once its retention is over', async () => {
      const version = await put('k', { ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: later(60) });
      const marker = await deleteVersion(undefined);
      assert.equal(marker.DeleteMarker, true);
      cloud.clock.advance(30);
      await assertS3Error(deleteVersion(version), locked);
      cloud.clock.advance(31);
      assert.equal((await deleteVersion(version)).VersionId, version);
    });

    test('DeleteObjects answers 200 with an AccessDenied entry for a held version and deletes the others', async () => {
      const held = await put('test-delete-locked', { ObjectLockLegalHoldStatus: 'ON' });
      const free = await put('free');
      const out = await s3.send(
        new DeleteObjectsCommand({
          Bucket: 'locked',
          Delete: {
            Objects: [
              { Key: 'test-delete-locked', VersionId: held },
              { Key: 'free', VersionId: free },
            ],
          },
        }),
      );
      assert.deepEqual(out.Errors, [
        {
          Code: 'AccessDenied',
          Key: 'test-delete-locked',
          Message: 'Access Denied because object protected by object lock.',
          VersionId: held,
        },
      ]);
      assert.deepEqual(out.Deleted, [{ Key: 'free', VersionId: free }]);
    });

    test('DeleteObjects with the bypass deletes a GOVERNANCE version', async () => {
      const version = await put('k', { ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: later(600) });
      const out = await s3.send(
        new DeleteObjectsCommand({
          Bucket: 'locked',
          BypassGovernanceRetention: true,
          Delete: { Objects: [{ Key: 'k', VersionId: version }] },
        }),
      );
      assert.equal(out.Errors, undefined);
      assert.deepEqual(out.Deleted, [{ Key: 'k', VersionId: version }]);
    });
  });

  describe('lock headers on PutObject, CreateMultipartUpload and CopyObject', () => {
    test('PutObject with a mode and a date answers no lock fields; HeadObject shows them', async () => {
      const until = later(600);
      const client = s3For(cloud);
      const exchanges = recordExchanges(client);
      const out = await client.send(
        new PutObjectCommand({
          Bucket: 'locked',
          Key: 'k',
          Body: 'x',
          ObjectLockMode: 'GOVERNANCE',
          ObjectLockRetainUntilDate: until,
        }),
      );
      assert.ok(exchanges[0]?.headers.etag, 'the PUT answer was recorded');
      const answered = Object.keys(exchanges[0]?.headers ?? {}).filter((name) => name.startsWith('x-amz-object-lock'));
      assert.deepEqual(answered, []);
      assert.deepEqual(await lockOf(out.VersionId), {
        ObjectLockMode: 'GOVERNANCE',
        ObjectLockRetainUntilDate: until.getTime(),
      });
    });

    test('PutObject with a legal hold ON shows it on HeadObject, with no retention', async () => {
      await put('k', { ObjectLockLegalHoldStatus: 'ON' });
      assert.deepEqual(await lockOf(), { ObjectLockLegalHoldStatus: 'ON' });
    });

    test('returns InvalidArgument for a mode without a date, a date without a mode, and an unknown mode', async () => {
      await assertS3Error(
        put('k', { ObjectLockMode: 'BAD-VALUE' as ObjectLockMode }),
        pairing('x-amz-object-lock-retain-until-date'),
      );
      await assertS3Error(put('k', { ObjectLockRetainUntilDate: later(600) }), pairing('x-amz-object-lock-mode'));
      await assertS3Error(
        put('k', { ObjectLockMode: 'BAD-VALUE' as ObjectLockMode, ObjectLockRetainUntilDate: later(600) }),
        unknownMode,
      );
      await assertS3Error(
        s3.send(
          new CreateMultipartUploadCommand({
            Bucket: 'locked',
            Key: 'k',
            ObjectLockMode: 'BAD-VALUE' as ObjectLockMode,
            ObjectLockRetainUntilDate: later(600),
          }),
        ),
        unknownMode,
      );
    });

    test('returns InvalidRequest for lock headers on a bucket without Object Lock', async () => {
      await assertS3Error(put('k', { ObjectLockLegalHoldStatus: 'ON' }, 'plain'), missingLock);
      await assertS3Error(
        put('k', { ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: later(600) }, 'plain'),
        missingLock,
      );
    });

    test('CompleteMultipartUpload gives the object the lock its CreateMultipartUpload asked for', async () => {
      const until = new Date('2031-06-01T00:00:00Z');
      const { UploadId } = await s3.send(
        new CreateMultipartUploadCommand({
          Bucket: 'locked',
          Key: 'big',
          ObjectLockMode: 'COMPLIANCE',
          ObjectLockRetainUntilDate: until,
          ObjectLockLegalHoldStatus: 'ON',
        }),
      );
      const part = await s3.send(
        new UploadPartCommand({ Bucket: 'locked', Key: 'big', UploadId, PartNumber: 1, Body: 'only part' }),
      );
      const done = await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'locked',
          Key: 'big',
          UploadId,
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
        }),
      );
      assert.deepEqual(await lockOf(undefined, 'big'), {
        ObjectLockMode: 'COMPLIANCE',
        ObjectLockRetainUntilDate: until.getTime(),
        ObjectLockLegalHoldStatus: 'ON',
      });
      await assertS3Error(deleteVersion(done.VersionId, true, 'big'), locked);
    });

    test('CopyObject does not copy the source lock, but takes its own lock headers', async () => {
      const source = await put('src', {
        ObjectLockMode: 'GOVERNANCE',
        ObjectLockRetainUntilDate: later(600),
        ObjectLockLegalHoldStatus: 'ON',
      });
      const copy = await s3.send(
        new CopyObjectCommand({ Bucket: 'locked', Key: 'dst', CopySource: `locked/src?versionId=${source}` }),
      );
      assert.equal(copy.CopySourceVersionId, source);
      assert.deepEqual(await lockOf(copy.VersionId, 'dst'), {});
      const held = await s3.send(
        new CopyObjectCommand({
          Bucket: 'locked',
          Key: 'held',
          CopySource: 'locked/src',
          ObjectLockLegalHoldStatus: 'ON',
        }),
      );
      assert.deepEqual(await lockOf(held.VersionId, 'held'), { ObjectLockLegalHoldStatus: 'ON' });
    });
  });

  describe('lifecycle rules and locked versions', () => {
    test('a noncurrent version under a legal hold outlives its NoncurrentVersionExpiration', async () => {
      await s3.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: 'locked',
          LifecycleConfiguration: {
            Rules: [{ ID: 'old', Status: 'Enabled', Filter: {}, NoncurrentVersionExpiration: { NoncurrentDays: 1 } }],
          },
        }),
      );
      const held = await put('k', { ObjectLockLegalHoldStatus: 'ON' });
      const free = await put('k');
      await put('k');
      cloud.clock.advance(3 * 86_400);
      assert.deepEqual(await lockOf(held), { ObjectLockLegalHoldStatus: 'ON' });
      await assertS3Error(head(free), { code: 'NotFound', status: 404 });
    });
  });

  describe('default retention of the bucket', () => {
    test('new versions get the default mode and a date one day after their write; explicit headers win', async () => {
      await s3.send(
        new PutObjectLockConfigurationCommand({
          Bucket: 'locked',
          ObjectLockConfiguration: {
            ObjectLockEnabled: 'Enabled',
            Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } },
          },
        }),
      );
      const out = await s3.send(new PutObjectCommand({ Bucket: 'locked', Key: 'k', Body: 'x' }));
      const headed = await head(out.VersionId);
      assert.equal(headed.ObjectLockMode, 'GOVERNANCE');
      assert.equal(headed.ObjectLockLegalHoldStatus, undefined);
      const lag = (headed.ObjectLockRetainUntilDate?.getTime() ?? 0) - (headed.LastModified?.getTime() ?? 0);
      assert.ok(Math.abs(lag - 86_400_000) < 2000, `retain until is a day after the write (${lag} ms)`);
      await assertS3Error(deleteVersion(out.VersionId), locked);

      const until = later(600);
      await put('explicit', { ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: until });
      assert.deepEqual(await lockOf(undefined, 'explicit'), {
        ObjectLockMode: 'COMPLIANCE',
        ObjectLockRetainUntilDate: until.getTime(),
      });
      await assertS3Error(put('k', { ObjectLockMode: 'GOVERNANCE' }), pairing('x-amz-object-lock-retain-until-date'));

      const copy = await s3.send(new CopyObjectCommand({ Bucket: 'locked', Key: 'copy', CopySource: 'locked/k' }));
      assert.equal((await head(copy.VersionId, 'copy')).ObjectLockMode, 'GOVERNANCE');
    });
  });
});
