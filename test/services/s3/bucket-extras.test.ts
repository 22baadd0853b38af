import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  DeleteBucketReplicationCommand,
  GetBucketAccelerateConfigurationCommand,
  GetBucketAclCommand,
  GetBucketCorsCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLocationCommand,
  GetBucketLoggingCommand,
  GetBucketPolicyCommand,
  GetBucketReplicationCommand,
  GetBucketRequestPaymentCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetBucketWebsiteCommand,
  GetObjectLockConfigurationCommand,
  HeadBucketCommand,
  type ObjectLockConfiguration,
  PutBucketAccelerateConfigurationCommand,
  PutBucketLoggingCommand,
  PutBucketReplicationCommand,
  PutBucketRequestPaymentCommand,
  PutBucketVersioningCommand,
  PutObjectLockConfigurationCommand,
  type ReplicationRule,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertS3Error, createBucket, malformedXml, noSuchBucket, s3For } from './s3-helpers.js';

// Expected answers: shared/aws-reference/recorded-responses/services/s3 (test_s3_api
// TestS3BucketAccelerateConfiguration and TestS3ObjectLock; test_s3 test_s3_request_payer,
// TestS3BucketLogging, TestS3BucketReplication).

const role = 'arn:aws:iam::111111111111:role/replication';
const logDelivery = 'http://acs.amazonaws.com/groups/s3/LogDelivery';

