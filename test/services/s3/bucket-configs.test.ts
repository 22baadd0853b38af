import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  DeleteBucketEncryptionCommand,
  DeleteBucketOwnershipControlsCommand,
  DeleteBucketPolicyCommand,
  DeleteBucketTaggingCommand,
  DeletePublicAccessBlockCommand,
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  PutBucketAclCommand,
  type PutBucketAclCommandInput,
  PutBucketEncryptionCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  type S3Client,
  type Tag,
} from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertS3Error, createBucket, malformedXml, noSuchBucket, s3For } from './s3-helpers.js';

const notFound = (code: string, message: string) => ({ code, status: 404, message, fields: { BucketName: 'photos' } });
const noSuchTagSet = notFound('NoSuchTagSet', 'The TagSet does not exist');
const noSuchPolicy = notFound('NoSuchBucketPolicy', 'The bucket policy does not exist');

const invalidTag = (message: string, fields: Record<string, string>) => ({
  code: 'InvalidTag',
  status: 400,
  message,
  fields,
});

const allUsers = 'http://acs.amazonaws.com/groups/global/AllUsers';
const logDelivery = 'http://acs.amazonaws.com/groups/s3/LogDelivery';

const policy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::photos/*' }],
});

describe('S3 bucket configurations', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;
  before(async () => {
    cloud = await startCloud();
    s3 = s3For(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await createBucket(s3, 'photos');
  });

  describe('bucket tagging', () => {
    const putTags = (TagSet: Tag[]) => s3.send(new PutBucketTaggingCommand({ Bucket: 'photos', Tagging: { TagSet } }));

    test('answers NoSuchTagSet for a bucket without tags', async () => {
      await assertS3Error(s3.send(new GetBucketTaggingCommand({ Bucket: 'photos' })), noSuchTagSet);
    });

    test('keeps the tag set as given, empty values included, and replaces it whole', async () => {
      await putTags([
        { Key: 'tag1', Value: 'tag1' },
        { Key: 'tag2', Value: '' },
      ]);
      const first = await s3.send(new GetBucketTaggingCommand({ Bucket: 'photos' }));
      assert.deepEqual(first.TagSet, [
        { Key: 'tag1', Value: 'tag1' },
        { Key: 'tag2', Value: '' },
      ]);
      await putTags([{ Key: 'tag3', Value: 'tag3' }]);
      const second = await s3.send(new GetBucketTaggingCommand({ Bucket: 'photos' }));
      assert.deepEqual(second.TagSet, [{ Key: 'tag3', Value: 'tag3' }]);
    });

    test('answers PutBucketTagging with 204', async () => {
      const output = await putTags([{ Key: 'tag1', Value: 'v' }]);
      assert.equal(output.$metadata.httpStatusCode, 204);
    });

    test('accepts 50 tags of the longest keys and values, Unicode and punctuation included', async () => {
      const tags = Array.from({ length: 50 }, (_, index) => ({
        Key: `${String(index).padStart(2, '0')}${'k'.repeat(126)}`,
        Value: 'v'.repeat(256),
      }));
      tags[0] = { Key: 'Zoë team_1 .:/=+-@', Value: 'café au lait +-=._:/@' };
      await putTags(tags);
      const tagging = await s3.send(new GetBucketTaggingCommand({ Bucket: 'photos' }));
      assert.deepEqual(tagging.TagSet, tags);
    });

    test('treats an empty tag set as a delete', async () => {
      await putTags([{ Key: 'tag1', Value: 'v' }]);
      await putTags([]);
      await assertS3Error(s3.send(new GetBucketTaggingCommand({ Bucket: 'photos' })), noSuchTagSet);
    });

    test('deletes the tags with 204, again and again', async () => {
      await putTags([{ Key: 'tag1', Value: 'v' }]);
      for (let attempt = 0; attempt < 2; attempt++) {
        const output = await s3.send(new DeleteBucketTaggingCommand({ Bucket: 'photos' }));
        assert.equal(output.$metadata.httpStatusCode, 204);
      }
      await assertS3Error(s3.send(new GetBucketTaggingCommand({ Bucket: 'photos' })), noSuchTagSet);
    });

    test('answers NoSuchBucket to get, put and delete on a missing bucket', async () => {
      const Bucket = 'missing-bucket';
      await assertS3Error(s3.send(new GetBucketTaggingCommand({ Bucket })), noSuchBucket(Bucket));
      await assertS3Error(
        s3.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: [{ Key: 'a', Value: 'b' }] } })),
        noSuchBucket(Bucket),
      );
      await assertS3Error(s3.send(new DeleteBucketTaggingCommand({ Bucket })), noSuchBucket(Bucket));
    });

    test('refuses a key given twice with InvalidTag naming it', async () => {
      await assertS3Error(
        putTags([
          { Key: 'Key1', Value: 'a' },
          { Key: 'Key1', Value: 'b' },
        ]),
        invalidTag('Cannot provide multiple Tags with the same key', { TagKey: 'Key1' }),
      );
    });

    test('refuses keys and values with characters or lengths AWS does not allow', async () => {
      const badKey = 'The TagKey you have provided is invalid';
      const badValue = 'The TagValue you have provided is invalid';
      await assertS3Error(putTags([{ Key: 'Key1,Key2', Value: 'v' }]), invalidTag(badKey, { TagKey: 'Key1,Key2' }));
      const long = 'k'.repeat(129);
      await assertS3Error(putTags([{ Key: long, Value: 'v' }]), invalidTag(badKey, { TagKey: long }));
      await assertS3Error(
        putTags([{ Key: 'Key1', Value: 'Val1,Val2' }]),
        invalidTag(badValue, { TagKey: 'Key1', TagValue: 'Val1,Val2' }),
      );
      const longValue = 'v'.repeat(257);
      await assertS3Error(
        putTags([{ Key: 'Key1', Value: longValue }]),
        invalidTag(badValue, { TagKey: 'Key1', TagValue: longValue }),
      );
    });

    test('refuses an empty key with InvalidTag', async () => {
      await assertS3Error(
        putTags([{ Key: '', Value: 'v' }]),
        invalidTag('The TagKey you have provided is invalid', { TagKey: '' }),
      );
    });

    test('refuses a key with the aws: prefix', async () => {
      await assertS3Error(
        putTags([{ Key: 'aws:prefixed', Value: 'v' }]),
        invalidTag('System tags cannot be added/updated by requester', { TagKey: 'aws:prefixed' }),
      );
    });

    test('refuses more than 50 tags with BadRequest', async () => {
      const tags = Array.from({ length: 51 }, (_, index) => ({ Key: `key${index}`, Value: 'v' }));
      await assertS3Error(putTags(tags), {
        code: 'BadRequest',
        status: 400,
        message: 'Bucket tag count cannot be greater than 50',
      });
    });

    test('refuses a tag without a Key with MalformedXML', async () => {
      await assertS3Error(putTags([{ Value: 'v' } as Tag]), malformedXml);
    });
  });

  describe('ExpectedBucketOwner', () => {
    test('answers AccessDenied when the bucket belongs to another account', async () => {
      await assertS3Error(
        s3.send(new GetBucketTaggingCommand({ Bucket: 'photos', ExpectedBucketOwner: '222222222222' })),
        {
          code: 'AccessDenied',
          status: 403,
          message: 'Access Denied',
        },
      );
      await assertS3Error(
        s3.send(new GetBucketPolicyCommand({ Bucket: 'photos', ExpectedBucketOwner: '111111111111' })),
        noSuchPolicy,
      );
    });

    test('refuses a value that is not an account id, before looking for the bucket', async () => {
      for (const value of ['0000', 'abcd', '0000000000020', 'aa000000000$']) {
        await assertS3Error(
          s3.send(new GetBucketPolicyCommand({ Bucket: 'missing-bucket', ExpectedBucketOwner: value })),
          {
            code: 'InvalidBucketOwnerAWSAccountID',
            status: 400,
            message: `The value of the expected bucket owner parameter must be an AWS Account ID... [${value}]`,
          },
        );
      }
    });
  });

  describe('bucket policy', () => {
    test('keeps the policy text as given and deletes it with 204, idempotently', async () => {
      await assertS3Error(s3.send(new GetBucketPolicyCommand({ Bucket: 'photos' })), noSuchPolicy);
      const text = JSON.stringify(JSON.parse(policy), null, 2);
      await s3.send(new PutBucketPolicyCommand({ Bucket: 'photos', Policy: text }));
      const stored = await s3.send(new GetBucketPolicyCommand({ Bucket: 'photos' }));
      assert.equal(stored.Policy, text);
      for (let attempt = 0; attempt < 2; attempt++) {
        const output = await s3.send(new DeleteBucketPolicyCommand({ Bucket: 'photos' }));
        assert.equal(output.$metadata.httpStatusCode, 204);
      }
      await assertS3Error(s3.send(new GetBucketPolicyCommand({ Bucket: 'photos' })), noSuchPolicy);
    });

    test('answers PutBucketPolicy with 204', async () => {
      const output = await s3.send(new PutBucketPolicyCommand({ Bucket: 'photos', Policy: policy }));
      assert.equal(output.$metadata.httpStatusCode, 204);
    });

    test('refuses text that is not a JSON object with MalformedPolicy', async () => {
      for (const text of ['randomstring', '[{"Statement": []}]', '{"Statement": ', ' ']) {
        await assertS3Error(s3.send(new PutBucketPolicyCommand({ Bucket: 'photos', Policy: text })), {
          code: 'MalformedPolicy',
          status: 400,
          message: "Policies must be valid JSON and the first byte must be '{'",
        });
      }
    });

    test('refuses an empty policy with MalformedPolicy', async () => {
      await assertS3Error(s3.send(new PutBucketPolicyCommand({ Bucket: 'photos', Policy: '' })), {
        code: 'MalformedPolicy',
        status: 400,
        message: "Policies must be valid JSON and the first byte must be '{'",
      });
    });

    test('refuses a policy without Statement with MalformedPolicy', async () => {
      await assertS3Error(s3.send(new PutBucketPolicyCommand({ Bucket: 'photos', Policy: '{}' })), {
        code: 'MalformedPolicy',
        status: 400,
        message: 'Missing required field Statement',
      });
    });

    test('answers NoSuchBucket for a missing bucket', async () => {
      const Bucket = 'missing-bucket';
      await assertS3Error(s3.send(new PutBucketPolicyCommand({ Bucket, Policy: policy })), noSuchBucket(Bucket));
      await assertS3Error(s3.send(new GetBucketPolicyCommand({ Bucket })), noSuchBucket(Bucket));
      await assertS3Error(s3.send(new DeleteBucketPolicyCommand({ Bucket })), noSuchBucket(Bucket));
    });
  });

  describe('bucket ACL', () => {
    let ownerId: string;
    beforeEach(async () => {
      ownerId = (await s3.send(new GetBucketAclCommand({ Bucket: 'photos' }))).Owner?.ID ?? '';
    });
    const ownerFull = () => ({ Grantee: { ID: ownerId, Type: 'CanonicalUser' }, Permission: 'FULL_CONTROL' });
    /** ACLs take effect once ownership controls and the public access block are gone (test_s3 test_s3_bucket_acl). */
    const enableAcls = async () => {
      await s3.send(new DeleteBucketOwnershipControlsCommand({ Bucket: 'photos' }));
      await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'photos' }));
    };
    const putAcl = (input: Omit<PutBucketAclCommandInput, 'Bucket'>) =>
      s3.send(new PutBucketAclCommand({ Bucket: 'photos', ...input }));

    test("grants the owner full control by default, under the owner's canonical id", async () => {
      const acl = await s3.send(new GetBucketAclCommand({ Bucket: 'photos' }));
      assert.match(ownerId, /^[0-9a-f]{64}$/);
      assert.deepEqual(acl.Owner, { ID: ownerId });
      assert.deepEqual(acl.Grants, [ownerFull()]);
    });

    test('sets canned ACLs once ACLs are enabled', async () => {
      await enableAcls();
      await putAcl({ ACL: 'public-read' });
      const publicRead = await s3.send(new GetBucketAclCommand({ Bucket: 'photos' }));
      assert.deepEqual(publicRead.Grants, [
        ownerFull(),
        { Grantee: { Type: 'Group', URI: allUsers }, Permission: 'READ' },
      ]);
      await putAcl({ ACL: 'private' });
      const privateAcl = await s3.send(new GetBucketAclCommand({ Bucket: 'photos' }));
      assert.deepEqual(privateAcl.Grants, [ownerFull()]);
    });

    test('replaces the whole ACL with the grants of grant headers', async () => {
      await enableAcls();
      await putAcl({ GrantRead: `uri="${logDelivery}"` });
      const acl = await s3.send(new GetBucketAclCommand({ Bucket: 'photos' }));
      assert.deepEqual(acl.Owner, { ID: ownerId });
      assert.deepEqual(acl.Grants, [{ Grantee: { Type: 'Group', URI: logDelivery }, Permission: 'READ' }]);
    });

    test('keeps the grants of an AccessControlPolicy document', async () => {
      await enableAcls();
      const grants = [ownerFull(), { Grantee: { Type: 'Group', URI: logDelivery }, Permission: 'WRITE' }] as never;
      await putAcl({ AccessControlPolicy: { Owner: { ID: ownerId }, Grants: grants } });
      const acl = await s3.send(new GetBucketAclCommand({ Bucket: 'photos' }));
      assert.deepEqual(acl.Grants, grants);
    });

    test('accepts only the private ACL while ownership is BucketOwnerEnforced', async () => {
      await putAcl({ ACL: 'private' });
      await assertS3Error(putAcl({ ACL: 'public-read' }), {
        code: 'AccessControlListNotSupported',
        status: 400,
        message: 'The bucket does not allow ACLs',
      });
    });

    test('refuses a public ACL while the public access block blocks public ACLs', async () => {
      await s3.send(
        new PutBucketOwnershipControlsCommand({
          Bucket: 'photos',
          OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] },
        }),
      );
      await assertS3Error(putAcl({ ACL: 'public-read' }), {
        code: 'AccessDenied',
        status: 403,
        message: 'Access Denied',
      });
    });

    test('refuses malformed grant headers with InvalidArgument naming the argument', async () => {
      await enableAcls();
      const fakeGroup = 'http://acs.amazonaws.com/groups/s3/FakeGroup';
      await assertS3Error(putAcl({ GrantWrite: `uri="${fakeGroup}"` }), {
        code: 'InvalidArgument',
        status: 400,
        message: 'Invalid group uri',
        fields: { ArgumentName: 'uri', ArgumentValue: fakeGroup },
      });
      await assertS3Error(putAcl({ GrantWrite: 'fakekey="1234"' }), {
        code: 'InvalidArgument',
        status: 400,
        message: 'Argument format not recognized',
        fields: { ArgumentName: 'x-amz-grant-write', ArgumentValue: 'fakekey="1234"' },
      });
      await assertS3Error(putAcl({ GrantWrite: 'id="wrong-id"' }), {
        code: 'InvalidArgument',
        status: 400,
        message: 'Invalid id',
        fields: { ArgumentName: 'id', ArgumentValue: 'wrong-id' },
      });
    });

    test('refuses malformed AccessControlPolicy documents', async () => {
      await enableAcls();
      const malformedAcl = { ...malformedXml, code: 'MalformedACLError' };
      await assertS3Error(putAcl({ AccessControlPolicy: { Grants: [ownerFull() as never] } }), malformedAcl);
      await assertS3Error(putAcl({ AccessControlPolicy: {} }), malformedAcl);
      await assertS3Error(
        putAcl({
          AccessControlPolicy: {
            Owner: { ID: ownerId },
            Grants: [{ Grantee: { ID: 'wrong-id', Type: 'CanonicalUser' }, Permission: 'FULL_CONTROL' }],
          },
        }),
        {
          code: 'InvalidArgument',
          status: 400,
          message: 'Invalid id',
          fields: { ArgumentName: 'CanonicalUser/ID', ArgumentValue: 'wrong-id' },
        },
      );
      const fakeGroup = 'http://acs.amazonaws.com/groups/s3/FakeGroup';
      await assertS3Error(
        putAcl({
          AccessControlPolicy: {
            Owner: { ID: ownerId },
            Grants: [{ Grantee: { URI: fakeGroup, Type: 'Group' }, Permission: 'WRITE' }],
          },
        }),
        {
          code: 'InvalidArgument',
          status: 400,
          message: 'Invalid group uri',
          fields: { ArgumentName: 'Group/URI', ArgumentValue: fakeGroup },
        },
      );
    });

    test('refuses a request with no ACL, or with two kinds of ACL', async () => {
      await enableAcls();
      await assertS3Error(putAcl({}), {
        code: 'MissingSecurityHeader',
        status: 400,
        message: 'Your request was missing a required header',
        fields: { MissingHeaderName: 'x-amz-acl' },
      });
      await assertS3Error(putAcl({ ACL: 'public-read', GrantRead: `uri="${allUsers}"` }), {
        code: 'InvalidRequest',
        status: 400,
        message: 'Specifying both Canned ACLs and Header Grants is not allowed',
      });
      await assertS3Error(
        putAcl({ ACL: 'public-read', AccessControlPolicy: { Owner: { ID: ownerId }, Grants: [ownerFull() as never] } }),
        { code: 'UnexpectedContent', status: 400, message: 'This request does not support content' },
      );
    });

    test('refuses an unknown canned ACL with InvalidArgument and an empty message', async () => {
      await assertS3Error(putAcl({ ACL: 'fake-acl' as never }), {
        code: 'InvalidArgument',
        status: 400,
        fields: { ArgumentName: 'x-amz-acl', ArgumentValue: 'fake-acl' },
      });
    });
  });

  describe('ownership controls', () => {
    const getControls = () => s3.send(new GetBucketOwnershipControlsCommand({ Bucket: 'photos' }));

    test('enforces bucket-owner ownership on a new bucket, and keeps what is put', async () => {
      assert.deepEqual((await getControls()).OwnershipControls, {
        Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }],
      });
      const put = await s3.send(
        new PutBucketOwnershipControlsCommand({
          Bucket: 'photos',
          OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] },
        }),
      );
      assert.equal(put.$metadata.httpStatusCode, 200);
      assert.deepEqual((await getControls()).OwnershipControls, { Rules: [{ ObjectOwnership: 'ObjectWriter' }] });
    });

    test('answers OwnershipControlsNotFoundError after a delete, which is idempotent', async () => {
      for (let attempt = 0; attempt < 2; attempt++) {
        const output = await s3.send(new DeleteBucketOwnershipControlsCommand({ Bucket: 'photos' }));
        assert.equal(output.$metadata.httpStatusCode, 204);
      }
      await assertS3Error(
        getControls(),
        notFound('OwnershipControlsNotFoundError', 'The bucket ownership controls were not found'),
      );
    });

    test('refuses several rules with MalformedXML', async () => {
      const Rules = [
        { ObjectOwnership: 'ObjectWriter' as const },
        { ObjectOwnership: 'BucketOwnerPreferred' as const },
      ];
      await assertS3Error(
        s3.send(new PutBucketOwnershipControlsCommand({ Bucket: 'photos', OwnershipControls: { Rules } })),
        malformedXml,
      );
    });

    test('refuses an empty rule list with MalformedXML', async () => {
      await assertS3Error(
        s3.send(new PutBucketOwnershipControlsCommand({ Bucket: 'photos', OwnershipControls: { Rules: [] } })),
        malformedXml,
      );
    });

    test('refuses an unknown ObjectOwnership with MalformedXML', async () => {
      await assertS3Error(
        s3.send(
          new PutBucketOwnershipControlsCommand({
            Bucket: 'photos',
            OwnershipControls: { Rules: [{ ObjectOwnership: 'RandomValue' as never }] },
          }),
        ),
        malformedXml,
      );
    });
  });

  describe('public access block', () => {
    const getBlock = () => s3.send(new GetPublicAccessBlockCommand({ Bucket: 'photos' }));
    const allFlags = (value: boolean) => ({
      BlockPublicAcls: value,
      IgnorePublicAcls: value,
      BlockPublicPolicy: value,
      RestrictPublicBuckets: value,
    });

    test('blocks everything on a new bucket, and keeps what is put', async () => {
      assert.deepEqual((await getBlock()).PublicAccessBlockConfiguration, allFlags(true));
      const put = await s3.send(
        new PutPublicAccessBlockCommand({ Bucket: 'photos', PublicAccessBlockConfiguration: allFlags(false) }),
      );
      assert.equal(put.$metadata.httpStatusCode, 200);
      assert.deepEqual((await getBlock()).PublicAccessBlockConfiguration, allFlags(false));
    });

    test('stores a flag left out as false', async () => {
      await s3.send(
        new PutPublicAccessBlockCommand({
          Bucket: 'photos',
          PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true },
        }),
      );
      assert.deepEqual((await getBlock()).PublicAccessBlockConfiguration, {
        ...allFlags(true),
        RestrictPublicBuckets: false,
      });
    });

    test('answers NoSuchPublicAccessBlockConfiguration after a delete, which is idempotent', async () => {
      for (let attempt = 0; attempt < 2; attempt++) {
        const output = await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'photos' }));
        assert.equal(output.$metadata.httpStatusCode, 204);
      }
      await assertS3Error(
        getBlock(),
        notFound('NoSuchPublicAccessBlockConfiguration', 'The public access block configuration was not found'),
      );
    });

    test('answers NoSuchBucket for a missing bucket', async () => {
      await assertS3Error(
        s3.send(new GetPublicAccessBlockCommand({ Bucket: 'missing-bucket' })),
        noSuchBucket('missing-bucket'),
      );
    });
  });

  describe('default encryption', () => {
    const getEncryption = async () =>
      (await s3.send(new GetBucketEncryptionCommand({ Bucket: 'photos' }))).ServerSideEncryptionConfiguration;
    const sseS3 = {
      Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }],
    };

    test('encrypts a new bucket with SSE-S3 by default', async () => {
      assert.deepEqual(await getEncryption(), sseS3);
    });

    test('keeps an SSE-KMS default with its key and bucket key', async () => {
      const config = {
        Rules: [
          {
            ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' as const, KMSMasterKeyID: 'alias/photos' },
            BucketKeyEnabled: true,
          },
        ],
      };
      const put = await s3.send(
        new PutBucketEncryptionCommand({ Bucket: 'photos', ServerSideEncryptionConfiguration: config }),
      );
      assert.equal(put.$metadata.httpStatusCode, 200);
      assert.deepEqual(await getEncryption(), config);
    });

    test('answers BucketKeyEnabled false for a rule that leaves it out', async () => {
      await s3.send(
        new PutBucketEncryptionCommand({
          Bucket: 'photos',
          ServerSideEncryptionConfiguration: {
            Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
          },
        }),
      );
      assert.deepEqual(await getEncryption(), sseS3);
    });

    test('goes back to SSE-S3 after a delete, which is idempotent', async () => {
      await s3.send(
        new PutBucketEncryptionCommand({
          Bucket: 'photos',
          ServerSideEncryptionConfiguration: {
            Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }],
          },
        }),
      );
      for (let attempt = 0; attempt < 2; attempt++) {
        const output = await s3.send(new DeleteBucketEncryptionCommand({ Bucket: 'photos' }));
        assert.equal(output.$metadata.httpStatusCode, 204);
      }
      assert.deepEqual(await getEncryption(), sseS3);
    });

    test('refuses two rules, or a rule without a default, with MalformedXML', async () => {
      const rule = { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' as const } };
      for (const Rules of [[rule, rule], [{ BucketKeyEnabled: true }]]) {
        await assertS3Error(
          s3.send(new PutBucketEncryptionCommand({ Bucket: 'photos', ServerSideEncryptionConfiguration: { Rules } })),
          malformedXml,
        );
      }
    });

    test('refuses an empty rule list with MalformedXML', async () => {
      await assertS3Error(
        s3.send(new PutBucketEncryptionCommand({ Bucket: 'photos', ServerSideEncryptionConfiguration: { Rules: [] } })),
        malformedXml,
      );
    });

    test('refuses a KMS key with AES256 with InvalidArgument', async () => {
      const error = await assertS3Error(
        s3.send(
          new PutBucketEncryptionCommand({
            Bucket: 'photos',
            ServerSideEncryptionConfiguration: {
              Rules: [
                { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256', KMSMasterKeyID: 'alias/photos' } },
              ],
            },
          }),
        ),
        {
          code: 'InvalidArgument',
          status: 400,
          message: 'a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse',
          fields: { ArgumentName: 'ApplyServerSideEncryptionByDefault' },
        },
      );
      assert.equal(error.ArgumentValue, undefined);
    });

    test('answers NoSuchBucket to get, put and delete on a missing bucket', async () => {
      const Bucket = 'missing-bucket';
      await assertS3Error(s3.send(new GetBucketEncryptionCommand({ Bucket })), noSuchBucket(Bucket));
      await assertS3Error(
        s3.send(new PutBucketEncryptionCommand({ Bucket, ServerSideEncryptionConfiguration: sseS3 as never })),
        noSuchBucket(Bucket),
      );
      await assertS3Error(s3.send(new DeleteBucketEncryptionCommand({ Bucket })), noSuchBucket(Bucket));
    });
  });

  describe('versioning configuration', () => {
    const putStatus = (Status: string | undefined) =>
      s3.send(
        new PutBucketVersioningCommand({
          Bucket: 'photos',
          VersioningConfiguration: Status === undefined ? {} : { Status: Status as never },
        }),
      );
    const getStatus = async () => (await s3.send(new GetBucketVersioningCommand({ Bucket: 'photos' }))).Status;

    test('answers no Status for a bucket never configured', async () => {
      const output = await s3.send(new GetBucketVersioningCommand({ Bucket: 'photos' }));
      assert.equal(output.Status, undefined);
      assert.equal(output.MFADelete, undefined);
    });

    test('allows Suspended before Enabled, and moves between the two', async () => {
      for (const status of ['Suspended', 'Enabled', 'Suspended', 'Enabled']) {
        const output = await putStatus(status);
        assert.equal(output.$metadata.httpStatusCode, 200);
        assert.equal(await getStatus(), status);
      }
    });

    test('refuses a configuration without Status with IllegalVersioningConfigurationException', async () => {
      await assertS3Error(putStatus(undefined), {
        code: 'IllegalVersioningConfigurationException',
        status: 400,
        message: 'The Versioning element must be specified',
      });
    });

    test('refuses a Status other than Enabled and Suspended with MalformedXML', async () => {
      for (const status of ['enabled', 'Disabled']) await assertS3Error(putStatus(status), malformedXml);
    });

    test('refuses to suspend versioning on an Object Lock bucket with InvalidBucketState', async () => {
      await s3.send(new CreateBucketCommand({ Bucket: 'locked', ObjectLockEnabledForBucket: true }));
      await assertS3Error(
        s3.send(new PutBucketVersioningCommand({ Bucket: 'locked', VersioningConfiguration: { Status: 'Suspended' } })),
        {
          code: 'InvalidBucketState',
          status: 409,
          message: 'An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.',
        },
      );
      const output = await s3.send(new GetBucketVersioningCommand({ Bucket: 'locked' }));
      assert.equal(output.Status, 'Enabled');
    });

    test('answers NoSuchBucket for a missing bucket', async () => {
      const Bucket = 'missing-bucket';
      await assertS3Error(
        s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } })),
        noSuchBucket(Bucket),
      );
      await assertS3Error(s3.send(new GetBucketVersioningCommand({ Bucket })), noSuchBucket(Bucket));
    });
  });
});
