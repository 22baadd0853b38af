import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  DeleteBucketOwnershipControlsCommand,
  DeleteObjectCommand,
  DeleteObjectTaggingCommand,
  DeletePublicAccessBlockCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  type ObjectCannedACL,
  PutBucketVersioningCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
  type Tag,
} from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { recordExchanges } from './object-helpers.js';
import { assertS3Error, createBucket, s3For } from './s3-helpers.js';

const sorted = (tags: Tag[] | undefined) => [...(tags ?? [])].sort((a, b) => ((a.Key ?? '') < (b.Key ?? '') ? -1 : 1));
const noSuchKey = (key: string) => ({
  code: 'NoSuchKey',
  status: 404,
  message: 'The specified key does not exist.',
  fields: { Key: key },
});
const invalidTag = (message: string, fields: Record<string, string>) => ({
  code: 'InvalidTag',
  status: 400,
  message,
  fields,
});
const badTaggingHeader = (value: string) => ({
  code: 'InvalidArgument',
  status: 400,
  message:
    "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.",
  fields: { ArgumentName: 'x-amz-tagging', ArgumentValue: value },
});
const deleteMarkerMethod = (method: string) => ({
  code: 'MethodNotAllowed',
  status: 405,
  message: 'The specified method is not allowed against this resource.',
  fields: { Method: method, ResourceType: 'DeleteMarker' },
});

