import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { recordExchanges, text } from './object-helpers.js';
import { assertS3Error, createBucket, rejection, s3For } from './s3-helpers.js';

const versionId = /^[A-Za-z0-9._]{32}$/;
const noSuchKey = (key: string) => ({
  code: 'NoSuchKey',
  status: 404,
  message: 'The specified key does not exist.',
  fields: { Key: key },
});
const noSuchVersion = (key: string, version: string) => ({
  code: 'NoSuchVersion',
  status: 404,
  message: 'The specified version does not exist.',
  fields: { Key: key, VersionId: version },
});
const invalidVersion = (version: string) => ({
  code: 'InvalidArgument',
  status: 400,
  message: 'Invalid version id specified',
  fields: { ArgumentName: 'versionId', ArgumentValue: version },
});
const deleteMarkerMethod = (method: string) => ({
  code: 'MethodNotAllowed',
  status: 405,
  message: 'The specified method is not allowed against this resource.',
  fields: { Method: method, ResourceType: 'DeleteMarker' },
});

describe('object versioning', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;
  before(async () => {
    cloud = await startCloud();
    s3 = s3For(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await createBucket(s3, 'bucket-a');
  });

  const versioning = (Status: 'Enabled' | 'Suspended') =>
    s3.send(new PutBucketVersioningCommand({ Bucket: 'bucket-a', VersioningConfiguration: { Status } }));
  const put = (Body: string, Key = 'k') => s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key, Body }));
  const get = (VersionId?: string, Key = 'k') => s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key, VersionId }));
  const head = (VersionId?: string, Key = 'k') =>
    s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key, VersionId }));
  const del = (VersionId?: string, Key = 'k') =>
    s3.send(new DeleteObjectCommand({ Bucket: 'bucket-a', Key, VersionId }));

  describe('Enabled', () => {
    test('each put answers a new 32-character version id and every version stays readable by id', async () => {
      await versioning('Enabled');
      const ids: string[] = [];
      for (const body of ['one', 'two', 'three']) {
        const out = await put(body);
        assert.match(out.VersionId ?? '', versionId);
        ids.push(out.VersionId as string);
      }
      assert.equal(new Set(ids).size, 3);
      const current = await get();
      assert.equal(await text(current), 'three');
      assert.equal(current.VersionId, ids[2]);
      for (const [index, body] of ['one', 'two', 'three'].entries()) {
        const out = await get(ids[index]);
        assert.equal(await text(out), body);
        assert.equal(out.VersionId, ids[index]);
        assert.equal((await head(ids[index])).ContentLength, body.length);
      }
    });

    test('an object from before versioning is the null version: no header before, VersionId null after', async () => {
      await put('before');
      const exchanges = recordExchanges(s3);
      await get();
      assert.equal(exchanges[0]?.headers['x-amz-version-id'], undefined);
      await versioning('Enabled');
      assert.equal((await get()).VersionId, 'null');
      const newer = await put('after');
      assert.equal(await text(await get('null')), 'before');
      assert.equal((await get()).VersionId, newer.VersionId);
    });

    test('a delete without version id adds a delete marker; GET and HEAD are NoSuchKey naming it', async () => {
      await versioning('Enabled');
      const first = await put('test-delete');
      const marker = await del();
      assert.equal(marker.DeleteMarker, true);
      assert.match(marker.VersionId ?? '', versionId);
      assert.equal(marker.$metadata.httpStatusCode, 204);
      const exchanges = recordExchanges(s3);
      await assertS3Error(get(), noSuchKey('k'));
      const headError = await rejection(head());
      assert.equal(headError.$metadata.httpStatusCode, 404);
      for (const exchange of exchanges) {
        assert.equal(exchange.headers['x-amz-delete-marker'], 'true');
        assert.equal(exchange.headers['x-amz-version-id'], marker.VersionId);
      }
      assert.equal(await text(await get(first.VersionId)), 'test-delete');
    });

    test('a delete marker asked for by id is 405 MethodNotAllowed with Allow: DELETE', async () => {
      await versioning('Enabled');
      await put('x');
      const marker = await del();
      const exchanges = recordExchanges(s3);
      await assertS3Error(get(marker.VersionId), deleteMarkerMethod('GET'));
      const headError = await rejection(head(marker.VersionId));
      assert.equal(headError.$metadata.httpStatusCode, 405);
      for (const exchange of exchanges) {
        assert.equal(exchange.headers['x-amz-delete-marker'], 'true');
        assert.equal(exchange.headers['x-amz-version-id'], marker.VersionId);
        assert.equal(exchange.headers.allow, 'DELETE');
      }
    });

    test('a delete marker is made for a key that never existed', async () => {
      await versioning('Enabled');
      const out = await del(undefined, 'wrong-key');
      assert.equal(out.DeleteMarker, true);
      assert.match(out.VersionId ?? '', versionId);
    });

    test('deleting a version by id removes it: GET by that id is NoSuchVersion, without marker headers', async () => {
      await versioning('Enabled');
      const first = await put('one');
      await put('two');
      const out = await del(first.VersionId);
      assert.equal(out.VersionId, first.VersionId);
      assert.equal(out.DeleteMarker, undefined);
      const exchanges = recordExchanges(s3);
      await assertS3Error(get(first.VersionId), noSuchVersion('k', first.VersionId as string));
      assert.equal(exchanges[0]?.headers['x-amz-delete-marker'], undefined);
      assert.equal(exchanges[0]?.headers['x-amz-version-id'], undefined);
      assert.equal(await text(await get()), 'two');
    });

    test('deleting the current delete marker by id brings the previous version back', async () => {
      await versioning('Enabled');
      const first = await put('restored');
      const marker = await del();
      const out = await del(marker.VersionId);
      assert.equal(out.DeleteMarker, true);
      assert.equal(out.VersionId, marker.VersionId);
      const current = await get();
      assert.equal(await text(current), 'restored');
      assert.equal(current.VersionId, first.VersionId);
    });

    test('deleting the latest version by id makes the one before it current', async () => {
      await versioning('Enabled');
      const first = await put('one');
      const second = await put('two');
      await del(second.VersionId);
      const current = await get();
      assert.equal(await text(current), 'one');
      assert.equal(current.VersionId, first.VersionId);
    });

    test('an id S3 could not have issued is InvalidArgument; one it could have is NoSuchVersion on GET', async () => {
      await versioning('Enabled');
      const first = await put('one');
      const forged = `${(first.VersionId as string).slice(0, -4)}ABCD`;
      await assertS3Error(del(forged), invalidVersion(forged));
      await assertS3Error(get(forged), invalidVersion(forged));
      await del(first.VersionId);
      await assertS3Error(get(first.VersionId), noSuchVersion('k', first.VersionId as string));
      await assertS3Error(get(first.VersionId, 'other-key'), noSuchVersion('other-key', first.VersionId as string));
    });

    test('deleting a well-formed version that is not there answers 204 naming it', async () => {
      await versioning('Enabled');
      const first = await put('one');
      await del(first.VersionId);
      const again = await del(first.VersionId);
      assert.equal(again.$metadata.httpStatusCode, 204);
      assert.equal(again.VersionId, first.VersionId);
      assert.equal(again.DeleteMarker, undefined);
    });
  });

  describe('Suspended', () => {
    test('a put answers no version id, writes the null version, and GET names it null', async () => {
      await versioning('Enabled');
      const kept = await put('enabled version');
      await versioning('Suspended');
      const exchanges = recordExchanges(s3);
      const out = await put('suspended 1');
      assert.equal(out.VersionId, undefined);
      assert.equal(exchanges[0]?.headers['x-amz-version-id'], undefined);
      await put('suspended 2');
      const current = await get();
      assert.equal(await text(current), 'suspended 2');
      assert.equal(current.VersionId, 'null');
      assert.equal(await text(await get('null')), 'suspended 2');
      assert.equal(await text(await get(kept.VersionId)), 'enabled version');
    });

    test('a delete puts a null delete marker in place of the null version and keeps the others', async () => {
      await versioning('Enabled');
      const kept = await put('enabled version');
      await versioning('Suspended');
      await put('null version');
      const out = await del();
      assert.equal(out.DeleteMarker, true);
      assert.equal(out.VersionId, 'null');
      await assertS3Error(get(), noSuchKey('k'));
      await assertS3Error(get('null'), deleteMarkerMethod('GET'));
      assert.equal(await text(await get(kept.VersionId)), 'enabled version');
      await put('after marker');
      assert.equal(await text(await get('null')), 'after marker');
    });

    test('deleting the null delete marker by id brings the enabled version back', async () => {
      await versioning('Enabled');
      const kept = await put('enabled version');
      await versioning('Suspended');
      await del();
      await del('null');
      const current = await get();
      assert.equal(current.VersionId, kept.VersionId);
    });
  });

  describe('never versioned', () => {
    test('versionId null reads the object, without a version header', async () => {
      await put('test-version');
      const exchanges = recordExchanges(s3);
      const out = await get('null');
      assert.equal(await text(out), 'test-version');
      assert.equal(out.VersionId, undefined);
      assert.equal(exchanges[0]?.headers['x-amz-version-id'], undefined);
    });

    test('any other version id is InvalidArgument on GET, HEAD and DELETE', async () => {
      await put('x');
      const id = 'HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD';
      await assertS3Error(get(id), invalidVersion(id));
      const headError = await rejection(head(id));
      assert.equal(headError.$metadata.httpStatusCode, 400);
      await assertS3Error(del(id), invalidVersion(id));
    });
  });

  describe('DeleteObjects', () => {
    const deleteObjects = (Objects: Array<{ Key: string; VersionId?: string }>) =>
      s3.send(new DeleteObjectsCommand({ Bucket: 'bucket-a', Delete: { Objects } }));
    const byKey = (a: { Key?: string }, b: { Key?: string }) => ((a.Key ?? '') < (b.Key ?? '') ? -1 : 1);

    test('without version ids every key gets a delete marker, existing or not', async () => {
      await versioning('Enabled');
      await put('x', 'test-delete');
      const out = await deleteObjects([{ Key: 'test-delete' }, { Key: 'wrongkey' }]);
      const deleted = out.Deleted?.sort(byKey) ?? [];
      assert.equal(deleted.length, 2);
      for (const [index, key] of ['test-delete', 'wrongkey'].entries()) {
        assert.equal(deleted[index]?.Key, key);
        assert.equal(deleted[index]?.DeleteMarker, true);
        assert.match(deleted[index]?.DeleteMarkerVersionId ?? '', versionId);
        assert.equal(deleted[index]?.VersionId, undefined);
      }
      await assertS3Error(get(undefined, 'test-delete'), noSuchKey('test-delete'));
    });

    test('by version id a version is deleted, and a delete marker is named as one', async () => {
      await versioning('Enabled');
      const version = await put('x', 'test-delete');
      const marker = await del(undefined, 'test-delete');
      const markerOut = await deleteObjects([{ Key: 'test-delete', VersionId: marker.VersionId }]);
      assert.deepEqual(markerOut.Deleted, [
        {
          Key: 'test-delete',
          VersionId: marker.VersionId,
          DeleteMarker: true,
          DeleteMarkerVersionId: marker.VersionId,
        },
      ]);
      const versionOut = await deleteObjects([{ Key: 'test-delete', VersionId: version.VersionId }]);
      assert.deepEqual(versionOut.Deleted, [{ Key: 'test-delete', VersionId: version.VersionId }]);
      await assertS3Error(
        get(version.VersionId, 'test-delete'),
        noSuchVersion('test-delete', version.VersionId as string),
      );
    });

    test('an unknown version is NoSuchVersion for that key while the others are deleted', async () => {
      await versioning('Enabled');
      const version = await put('x', 'test-delete');
      await put('y', 'other');
      await del(version.VersionId, 'test-delete');
      const out = await deleteObjects([
        { Key: 'test-delete', VersionId: version.VersionId },
        { Key: 'wrong-key-2', VersionId: version.VersionId },
        { Key: 'other' },
      ]);
      assert.deepEqual(out.Errors?.sort(byKey), [
        {
          Code: 'NoSuchVersion',
          Key: 'test-delete',
          Message: 'The specified version does not exist.',
          VersionId: version.VersionId,
        },
        {
          Code: 'NoSuchVersion',
          Key: 'wrong-key-2',
          Message: 'The specified version does not exist.',
          VersionId: version.VersionId,
        },
      ]);
      assert.equal(out.Deleted?.length, 1);
      assert.equal(out.Deleted?.[0]?.Key, 'other');
      assert.equal(out.Deleted?.[0]?.DeleteMarker, true);
    });
  });
});
