import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  GetBucketAclCommand,
  GetBucketLocationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertS3Error, createBucket, s3For } from './s3-helpers.js';

const alreadyExists =
  'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.';
const alreadyOwned = 'Your previous request to create the named bucket succeeded and you already own it.';
const unspecifiedConstraint =
  'The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.';
const incompatible = (constraint: string) =>
  `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`;

const invalidName = (name: string) => ({
  code: 'InvalidBucketName',
  status: 400,
  message: 'The specified bucket is not valid.',
  fields: { BucketName: name },
});

/**
 * A request signed (in form only: Nimbus checks no signature by default) for an account and a
 * region, sent as it is: SDK v3 fills in a CreateBucket's LocationConstraint from the client's
 * region, and routes names ending `--x-s3` to directory-bucket endpoints.
 */
function rawRequest(
  cloud: NimbusCloud,
  method: string,
  path: string,
  options: { region?: string; body?: string } = {},
): Promise<Response> {
  const scope = `111111111111/20260101/${options.region ?? 'us-east-1'}/s3/aws4_request`;
  return fetch(`${cloud.endpoint}${path}`, {
    method,
    headers: {
      authorization: `AWS4-HMAC-SHA256 Credential=${scope}, SignedHeaders=host, Signature=${'0'.repeat(64)}`,
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
    },
    ...(options.body === undefined ? {} : { body: options.body }),
  });
}

/** The `<Error>` document's elements, in order, without RequestId and HostId. */
async function errorFields(response: Response): Promise<Array<[string, string]>> {
  const text = await response.text();
  const inner = /<Error>(.*)<\/Error>/s.exec(text)?.[1] ?? '';
  return [...inner.matchAll(/<(\w+)>([^<]*)<\/\1>/g)]
    .map((match) => [match[1] ?? '', match[2] ?? ''] as [string, string])
    .filter(([name]) => name !== 'RequestId' && name !== 'HostId');
}