describe('object tagging', () => {
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

  const getTags = (Key = 'k', VersionId?: string) =>
    s3.send(new GetObjectTaggingCommand({ Bucket: 'bucket-a', Key, VersionId }));
  const putTags = (TagSet: Tag[], Key = 'k', VersionId?: string) =>
    s3.send(new PutObjectTaggingCommand({ Bucket: 'bucket-a', Key, VersionId, Tagging: { TagSet } }));
  const putObject = (Tagging?: string, Key = 'k') =>
    s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key, Body: 'test-tagging', Tagging }));

  describe('x-amz-tagging on PutObject', () => {
    test('sets the tags, an empty value included, and GET and HEAD count them', async () => {
      await putObject('tag1=tag1&tag2=tag2&tag=');
      assert.deepEqual(sorted((await getTags()).TagSet), [
        { Key: 'tag', Value: '' },
        { Key: 'tag1', Value: 'tag1' },
        { Key: 'tag2', Value: 'tag2' },
      ]);
      assert.equal((await s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k' }))).TagCount, 3);
      assert.equal((await s3.send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'k' }))).TagCount, 3);
    });

    test('pairs without = are keys with empty values, and empty pairs are skipped', async () => {
      await putObject('wrongquery&wrongagain');
      assert.deepEqual(sorted((await getTags()).TagSet), [
        { Key: 'wrongagain', Value: '' },
        { Key: 'wrongquery', Value: '' },
      ]);
      await putObject('key1&&&key2');
      assert.deepEqual(sorted((await getTags()).TagSet), [
        { Key: 'key1', Value: '' },
        { Key: 'key2', Value: '' },
      ]);
    });

    test('keys and values are URL-decoded', async () => {
      await putObject(`${encodeURIComponent('a key/ü')}=${encodeURIComponent('a=value+ü')}`);
      assert.deepEqual((await getTags()).TagSet, [{ Key: 'a key/ü', Value: 'a=value+ü' }]);
    });

    for (const value of ['key1=val1&key1=val2', 'key1=val1,key2=val2']) {
      test(`"${value}" is InvalidArgument naming the header and nothing is stored`, async () => {
        await assertS3Error(putObject(value), badTaggingHeader(value));
        await assertS3Error(s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k' })), {
          code: 'NotFound',
          status: 404,
        });
      });
    }

    test('an empty header sets no tags and HEAD names no count', async () => {
      await putObject('');
      assert.deepEqual((await getTags()).TagSet, []);
      const exchanges = recordExchanges(s3);
      await s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k' }));
      assert.equal(exchanges[0]?.headers['x-amz-tagging-count'], undefined);
    });
  });

  describe('PutObjectTagging, GetObjectTagging, DeleteObjectTagging', () => {
    test('an untagged object has an empty tag set', async () => {
      await putObject();
      const out = await getTags();
      assert.deepEqual(out.TagSet, []);
      assert.equal(out.VersionId, undefined);
    });

    test('put replaces the whole set, delete empties it with 204', async () => {
      await putObject('tag1=tag1&tag2=tag2&tag=');
      await putTags([{ Key: 'tag3', Value: 'tag3' }]);
      assert.deepEqual((await getTags()).TagSet, [{ Key: 'tag3', Value: 'tag3' }]);
      assert.equal((await s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k' }))).TagCount, 1);
      const deleted = await s3.send(new DeleteObjectTaggingCommand({ Bucket: 'bucket-a', Key: 'k' }));
      assert.equal(deleted.$metadata.httpStatusCode, 204);
      assert.deepEqual((await getTags()).TagSet, []);
      assert.equal((await s3.send(new HeadObjectCommand({ Bucket: 'bucket-a', Key: 'k' }))).TagCount, undefined);
    });

    test('an empty tag set clears the tags', async () => {
      await putObject('a=1');
      await putTags([]);
      assert.deepEqual((await getTags()).TagSet, []);
    });

    test('overwriting or re-creating the object drops its tags', async () => {
      await putObject('a=1');
      await putObject();
      assert.deepEqual((await getTags()).TagSet, []);
      await putTags([{ Key: 'b', Value: '2' }]);
      await s3.send(new DeleteObjectCommand({ Bucket: 'bucket-a', Key: 'k' }));
      await putObject();
      assert.deepEqual((await getTags()).TagSet, []);
    });

    test('a missing key is NoSuchKey: bucket/key for Get, the key for Put and Delete', async () => {
      await assertS3Error(getTags('fake-key'), noSuchKey('bucket-a/fake-key'));
      await assertS3Error(putTags([{ Key: 'a', Value: 'b' }], 'fake-key'), noSuchKey('fake-key'));
      await assertS3Error(
        s3.send(new DeleteObjectTaggingCommand({ Bucket: 'bucket-a', Key: 'fake-key' })),
        noSuchKey('fake-key'),
      );
    });

    test('a missing bucket is NoSuchBucket for all three', async () => {
      const noBucket = {
        code: 'NoSuchBucket',
        status: 404,
        message: 'The specified bucket does not exist',
        fields: { BucketName: 'no-such-bucket' },
      };
      await assertS3Error(s3.send(new GetObjectTaggingCommand({ Bucket: 'no-such-bucket', Key: 'k' })), noBucket);
      await assertS3Error(
        s3.send(new PutObjectTaggingCommand({ Bucket: 'no-such-bucket', Key: 'k', Tagging: { TagSet: [] } })),
        noBucket,
      );
      await assertS3Error(s3.send(new DeleteObjectTaggingCommand({ Bucket: 'no-such-bucket', Key: 'k' })), noBucket);
    });
  });

  describe('validation', () => {
    beforeEach(() => putObject());

    test('a key given twice is InvalidTag naming it', async () => {
      await assertS3Error(
        putTags([
          { Key: 'Key1', Value: 'a' },
          { Key: 'Key1', Value: 'b' },
        ]),
        invalidTag('Cannot provide multiple Tags with the same key', { TagKey: 'Key1' }),
      );
    });

    test('a key with a character tags do not allow is InvalidTag naming it', async () => {
      await assertS3Error(
        putTags([{ Key: 'Key1,Key2', Value: 'a' }]),
        invalidTag('The TagKey you have provided is invalid', { TagKey: 'Key1,Key2' }),
      );
    });

    test('a value with a character tags do not allow is InvalidTag naming key and value', async () => {
      await assertS3Error(
        putTags([{ Key: 'Key1', Value: 'Val1,Val2' }]),
        invalidTag('The TagValue you have provided is invalid', { TagKey: 'Key1', TagValue: 'Val1,Val2' }),
      );
    });

    test('an aws: key is InvalidTag in the words objects use', async () => {
      await assertS3Error(
        putTags([{ Key: 'aws:prefixed', Value: 'a' }]),
        invalidTag('Your TagKey cannot be prefixed with aws:', { TagKey: 'aws:prefixed' }),
      );
    });

    test('keys of 128 and values of 256 characters are accepted, one more is InvalidTag', async () => {
      await putTags([{ Key: 'k'.repeat(128), Value: 'v'.repeat(256) }]);
      await assertS3Error(
        putTags([{ Key: 'k'.repeat(129), Value: 'v' }]),
        invalidTag('The TagKey you have provided is invalid', { TagKey: 'k'.repeat(129) }),
      );
      await assertS3Error(
        putTags([{ Key: 'k', Value: 'v'.repeat(257) }]),
        invalidTag('The TagValue you have provided is invalid', { TagKey: 'k', TagValue: 'v'.repeat(257) }),
      );
    });

    test('the characters AWS allows are accepted: letters, digits, spaces and + - = . _ : / @', async () => {
      const tags = [{ Key: 'Ünï cødé 1+2-3=4.5_6:7/8@9', Value: 'ok + - = . _ : / @' }];
      await putTags(tags);
      assert.deepEqual((await getTags()).TagSet, tags);
    });

    test('ten tags are accepted and eleven are BadRequest', async () => {
      const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ Key: `k${i}`, Value: `v${i}` }));
      await putTags(tags(10));
      await assertS3Error(putTags(tags(11)), {
        code: 'BadRequest',
        status: 400,
        message: 'Object tags cannot be greater than 10',
      });
      assert.equal((await getTags()).TagSet?.length, 10);
    });
  });

  describe('versions', () => {
    beforeEach(() =>
      s3.send(new PutBucketVersioningCommand({ Bucket: 'bucket-a', VersioningConfiguration: { Status: 'Enabled' } })),
    );

    test('tags belong to a version: the current one unless a version id is given', async () => {
      const v1 = await putObject('test_tag=tagv1');
      const v2 = await putObject();
      const put = await putTags([{ Key: 'tag3', Value: 'tag3' }]);
      assert.equal(put.VersionId, v2.VersionId);
      const current = await getTags();
      assert.deepEqual(current.TagSet, [{ Key: 'tag3', Value: 'tag3' }]);
      assert.equal(current.VersionId, v2.VersionId);
      const previous = await getTags('k', v1.VersionId);
      assert.deepEqual(previous.TagSet, [{ Key: 'test_tag', Value: 'tagv1' }]);
      assert.equal(previous.VersionId, v1.VersionId);
      const putPrevious = await putTags([{ Key: 'tag1', Value: 'tag1' }], 'k', v1.VersionId);
      assert.equal(putPrevious.VersionId, v1.VersionId);
      assert.deepEqual((await getTags('k', v1.VersionId)).TagSet, [{ Key: 'tag1', Value: 'tag1' }]);
      const deleted = await s3.send(new DeleteObjectTaggingCommand({ Bucket: 'bucket-a', Key: 'k' }));
      assert.equal(deleted.VersionId, v2.VersionId);
      assert.deepEqual((await getTags()).TagSet, []);
      assert.deepEqual((await getTags('k', v1.VersionId)).TagSet, [{ Key: 'tag1', Value: 'tag1' }]);
    });

    test('a delete marker, current or by id, is MethodNotAllowed for Get, Put and Delete', async () => {
      await putObject('a=1');
      const marker = await s3.send(new DeleteObjectCommand({ Bucket: 'bucket-a', Key: 'k' }));
      for (const VersionId of [undefined, marker.VersionId]) {
        await assertS3Error(getTags('k', VersionId), deleteMarkerMethod('GET'));
        await assertS3Error(putTags([{ Key: 'a', Value: 'b' }], 'k', VersionId), deleteMarkerMethod('PUT'));
        await assertS3Error(
          s3.send(new DeleteObjectTaggingCommand({ Bucket: 'bucket-a', Key: 'k', VersionId })),
          deleteMarkerMethod('DELETE'),
        );
      }
    });
  });
});