describe('S3 bucket extras: acceleration, requester pays, logging, replication, Object Lock', () => {
  let cloud: NimbusCloud;
  let s3: S3Client;
  before(async () => {
    cloud = await startCloud();
    s3 = s3For(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await createBucket(s3, 'source');
  });

  const versioned = (Bucket: string) =>
    s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));

  describe('transfer acceleration', () => {
    const put = (Status: string, Bucket = 'source') =>
      s3.send(
        new PutBucketAccelerateConfigurationCommand({ Bucket, AccelerateConfiguration: { Status: Status as never } }),
      );

    test('answers an empty configuration for a bucket never configured', async () => {
      const output = await s3.send(new GetBucketAccelerateConfigurationCommand({ Bucket: 'source' }));
      assert.equal(output.Status, undefined);
      assert.equal(output.$metadata.httpStatusCode, 200);
    });

    test('keeps Enabled, then Suspended', async () => {
      assert.equal((await put('Enabled')).$metadata.httpStatusCode, 200);
      assert.equal(
        (await s3.send(new GetBucketAccelerateConfigurationCommand({ Bucket: 'source' }))).Status,
        'Enabled',
      );
      await put('Suspended');
      assert.equal(
        (await s3.send(new GetBucketAccelerateConfigurationCommand({ Bucket: 'source' }))).Status,
        'Suspended',
      );
    });

    test('refuses a status of another case or an unknown one as MalformedXML', async () => {
      await assertS3Error(put('enabled'), malformedXml);
      await assertS3Error(put('random'), malformedXml);
    });

    test('refuses a bucket with periods in its name before it looks at the status', async () => {
      await createBucket(s3, 'with.dots.bucket');
      await assertS3Error(put('random', 'with.dots.bucket'), {
        code: 'InvalidRequest',
        status: 400,
        message: 'S3 Transfer Acceleration is not supported for buckets with periods (.) in their names',
      });
    });

    test('answers NoSuchBucket for a bucket that does not exist', async () => {
      await assertS3Error(put('Enabled', 'missing-bucket'), noSuchBucket('missing-bucket'));
    });
  });

  describe('requester pays', () => {
    const put = (Payer: string, Bucket = 'source') =>
      s3.send(new PutBucketRequestPaymentCommand({ Bucket, RequestPaymentConfiguration: { Payer: Payer as never } }));

    test('answers BucketOwner until set, then the payer set', async () => {
      assert.equal((await s3.send(new GetBucketRequestPaymentCommand({ Bucket: 'source' }))).Payer, 'BucketOwner');
      assert.equal((await put('Requester')).$metadata.httpStatusCode, 200);
      assert.equal((await s3.send(new GetBucketRequestPaymentCommand({ Bucket: 'source' }))).Payer, 'Requester');
    });

    test('refuses an unknown payer as MalformedXML and a missing bucket as NoSuchBucket', async () => {
      await assertS3Error(put('Random'), malformedXml);
      await assertS3Error(put('Requester', 'missing-bucket'), noSuchBucket('missing-bucket'));
    });
  });

  describe('server access logging', () => {
    const put = (LoggingEnabled?: Record<string, unknown>, Bucket = 'source') =>
      s3.send(
        new PutBucketLoggingCommand({ Bucket, BucketLoggingStatus: LoggingEnabled ? { LoggingEnabled } : {} } as never),
      );

    test('answers no LoggingEnabled until set, keeps target and prefix, and turns off with an empty status', async () => {
      await createBucket(s3, 'logs');
      assert.equal((await s3.send(new GetBucketLoggingCommand({ Bucket: 'source' }))).LoggingEnabled, undefined);
      assert.equal((await put({ TargetBucket: 'logs', TargetPrefix: 'log' })).$metadata.httpStatusCode, 200);
      const logging = await s3.send(new GetBucketLoggingCommand({ Bucket: 'source' }));
      assert.deepEqual(logging.LoggingEnabled, { TargetBucket: 'logs', TargetPrefix: 'log' });
      await put();
      assert.equal((await s3.send(new GetBucketLoggingCommand({ Bucket: 'source' }))).LoggingEnabled, undefined);
    });

    test('keeps target grants as given, READ_ACP included', async () => {
      await createBucket(s3, 'logs');
      const grants = [
        { Grantee: { Type: 'Group', URI: logDelivery }, Permission: 'WRITE' },
        { Grantee: { Type: 'Group', URI: logDelivery }, Permission: 'READ_ACP' },
      ];
      await put({ TargetBucket: 'logs', TargetPrefix: 'log', TargetGrants: grants });
      const logging = await s3.send(new GetBucketLoggingCommand({ Bucket: 'source' }));
      assert.deepEqual(logging.LoggingEnabled?.TargetGrants, grants);
    });

    test('refuses a target bucket that does not exist', async () => {
      await assertS3Error(put({ TargetBucket: 'no-such-logs', TargetPrefix: 'log' }), {
        code: 'InvalidTargetBucketForLogging',
        status: 400,
        message: 'The target bucket for logging does not exist',
        fields: { TargetBucket: 'no-such-logs' },
      });
    });

    test('refuses a target in another region, naming the source region only outside us-east-1', async () => {
      await createBucket(s3, 'west-logs', 'us-west-2');
      const fromEast = await assertS3Error(put({ TargetBucket: 'west-logs', TargetPrefix: 'log' }), {
        code: 'CrossLocationLoggingProhibitted',
        status: 403,
        message: 'Cross S3 location logging not allowed. ',
        fields: { TargetBucketLocation: 'us-west-2' },
      });
      assert.equal(fromEast.SourceBucketLocation, undefined);
      await createBucket(s3, 'ohio', 'us-east-2');
      await assertS3Error(put({ TargetBucket: 'west-logs', TargetPrefix: 'log' }, 'ohio'), {
        code: 'CrossLocationLoggingProhibitted',
        status: 403,
        message: 'Cross S3 location logging not allowed. ',
        fields: { SourceBucketLocation: 'us-east-2', TargetBucketLocation: 'us-west-2' },
      });
    });
  });

  describe('replication', () => {
    const rule: ReplicationRule = {
      Status: 'Enabled',
      Priority: 1,
      DeleteMarkerReplication: { Status: 'Disabled' },
      Filter: { Prefix: 'Tax' },
      Destination: { Bucket: 'arn:aws:s3:::destination' },
    };
    const put = (Rules: ReplicationRule[]) =>
      s3.send(new PutBucketReplicationCommand({ Bucket: 'source', ReplicationConfiguration: { Role: role, Rules } }));
    const notFound = {
      code: 'ReplicationConfigurationNotFoundError',
      status: 404,
      message: 'The replication configuration was not found',
      fields: { BucketName: 'source' },
    };

    test('answers ReplicationConfigurationNotFoundError until configured', async () => {
      await assertS3Error(s3.send(new GetBucketReplicationCommand({ Bucket: 'source' })), notFound);
    });

    test('refuses a source bucket without versioning enabled', async () => {
      await createBucket(s3, 'destination');
      await versioned('destination');
      await assertS3Error(put([rule]), {
        code: 'InvalidRequest',
        status: 400,
        message: "Versioning must be 'Enabled' on the bucket to apply a replication configuration",
      });
    });

    test('refuses a destination that does not exist or is not versioned, with the same message', async () => {
      await versioned('source');
      const unversioned = {
        code: 'InvalidRequest',
        status: 400,
        message: 'Destination bucket must have versioning enabled.',
      };
      await assertS3Error(put([rule]), unversioned);
      await createBucket(s3, 'destination');
      await assertS3Error(put([rule]), unversioned);
    });

    test('refuses an empty rule list as MalformedXML', async () => {
      await versioned('source');
      await assertS3Error(put([]), malformedXml);
    });

    test('keeps the rules as given, with an ID made for a rule without one', async () => {
      await createBucket(s3, 'destination', 'us-west-2');
      await versioned('destination');
      await versioned('source');
      const explicit: ReplicationRule = {
        ...rule,
        ID: 'rtc',
        Priority: 2,
        Filter: {},
        Status: 'Disabled',
        Destination: { Bucket: 'arn:aws:s3:::destination', StorageClass: 'STANDARD' },
      };
      assert.equal((await put([rule, explicit])).$metadata.httpStatusCode, 200);
      const output = await s3.send(new GetBucketReplicationCommand({ Bucket: 'source' }));
      assert.equal(output.ReplicationConfiguration?.Role, role);
      const [first, second] = output.ReplicationConfiguration?.Rules ?? [];
      assert.match(first?.ID ?? '', /^\S+$/);
      assert.deepEqual({ ...first, ID: undefined }, { ...rule, ID: undefined });
      assert.deepEqual(second, explicit);
    });

    test('deletes the configuration with 204, and again when there is none', async () => {
      await createBucket(s3, 'destination');
      await versioned('destination');
      await versioned('source');
      await put([rule]);
      const deleted = await s3.send(new DeleteBucketReplicationCommand({ Bucket: 'source' }));
      assert.equal(deleted.$metadata.httpStatusCode, 204);
      await assertS3Error(s3.send(new GetBucketReplicationCommand({ Bucket: 'source' })), notFound);
      const again = await s3.send(new DeleteBucketReplicationCommand({ Bucket: 'source' }));
      assert.equal(again.$metadata.httpStatusCode, 204);
    });
  });

  describe('Object Lock configuration', () => {
    const put = (Bucket: string, ObjectLockConfiguration: ObjectLockConfiguration) =>
      s3.send(new PutObjectLockConfigurationCommand({ Bucket, ObjectLockConfiguration }));
    const get = async (Bucket: string) =>
      (await s3.send(new GetObjectLockConfigurationCommand({ Bucket }))).ObjectLockConfiguration;
    const lockBucket = () => s3.send(new CreateBucketCommand({ Bucket: 'locked', ObjectLockEnabledForBucket: true }));

    test('answers ObjectLockConfigurationNotFoundError for a bucket without Object Lock', async () => {
      await assertS3Error(s3.send(new GetObjectLockConfigurationCommand({ Bucket: 'source' })), {
        code: 'ObjectLockConfigurationNotFoundError',
        status: 404,
        message: 'Object Lock configuration does not exist for this bucket',
        fields: { BucketName: 'source' },
      });
      await assertS3Error(
        s3.send(new GetObjectLockConfigurationCommand({ Bucket: 'missing-bucket' })),
        noSuchBucket('missing-bucket'),
      );
    });

    test('answers Enabled for a bucket created with Object Lock, whose versioning is on', async () => {
      await lockBucket();
      assert.deepEqual(await get('locked'), { ObjectLockEnabled: 'Enabled' });
      assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: 'locked' }))).Status, 'Enabled');
      await assertS3Error(
        s3.send(new PutBucketVersioningCommand({ Bucket: 'locked', VersioningConfiguration: { Status: 'Suspended' } })),
        {
          code: 'InvalidBucketState',
          status: 409,
          message: 'An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.',
        },
      );
    });

    test('keeps a default retention, and a configuration without a rule removes it', async () => {
      await lockBucket();
      const withRule: ObjectLockConfiguration = {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } },
      };
      assert.equal((await put('locked', withRule)).$metadata.httpStatusCode, 200);
      assert.deepEqual(await get('locked'), withRule);
      await put('locked', { ObjectLockEnabled: 'Enabled' });
      assert.deepEqual(await get('locked'), { ObjectLockEnabled: 'Enabled' });
    });

    test('turns Object Lock on for an existing bucket only once its versioning is Enabled', async () => {
      const refused = {
        code: 'InvalidBucketState',
        status: 409,
        message: "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration",
      };
      await assertS3Error(put('source', { ObjectLockEnabled: 'Enabled' }), refused);
      await s3.send(
        new PutBucketVersioningCommand({ Bucket: 'source', VersioningConfiguration: { Status: 'Suspended' } }),
      );
      await assertS3Error(put('source', { ObjectLockEnabled: 'Enabled' }), refused);
      await versioned('source');
      await put('source', { ObjectLockEnabled: 'Enabled' });
      assert.deepEqual(await get('source'), { ObjectLockEnabled: 'Enabled' });
    });

    test('refuses every malformed configuration as MalformedXML', async () => {
      await lockBucket();
      const cases: ObjectLockConfiguration[] = [
        { Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } } },
        {},
        { ObjectLockEnabled: 'Enabled', Rule: {} },
        { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: {} } },
        { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE' } } },
        { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'BAD' as never, Days: 1 } } },
        { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1, Years: 1 } } },
      ];
      for (const config of cases) await assertS3Error(put('locked', config), malformedXml);
    });
  });

  test('answers every setting Terraform reads of a new bucket with a value or its own not-found error', async () => {
    // The reads of terraform-provider-aws's aws_s3_bucket, in its order; a 501 on any fails a plan.
    const Bucket = 'source';
    const values = [
      new GetBucketAclCommand({ Bucket }),
      new GetBucketVersioningCommand({ Bucket }),
      new GetBucketAccelerateConfigurationCommand({ Bucket }),
      new GetBucketRequestPaymentCommand({ Bucket }),
      new GetBucketLoggingCommand({ Bucket }),
      new GetBucketEncryptionCommand({ Bucket }),
      new GetBucketLocationCommand({ Bucket }),
      new HeadBucketCommand({ Bucket }),
    ];
    for (const command of values) {
      const output = await s3.send(command as never);
      assert.equal((output as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode, 200);
    }
    const missing: Array<[unknown, string]> = [
      [new GetBucketPolicyCommand({ Bucket }), 'NoSuchBucketPolicy'],
      [new GetBucketCorsCommand({ Bucket }), 'NoSuchCORSConfiguration'],
      [new GetBucketWebsiteCommand({ Bucket }), 'NoSuchWebsiteConfiguration'],
      [new GetBucketLifecycleConfigurationCommand({ Bucket }), 'NoSuchLifecycleConfiguration'],
      [new GetBucketReplicationCommand({ Bucket }), 'ReplicationConfigurationNotFoundError'],
      [new GetObjectLockConfigurationCommand({ Bucket }), 'ObjectLockConfigurationNotFoundError'],
      [new GetBucketTaggingCommand({ Bucket }), 'NoSuchTagSet'],
    ];
    for (const [command, code] of missing) {
      await assertS3Error(s3.send(command as never), { code, status: 404 });
    }
  });
});