describe('S3 CreateBucket', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;
  before(async () => {
    cloud = await startCloud();
    s3 = s3For(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  const regional = (region: string, account?: string) => s3For(cloud, { region, ...(account ? { account } : {}) });

  describe('CreateBucket', () => {
    describe('behaviour', () => {
      test('creates a us-east-1 bucket and answers its path as Location and its ARN', async () => {
        const output = await s3.send(new CreateBucketCommand({ Bucket: 'photos' }));
        assert.equal(output.$metadata.httpStatusCode, 200);
        assert.equal(output.Location, '/photos');
        assert.equal(output.BucketArn, 'arn:aws:s3:::photos');
      });

      test('answers the virtual host of a bucket made outside us-east-1 as Location', async () => {
        const output = await regional('eu-west-1').send(
          new CreateBucketCommand({ Bucket: 'photos', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }),
        );
        assert.equal(output.Location, `http://photos.s3.localhost:${cloud.port}/`);
        assert.equal(output.BucketArn, 'arn:aws:s3:::photos');
      });

      test('accepts names of 3 and 63 characters, with digits, dots and hyphens', async () => {
        for (const name of ['abc', 'a'.repeat(63), '1bucket', 'my.bucket.name', 'my-bucket-2']) {
          const output = await s3.send(new CreateBucketCommand({ Bucket: name }));
          assert.equal(output.Location, `/${name}`);
        }
      });

      test('accepts a configuration without a LocationConstraint from us-east-1', async () => {
        await s3.send(new CreateBucketCommand({ Bucket: 'photos', CreateBucketConfiguration: {} }));
        const head = await s3.send(new HeadBucketCommand({ Bucket: 'photos' }));
        assert.equal(head.BucketRegion, 'us-east-1');
      });

      test('creates a bucket in the region a valid constraint names when sent to us-east-1', async () => {
        // API_CreateBucket.html: the us-east-1 endpoint signs for us-east-1 "even if the
        // location constraint in the request specifies another Region".
        await s3.send(
          new CreateBucketCommand({ Bucket: 'photos', CreateBucketConfiguration: { LocationConstraint: 'eu-west-2' } }),
        );
        const head = await s3.send(new HeadBucketCommand({ Bucket: 'photos' }));
        assert.equal(head.BucketRegion, 'eu-west-2');
      });

      test('keeps the EU constraint for GetBucketLocation and puts the bucket in eu-west-1', async () => {
        const eu = regional('eu-west-1');
        await eu.send(
          new CreateBucketCommand({ Bucket: 'photos', CreateBucketConfiguration: { LocationConstraint: 'EU' } }),
        );
        const location = await eu.send(new GetBucketLocationCommand({ Bucket: 'photos' }));
        assert.equal(location.LocationConstraint, 'EU');
        const head = await eu.send(new HeadBucketCommand({ Bucket: 'photos' }));
        assert.equal(head.BucketRegion, 'eu-west-1');
        const list = await eu.send(new ListBucketsCommand({}));
        assert.equal(list.Buckets?.[0]?.BucketRegion, 'eu-west-1');
      });

      test('succeeds again and changes nothing when the owner re-creates a us-east-1 bucket', async () => {
        await createBucket(s3, 'photos');
        const before = await s3.send(new ListBucketsCommand({}));
        cloud.clock.advance(60);
        const again = await s3.send(new CreateBucketCommand({ Bucket: 'photos' }));
        assert.equal(again.$metadata.httpStatusCode, 200);
        assert.equal(again.Location, '/photos');
        const list = await s3.send(new ListBucketsCommand({}));
        assert.equal(list.Buckets?.length, 1);
        assert.deepEqual(list.Buckets?.[0]?.CreationDate, before.Buckets?.[0]?.CreationDate);
      });

      test('creates the bucket with the tags its configuration names', async () => {
        await s3.send(
          new CreateBucketCommand({
            Bucket: 'photos',
            CreateBucketConfiguration: { Tags: [{ Key: 'team', Value: 'media' }] },
          }),
        );
        const tagging = await s3.send(new GetBucketTaggingCommand({ Bucket: 'photos' }));
        assert.deepEqual(tagging.TagSet, [{ Key: 'team', Value: 'media' }]);
      });

      test('creates no tag set from an empty Tags list', async () => {
        await s3.send(new CreateBucketCommand({ Bucket: 'photos', CreateBucketConfiguration: { Tags: [] } }));
        await assertS3Error(s3.send(new GetBucketTaggingCommand({ Bucket: 'photos' })), {
          code: 'NoSuchTagSet',
          status: 404,
          message: 'The TagSet does not exist',
          fields: { BucketName: 'photos' },
        });
      });

      test('re-creating a us-east-1 bucket with an empty Tags list succeeds and keeps its tags', async () => {
        const config = { Tags: [{ Key: 'team', Value: 'media' }] };
        await s3.send(new CreateBucketCommand({ Bucket: 'photos', CreateBucketConfiguration: config }));
        await s3.send(new CreateBucketCommand({ Bucket: 'photos', CreateBucketConfiguration: { Tags: [] } }));
        const tagging = await s3.send(new GetBucketTaggingCommand({ Bucket: 'photos' }));
        assert.deepEqual(tagging.TagSet, [{ Key: 'team', Value: 'media' }]);
      });

      test('sets the ObjectOwnership the request names', async () => {
        await s3.send(new CreateBucketCommand({ Bucket: 'photos', ObjectOwnership: 'BucketOwnerPreferred' }));
        const controls = await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: 'photos' }));
        assert.deepEqual(controls.OwnershipControls, { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] });
      });

      test('keeps the private ACL a bucket is created with', async () => {
        await s3.send(new CreateBucketCommand({ Bucket: 'photos', ACL: 'private' }));
        const acl = await s3.send(new GetBucketAclCommand({ Bucket: 'photos' }));
        assert.deepEqual(acl.Grants, [
          { Grantee: { ID: acl.Owner?.ID, Type: 'CanonicalUser' }, Permission: 'FULL_CONTROL' },
        ]);
      });

      test('sets a public ACL at creation when ownership lets ACLs apply', async () => {
        await s3.send(
          new CreateBucketCommand({ Bucket: 'photos', ACL: 'public-read', ObjectOwnership: 'ObjectWriter' }),
        );
        const acl = await s3.send(new GetBucketAclCommand({ Bucket: 'photos' }));
        assert.deepEqual(acl.Grants, [
          { Grantee: { ID: acl.Owner?.ID, Type: 'CanonicalUser' }, Permission: 'FULL_CONTROL' },
          { Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' },
        ]);
        const logDelivery = 'http://acs.amazonaws.com/groups/s3/LogDelivery';
        await s3.send(
          new CreateBucketCommand({
            Bucket: 'logs',
            GrantWrite: `uri="${logDelivery}"`,
            ObjectOwnership: 'BucketOwnerPreferred',
          }),
        );
        const logs = await s3.send(new GetBucketAclCommand({ Bucket: 'logs' }));
        assert.deepEqual(logs.Grants, [{ Grantee: { Type: 'Group', URI: logDelivery }, Permission: 'WRITE' }]);
      });

      test('enables versioning on a bucket created with Object Lock', async () => {
        await s3.send(new CreateBucketCommand({ Bucket: 'photos', ObjectLockEnabledForBucket: true }));
        const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: 'photos' }));
        assert.equal(versioning.Status, 'Enabled');
      });
    });

    describe('validation', () => {
      const badNames = [
        'ab',
        'a'.repeat(64),
        'Photos',
        'my_bucket',
        '-photos',
        'photos-',
        '.photos',
        'my..bucket',
        'my.-bucket',
        'my-.bucket',
        '192.168.5.4',
        'xn--photos',
        'sthree-photos',
        'amzn-s3-demo-photos',
        'photos-s3alias',
        'photos--ol-s3',
        'photos.mrap',
        'photos--table-s3',
      ];
      for (const name of badNames) {
        test(`refuses the name ${name.length > 20 ? `of ${name.length} characters` : name} with InvalidBucketName`, async () => {
          await assertS3Error(s3.send(new CreateBucketCommand({ Bucket: name })), invalidName(name));
        });
      }

      test('refuses the directory-bucket suffix --x-s3 with InvalidBucketName', async () => {
        const response = await rawRequest(cloud, 'PUT', '/photos--x-s3');
        assert.equal(response.status, 400);
        assert.deepEqual(await errorFields(response), [
          ['Code', 'InvalidBucketName'],
          ['Message', 'The specified bucket is not valid.'],
          ['BucketName', 'photos--x-s3'],
        ]);
      });

      test('refuses LocationConstraint us-east-1 sent to us-east-1 with InvalidLocationConstraint', async () => {
        await assertS3Error(
          s3.send(
            new CreateBucketCommand({
              Bucket: 'photos',
              CreateBucketConfiguration: { LocationConstraint: 'us-east-1' as never },
            }),
          ),
          {
            code: 'InvalidLocationConstraint',
            status: 400,
            message: 'The specified location-constraint is not valid',
            fields: { LocationConstraint: 'us-east-1' },
          },
        );
      });

      test('refuses an unknown LocationConstraint sent to us-east-1 with InvalidLocationConstraint', async () => {
        await assertS3Error(
          s3.send(
            new CreateBucketCommand({
              Bucket: 'photos',
              CreateBucketConfiguration: { LocationConstraint: 'foo' as never },
            }),
          ),
          {
            code: 'InvalidLocationConstraint',
            status: 400,
            message: 'The specified location-constraint is not valid',
            fields: { LocationConstraint: 'foo' },
          },
        );
      });

      test('refuses a request to another region without a LocationConstraint', async () => {
        const emptyConfiguration =
          '<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></CreateBucketConfiguration>';
        for (const body of [undefined, emptyConfiguration]) {
          const response = await rawRequest(cloud, 'PUT', '/photos', {
            region: 'us-east-2',
            ...(body ? { body } : {}),
          });
          assert.equal(response.status, 400);
          assert.deepEqual(await errorFields(response), [
            ['Code', 'IllegalLocationConstraintException'],
            ['Message', unspecifiedConstraint],
          ]);
        }
        assert.equal((await rawRequest(cloud, 'HEAD', '/photos')).status, 404);
      });

      test('refuses a LocationConstraint other than the region the request was sent to', async () => {
        const cases: Array<[string, string]> = [
          ['us-east-2', 'us-west-1'],
          ['us-west-2', 'EU'],
          ['eu-west-1', 'eu-west-2'],
        ];
        for (const [region, constraint] of cases) {
          await assertS3Error(
            regional(region).send(
              new CreateBucketCommand({
                Bucket: 'photos',
                CreateBucketConfiguration: { LocationConstraint: constraint as never },
              }),
            ),
            { code: 'IllegalLocationConstraintException', status: 400, message: incompatible(constraint) },
          );
        }
      });

      test('refuses LocationConstraint us-east-1 sent to another region with IllegalLocationConstraintException', async () => {
        await assertS3Error(
          regional('us-west-1').send(
            new CreateBucketCommand({
              Bucket: 'photos',
              CreateBucketConfiguration: { LocationConstraint: 'us-east-1' as never },
            }),
          ),
          { code: 'IllegalLocationConstraintException', status: 400, message: incompatible('us-east-1') },
        );
      });

      test('refuses an unknown LocationConstraint sent to another region with IllegalLocationConstraintException', async () => {
        await assertS3Error(
          regional('eu-west-1').send(
            new CreateBucketCommand({
              Bucket: 'photos',
              CreateBucketConfiguration: { LocationConstraint: 'bar' as never },
            }),
          ),
          { code: 'IllegalLocationConstraintException', status: 400, message: incompatible('bar') },
        );
      });

      test('refuses a public ACL on a bucket whose ownership is BucketOwnerEnforced', async () => {
        const expected = {
          code: 'InvalidBucketAclWithObjectOwnership',
          status: 400,
          message: "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
        };
        await assertS3Error(s3.send(new CreateBucketCommand({ Bucket: 'photos', ACL: 'public-read' })), expected);
        await assertS3Error(
          s3.send(
            new CreateBucketCommand({
              Bucket: 'photos',
              ACL: 'authenticated-read',
              ObjectOwnership: 'BucketOwnerEnforced',
            }),
          ),
          expected,
        );
        await assertS3Error(s3.send(new HeadBucketCommand({ Bucket: 'photos' })), { code: 'NotFound', status: 404 });
      });

      test('refuses a tag key starting with aws: with InvalidTag', async () => {
        const error = await assertS3Error(
          s3.send(
            new CreateBucketCommand({
              Bucket: 'photos',
              CreateBucketConfiguration: { Tags: [{ Key: 'aws:team', Value: 'media' }] },
            }),
          ),
          {
            code: 'InvalidTag',
            status: 400,
            message:
              'User-defined tag keys can\'t start with "aws:". This prefix is reserved for system tags. Remove "aws:" from your tag keys and try again.',
          },
        );
        assert.equal(error.TagKey, undefined);
        await assertS3Error(s3.send(new HeadBucketCommand({ Bucket: 'photos' })), { code: 'NotFound', status: 404 });
      });

      test('refuses an invalid tag key or value with InvalidTag naming it', async () => {
        await assertS3Error(
          s3.send(
            new CreateBucketCommand({
              Bucket: 'photos',
              CreateBucketConfiguration: { Tags: [{ Key: 'test', Value: 'value1,value2' }] },
            }),
          ),
          {
            code: 'InvalidTag',
            status: 400,
            message: 'The TagValue you have provided is invalid',
            fields: { TagKey: 'test', TagValue: 'value1,value2' },
          },
        );
        await assertS3Error(
          s3.send(
            new CreateBucketCommand({
              Bucket: 'photos',
              CreateBucketConfiguration: { Tags: [{ Key: 'test,test2', Value: 'v' }] },
            }),
          ),
          {
            code: 'InvalidTag',
            status: 400,
            message: 'The TagKey you have provided is invalid',
            fields: { TagKey: 'test,test2' },
          },
        );
      });

      test('refuses a tag without a Value with MalformedXML', async () => {
        await assertS3Error(
          s3.send(
            new CreateBucketCommand({
              Bucket: 'photos',
              CreateBucketConfiguration: { Tags: [{ Key: 'team' } as never] },
            }),
          ),
          {
            code: 'MalformedXML',
            status: 400,
            message: 'The XML you provided was not well-formed or did not validate against our published schema',
          },
        );
      });

      test('refuses an unknown x-amz-object-ownership with InvalidArgument', async () => {
        await assertS3Error(
          s3.send(new CreateBucketCommand({ Bucket: 'photos', ObjectOwnership: 'RandomValue' as never })),
          {
            code: 'InvalidArgument',
            status: 400,
            message: 'Invalid x-amz-object-ownership header: RandomValue',
            fields: { ArgumentName: 'x-amz-object-ownership' },
          },
        );
      });
    });

    describe('errors', () => {
      test('answers BucketAlreadyExists when another account owns the name', async () => {
        await createBucket(s3, 'photos');
        const other = s3For(cloud, { account: '222222222222' });
        await assertS3Error(other.send(new CreateBucketCommand({ Bucket: 'photos' })), {
          code: 'BucketAlreadyExists',
          status: 409,
          message: alreadyExists,
          fields: { BucketName: 'photos' },
        });
        const otherRegion = s3For(cloud, { account: '222222222222', region: 'eu-west-1' });
        await assertS3Error(
          otherRegion.send(
            new CreateBucketCommand({
              Bucket: 'photos',
              CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
            }),
          ),
          { code: 'BucketAlreadyExists', status: 409, message: alreadyExists, fields: { BucketName: 'photos' } },
        );
      });

      test('answers BucketAlreadyOwnedByYou when the owner re-creates a bucket outside us-east-1', async () => {
        const west = regional('us-west-1');
        await createBucket(west, 'photos', 'us-west-1');
        await assertS3Error(createBucket(west, 'photos', 'us-west-1'), {
          code: 'BucketAlreadyOwnedByYou',
          status: 409,
          message: alreadyOwned,
          fields: { BucketName: 'photos' },
        });
      });

      test('answers BucketAlreadyOwnedByYou when a us-east-1 bucket is re-created from another region', async () => {
        await createBucket(s3, 'photos');
        await assertS3Error(createBucket(regional('us-east-2'), 'photos', 'us-east-2'), {
          code: 'BucketAlreadyOwnedByYou',
          status: 409,
          message: alreadyOwned,
          fields: { BucketName: 'photos' },
        });
      });

      test('answers BucketAlreadyOwnedByYou when a us-east-1 bucket is re-created with tags, keeping its tags', async () => {
        const tags = [{ Key: 'team', Value: 'media' }];
        await s3.send(new CreateBucketCommand({ Bucket: 'photos', CreateBucketConfiguration: { Tags: tags } }));
        for (const again of [tags, [{ Key: 'team', Value: 'ops' }]]) {
          await assertS3Error(
            s3.send(new CreateBucketCommand({ Bucket: 'photos', CreateBucketConfiguration: { Tags: again } })),
            { code: 'BucketAlreadyOwnedByYou', status: 409, message: alreadyOwned, fields: { BucketName: 'photos' } },
          );
        }
        const tagging = await s3.send(new GetBucketTaggingCommand({ Bucket: 'photos' }));
        assert.deepEqual(tagging.TagSet, tags);
      });
    });
  });
});