describe('object ACL', () => {
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
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k', Body: '' }));
  });

  const ownerId = async () => (await s3.send(new GetObjectAclCommand({ Bucket: 'bucket-a', Key: 'k' }))).Owner?.ID;
  const openBucket = async () => {
    await s3.send(new DeleteBucketOwnershipControlsCommand({ Bucket: 'bucket-a' }));
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'bucket-a' }));
  };

  test('an object starts with its owner full control', async () => {
    const out = await s3.send(new GetObjectAclCommand({ Bucket: 'bucket-a', Key: 'k' }));
    assert.match(out.Owner?.ID ?? '', /^[0-9a-f]{64}$/);
    assert.deepEqual(out.Grants, [
      { Grantee: { ID: out.Owner?.ID, Type: 'CanonicalUser' }, Permission: 'FULL_CONTROL' },
    ]);
  });

  test('with ownership BucketOwnerEnforced only private is accepted; public-read is AccessControlListNotSupported', async () => {
    await s3.send(new PutObjectAclCommand({ Bucket: 'bucket-a', Key: 'k', ACL: 'private' }));
    await assertS3Error(s3.send(new PutObjectAclCommand({ Bucket: 'bucket-a', Key: 'k', ACL: 'public-read' })), {
      code: 'AccessControlListNotSupported',
      status: 400,
      message: 'The bucket does not allow ACLs',
    });
    await assertS3Error(
      s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k2', Body: '', ACL: 'public-read' })),
      { code: 'AccessControlListNotSupported', status: 400, message: 'The bucket does not allow ACLs' },
    );
  });

  test('once ACLs are on, a canned ACL, grant headers or a document replace the grants', async () => {
    await openBucket();
    const owner = await ownerId();
    await s3.send(new PutObjectAclCommand({ Bucket: 'bucket-a', Key: 'k', ACL: 'public-read' }));
    assert.deepEqual((await s3.send(new GetObjectAclCommand({ Bucket: 'bucket-a', Key: 'k' }))).Grants, [
      { Grantee: { ID: owner, Type: 'CanonicalUser' }, Permission: 'FULL_CONTROL' },
      { Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' },
    ]);
    await s3.send(
      new PutObjectAclCommand({
        Bucket: 'bucket-a',
        Key: 'k',
        GrantRead: 'uri="http://acs.amazonaws.com/groups/s3/LogDelivery"',
      }),
    );
    assert.deepEqual((await s3.send(new GetObjectAclCommand({ Bucket: 'bucket-a', Key: 'k' }))).Grants, [
      { Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/s3/LogDelivery' }, Permission: 'READ' },
    ]);
    const policy = {
      Owner: { ID: owner },
      Grants: [
        { Grantee: { ID: owner, Type: 'CanonicalUser' as const }, Permission: 'FULL_CONTROL' as const },
        {
          Grantee: { Type: 'Group' as const, URI: 'http://acs.amazonaws.com/groups/s3/LogDelivery' },
          Permission: 'WRITE' as const,
        },
      ],
    };
    await s3.send(new PutObjectAclCommand({ Bucket: 'bucket-a', Key: 'k', AccessControlPolicy: policy }));
    assert.deepEqual((await s3.send(new GetObjectAclCommand({ Bucket: 'bucket-a', Key: 'k' }))).Grants, policy.Grants);
  });

  test('grant headers are checked as S3 checks them', async () => {
    await openBucket();
    await assertS3Error(
      s3.send(
        new PutObjectAclCommand({
          Bucket: 'bucket-a',
          Key: 'k',
          GrantWrite: 'uri="http://acs.amazonaws.com/groups/s3/FakeGroup"',
        }),
      ),
      {
        code: 'InvalidArgument',
        status: 400,
        message: 'Invalid group uri',
        fields: { ArgumentName: 'uri', ArgumentValue: 'http://acs.amazonaws.com/groups/s3/FakeGroup' },
      },
    );
    await assertS3Error(
      s3.send(new PutObjectAclCommand({ Bucket: 'bucket-a', Key: 'k', GrantWrite: 'fakekey="1234"' })),
      {
        code: 'InvalidArgument',
        status: 400,
        message: 'Argument format not recognized',
        fields: { ArgumentName: 'x-amz-grant-write', ArgumentValue: 'fakekey="1234"' },
      },
    );
    await assertS3Error(
      s3.send(new PutObjectAclCommand({ Bucket: 'bucket-a', Key: 'k', GrantRead: 'id="wrong-id"' })),
      {
        code: 'InvalidArgument',
        status: 400,
        message: 'Invalid id',
        fields: { ArgumentName: 'id', ArgumentValue: 'wrong-id' },
      },
    );
  });

  test('an unknown canned ACL is InvalidArgument naming it, with no message, on PutObjectAcl and PutObject', async () => {
    await openBucket();
    const fake = 'fake-acl' as ObjectCannedACL;
    for (const call of [
      s3.send(new PutObjectAclCommand({ Bucket: 'bucket-a', Key: 'k', ACL: fake })),
      s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: 'k2', Body: '', ACL: fake })),
    ]) {
      const error = await assertS3Error(call, {
        code: 'InvalidArgument',
        status: 400,
        fields: { ArgumentName: 'x-amz-acl', ArgumentValue: 'fake-acl' },
      });
      assert.equal(error.Message, undefined);
    }
  });

  test('nothing given is MissingSecurityHeader; canned with grants is InvalidRequest', async () => {
    await openBucket();
    await assertS3Error(s3.send(new PutObjectAclCommand({ Bucket: 'bucket-a', Key: 'k' })), {
      code: 'MissingSecurityHeader',
      status: 400,
      message: 'Your request was missing a required header',
      fields: { MissingHeaderName: 'x-amz-acl' },
    });
    await assertS3Error(
      s3.send(
        new PutObjectAclCommand({
          Bucket: 'bucket-a',
          Key: 'k',
          ACL: 'private',
          GrantRead: 'uri="http://acs.amazonaws.com/groups/s3/LogDelivery"',
        }),
      ),
      { code: 'InvalidRequest', status: 400, message: 'Specifying both Canned ACLs and Header Grants is not allowed' },
    );
  });

  test('an ACL on a delete marker: Put is MethodNotAllowed, Get is NoSuchKey, by id both MethodNotAllowed', async () => {
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: 'bucket-a', VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: 'bucket-a', Key: 'k' }));
    await assertS3Error(
      s3.send(new PutObjectAclCommand({ Bucket: 'bucket-a', Key: 'k', ACL: 'private' })),
      deleteMarkerMethod('PUT'),
    );
    await assertS3Error(s3.send(new GetObjectAclCommand({ Bucket: 'bucket-a', Key: 'k' })), noSuchKey('k'));
    await assertS3Error(
      s3.send(new PutObjectAclCommand({ Bucket: 'bucket-a', Key: 'k', ACL: 'private', VersionId: marker.VersionId })),
      deleteMarkerMethod('PUT'),
    );
    await assertS3Error(
      s3.send(new GetObjectAclCommand({ Bucket: 'bucket-a', Key: 'k', VersionId: marker.VersionId })),
      deleteMarkerMethod('GET'),
    );
  });

  test('a missing key is NoSuchKey', async () => {
    await assertS3Error(s3.send(new GetObjectAclCommand({ Bucket: 'bucket-a', Key: 'nope' })), noSuchKey('nope'));
  });
});
