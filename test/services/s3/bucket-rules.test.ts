import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  type BucketLifecycleConfiguration,
  DeleteBucketLifecycleCommand,
  DeleteBucketWebsiteCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketNotificationConfigurationCommand,
  GetBucketWebsiteCommand,
  type LifecycleRule,
  type NotificationConfiguration,
  PutBucketLifecycleConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketWebsiteCommand,
  type S3Client,
  type WebsiteConfiguration,
} from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { createQueue, sqsFor } from '../sqs/sqs-helpers.js';
import { assertS3Error, createBucket, malformedXml, noSuchBucket, s3For } from './s3-helpers.js';

describe('S3 bucket rules: website, lifecycle, notifications', () => {
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

  describe('website configuration', () => {
    const putWebsite = (WebsiteConfiguration: WebsiteConfiguration) =>
      s3.send(new PutBucketWebsiteCommand({ Bucket: 'photos', WebsiteConfiguration }));
    const noWebsite = {
      code: 'NoSuchWebsiteConfiguration',
      status: 404,
      message: 'The specified bucket does not have a website configuration',
      fields: { BucketName: 'photos' },
    };
    const invalidArgument = (message: string, name: string, value: string) => ({
      code: 'InvalidArgument',
      status: 400,
      message,
      fields: { ArgumentName: name, ArgumentValue: value },
    });

    test('answers NoSuchWebsiteConfiguration until one is put, and 204 to a delete of none', async () => {
      await assertS3Error(s3.send(new GetBucketWebsiteCommand({ Bucket: 'photos' })), noWebsite);
      const deleted = await s3.send(new DeleteBucketWebsiteCommand({ Bucket: 'photos' }));
      assert.equal(deleted.$metadata.httpStatusCode, 204);
    });

    test('keeps index, error document and routing rules, and deletes them', async () => {
      const config: WebsiteConfiguration = {
        IndexDocument: { Suffix: 'index.html' },
        ErrorDocument: { Key: 'error.html' },
        RoutingRules: [
          {
            Condition: { KeyPrefixEquals: 'docs/' },
            Redirect: { ReplaceKeyPrefixWith: 'documents/', HttpRedirectCode: '307', Protocol: 'https' },
          },
          { Condition: { HttpErrorCodeReturnedEquals: '404' }, Redirect: { HostName: 'example.com' } },
        ],
      };
      const put = await putWebsite(config);
      assert.equal(put.$metadata.httpStatusCode, 200);
      const website = await s3.send(new GetBucketWebsiteCommand({ Bucket: 'photos' }));
      assert.deepEqual(
        {
          IndexDocument: website.IndexDocument,
          ErrorDocument: website.ErrorDocument,
          RoutingRules: website.RoutingRules,
        },
        config,
      );
      await s3.send(new DeleteBucketWebsiteCommand({ Bucket: 'photos' }));
      await assertS3Error(s3.send(new GetBucketWebsiteCommand({ Bucket: 'photos' })), noWebsite);
    });

    test('keeps a redirect of all requests', async () => {
      await putWebsite({ RedirectAllRequestsTo: { HostName: 'example.com', Protocol: 'https' } });
      const website = await s3.send(new GetBucketWebsiteCommand({ Bucket: 'photos' }));
      assert.deepEqual(website.RedirectAllRequestsTo, { HostName: 'example.com', Protocol: 'https' });
      assert.equal(website.IndexDocument, undefined);
    });

    test('refuses an index suffix with a slash, or an empty one', async () => {
      const message = 'The IndexDocument Suffix is not well formed';
      await assertS3Error(
        putWebsite({ IndexDocument: { Suffix: '/index.html' } }),
        invalidArgument(message, 'IndexDocument', '/index.html'),
      );
      await assertS3Error(putWebsite({ IndexDocument: { Suffix: '' } }), invalidArgument(message, 'IndexDocument', ''));
    });

    test('refuses RedirectAllRequestsTo with other settings', async () => {
      await assertS3Error(
        putWebsite({ RedirectAllRequestsTo: { HostName: 'example.com' }, IndexDocument: { Suffix: 'index.html' } }),
        invalidArgument(
          'RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.',
          'RedirectAllRequestsTo',
          'not null',
        ),
      );
    });

    test('refuses a configuration with neither an index document nor a redirect', async () => {
      await assertS3Error(
        putWebsite({ ErrorDocument: { Key: 'error.html' } }),
        invalidArgument(
          'A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty',
          'IndexDocument',
          'null',
        ),
      );
    });

    test('refuses a redirect with both ReplaceKeyPrefixWith and ReplaceKeyWith', async () => {
      await assertS3Error(
        putWebsite({
          IndexDocument: { Suffix: 'index.html' },
          RoutingRules: [{ Redirect: { ReplaceKeyPrefixWith: 'a/', ReplaceKeyWith: 'b.html' } }],
        }),
        {
          code: 'InvalidRequest',
          status: 400,
          message: 'You can only define ReplaceKeyPrefix or ReplaceKey but not both.',
        },
      );
    });

    test('refuses an empty Condition', async () => {
      await assertS3Error(
        putWebsite({
          IndexDocument: { Suffix: 'index.html' },
          RoutingRules: [{ Condition: {}, Redirect: { HostName: 'example.com' } }],
        }),
        {
          code: 'InvalidRequest',
          status: 400,
          message:
            "Condition cannot be empty. To redirect all requests without a condition, the condition element shouldn't be present.",
        },
      );
    });

    test('refuses an empty RoutingRules list with MalformedXML', async () => {
      await assertS3Error(putWebsite({ IndexDocument: { Suffix: 'index.html' }, RoutingRules: [] }), malformedXml);
    });

    test('refuses a protocol other than http and https', async () => {
      await assertS3Error(
        putWebsite({
          IndexDocument: { Suffix: 'index.html' },
          RoutingRules: [{ Redirect: { Protocol: 'protocol' as never } }],
        }),
        {
          code: 'InvalidRequest',
          status: 400,
          message:
            'Invalid protocol, protocol can be http or https. If not defined the protocol will be selected automatically.',
        },
      );
    });

    test('answers NoSuchBucket to get, put and delete on a missing bucket', async () => {
      const Bucket = 'missing-bucket';
      await assertS3Error(s3.send(new GetBucketWebsiteCommand({ Bucket })), noSuchBucket(Bucket));
      await assertS3Error(
        s3.send(
          new PutBucketWebsiteCommand({ Bucket, WebsiteConfiguration: { IndexDocument: { Suffix: 'index.html' } } }),
        ),
        noSuchBucket(Bucket),
      );
      await assertS3Error(s3.send(new DeleteBucketWebsiteCommand({ Bucket })), noSuchBucket(Bucket));
    });

    test('reads the configuration from a client of another region', async () => {
      await putWebsite({ IndexDocument: { Suffix: 'index.html' } });
      const website = await s3For(cloud, { region: 'eu-west-1' }).send(
        new GetBucketWebsiteCommand({ Bucket: 'photos' }),
      );
      assert.deepEqual(website.IndexDocument, { Suffix: 'index.html' });
    });
  });

  describe('lifecycle configuration', () => {
    const wholeBucket: LifecycleRule = {
      ID: 'wholebucket',
      Filter: { Prefix: '' },
      Status: 'Enabled',
      Expiration: { Days: 7 },
    };
    const putLifecycle = (config: BucketLifecycleConfiguration, size?: 'varies_by_storage_class') =>
      s3.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: 'photos',
          LifecycleConfiguration: config,
          ...(size ? { TransitionDefaultMinimumObjectSize: size } : {}),
        }),
      );
    const noLifecycle = {
      code: 'NoSuchLifecycleConfiguration',
      status: 404,
      message: 'The lifecycle configuration does not exist',
      fields: { BucketName: 'photos' },
    };

    test('answers NoSuchLifecycleConfiguration until one is put, and 204 to a delete of none', async () => {
      await assertS3Error(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'photos' })), noLifecycle);
      const deleted = await s3.send(new DeleteBucketLifecycleCommand({ Bucket: 'photos' }));
      assert.equal(deleted.$metadata.httpStatusCode, 204);
    });

    test('keeps the rules as sent with the default minimum transition size', async () => {
      const rules: LifecycleRule[] = [
        wholeBucket,
        { ID: 'empty-filter', Filter: {}, Status: 'Disabled', NoncurrentVersionExpiration: { NoncurrentDays: 30 } },
        {
          ID: 'tagged',
          Filter: { And: { Prefix: 'logs/', Tags: [{ Key: 'tier', Value: 'cold' }], ObjectSizeGreaterThan: 1024 } },
          Status: 'Enabled',
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 },
        },
      ];
      const put = await putLifecycle({ Rules: rules });
      assert.equal(put.$metadata.httpStatusCode, 200);
      assert.equal(put.TransitionDefaultMinimumObjectSize, 'all_storage_classes_128K');
      const lifecycle = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'photos' }));
      assert.deepEqual(lifecycle.Rules, rules);
      assert.equal(lifecycle.TransitionDefaultMinimumObjectSize, 'all_storage_classes_128K');
    });

    test('keeps the minimum transition size the request names', async () => {
      const put = await putLifecycle({ Rules: [wholeBucket] }, 'varies_by_storage_class');
      assert.equal(put.TransitionDefaultMinimumObjectSize, 'varies_by_storage_class');
      const lifecycle = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'photos' }));
      assert.equal(lifecycle.TransitionDefaultMinimumObjectSize, 'varies_by_storage_class');
    });

    test('keeps an expiration date at midnight GMT', async () => {
      const date = new Date('2030-01-01T00:00:00.000Z');
      await putLifecycle({ Rules: [{ ID: 'dated', Filter: {}, Status: 'Enabled', Expiration: { Date: date } }] });
      const lifecycle = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'photos' }));
      assert.deepEqual(lifecycle.Rules?.[0]?.Expiration, { Date: date });
    });

    test('replaces the rules on a second put and deletes them with 204', async () => {
      await putLifecycle({ Rules: [wholeBucket] });
      const second: LifecycleRule = {
        ID: 'second',
        Filter: { Prefix: 'tmp/' },
        Status: 'Enabled',
        Expiration: { Days: 1 },
      };
      await putLifecycle({ Rules: [second] });
      const lifecycle = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'photos' }));
      assert.deepEqual(lifecycle.Rules, [second]);
      const deleted = await s3.send(new DeleteBucketLifecycleCommand({ Bucket: 'photos' }));
      assert.equal(deleted.$metadata.httpStatusCode, 204);
      await assertS3Error(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'photos' })), noLifecycle);
    });

    test('refuses rules that break the schema with MalformedXML', async () => {
      const broken: LifecycleRule[] = [
        { ID: 'no-filter', Status: 'Enabled', Expiration: { Days: 7 } },
        {
          ID: 'and-and-prefix',
          Filter: { Prefix: '', And: { Prefix: 'a/', ObjectSizeGreaterThan: 10 } },
          Status: 'Enabled',
          Expiration: { Days: 7 },
        },
        {
          ID: 'size-and-prefix',
          Filter: { Prefix: 'a/', ObjectSizeGreaterThan: 10 },
          Status: 'Enabled',
          Expiration: { Days: 7 },
        },
        {
          ID: 'days-and-marker',
          Filter: {},
          Status: 'Enabled',
          Expiration: { Days: 7, ExpiredObjectDeleteMarker: true },
        },
        { ID: 'empty-noncurrent', Filter: {}, Status: 'Enabled', NoncurrentVersionExpiration: {} },
      ];
      for (const rule of broken) await assertS3Error(putLifecycle({ Rules: [rule] }), malformedXml);
      await assertS3Error(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'photos' })), noLifecycle);
    });

    test('refuses an expiration date that is not midnight GMT with InvalidArgument', async () => {
      await assertS3Error(
        putLifecycle({
          Rules: [
            { ID: 'dated', Filter: {}, Status: 'Enabled', Expiration: { Date: new Date('2030-01-01T10:00:00Z') } },
          ],
        }),
        {
          code: 'InvalidArgument',
          status: 400,
          message: "'Date' must be at midnight GMT",
          fields: { ArgumentName: 'Date' },
        },
      );
    });

    test('refuses a tag key twice in an And filter with InvalidRequest', async () => {
      const Tags = [
        { Key: 'tier', Value: 'cold' },
        { Key: 'tier', Value: 'hot' },
      ];
      await assertS3Error(
        putLifecycle({
          Rules: [{ ID: 'tags', Filter: { And: { Tags } }, Status: 'Enabled', Expiration: { Days: 7 } }],
        }),
        { code: 'InvalidRequest', status: 400, message: 'Duplicate Tag Keys are not allowed.' },
      );
    });

    test('refuses an unknown minimum transition size with InvalidRequest', async () => {
      await assertS3Error(putLifecycle({ Rules: [wholeBucket] }, 'value' as never), {
        code: 'InvalidRequest',
        status: 400,
        message: 'Invalid TransitionDefaultMinimumObjectSize found: value',
      });
    });

    test('answers NoSuchBucket to get, put and delete on a missing bucket', async () => {
      const Bucket = 'missing-bucket';
      await assertS3Error(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket })), noSuchBucket(Bucket));
      await assertS3Error(
        s3.send(
          new PutBucketLifecycleConfigurationCommand({ Bucket, LifecycleConfiguration: { Rules: [wholeBucket] } }),
        ),
        noSuchBucket(Bucket),
      );
      await assertS3Error(s3.send(new DeleteBucketLifecycleCommand({ Bucket })), noSuchBucket(Bucket));
    });
  });

  describe('notification configuration', () => {
    const queueArn = 'arn:aws:sqs:us-east-1:111111111111:events';
    const putNotifications = (NotificationConfiguration: NotificationConfiguration, skip?: boolean) =>
      s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket: 'photos',
          NotificationConfiguration,
          ...(skip ? { SkipDestinationValidation: true } : {}),
        }),
      );
    const getNotifications = async () => {
      const { $metadata: _, ...config } = await s3.send(
        new GetBucketNotificationConfigurationCommand({ Bucket: 'photos' }),
      );
      return config;
    };
    const unparsable = (name: string, value: string) => ({
      code: 'InvalidArgument',
      status: 400,
      message: 'The ARN could not be parsed',
      fields: { ArgumentName: name, ArgumentValue: value },
    });

    test('answers an empty configuration for a bucket never configured', async () => {
      assert.deepEqual(await getNotifications(), {});
    });

    test('keeps a queue configuration, giving it an Id and naming its filter rules Prefix and Suffix', async () => {
      await createQueue(sqsFor(cloud), 'events');
      const put = await putNotifications({
        QueueConfigurations: [
          {
            QueueArn: queueArn,
            Events: ['s3:ObjectCreated:*'],
            Filter: {
              Key: {
                FilterRules: [
                  { Name: 'prefix', Value: 'uploads/' },
                  { Name: 'suffix', Value: '' },
                ],
              },
            },
          },
          { Id: 'removals', QueueArn: queueArn, Events: ['s3:ObjectRemoved:Delete'] },
        ],
      });
      assert.equal(put.$metadata.httpStatusCode, 200);
      const config = await getNotifications();
      const [first, second] = config.QueueConfigurations ?? [];
      assert.match(first?.Id ?? '', /^\S+$/);
      assert.deepEqual(first, {
        Id: first?.Id,
        QueueArn: queueArn,
        Events: ['s3:ObjectCreated:*'],
        Filter: {
          Key: {
            FilterRules: [
              { Name: 'Prefix', Value: 'uploads/' },
              { Name: 'Suffix', Value: '' },
            ],
          },
        },
      });
      assert.deepEqual(second, { Id: 'removals', QueueArn: queueArn, Events: ['s3:ObjectRemoved:Delete'] });
    });

    test('answers an empty configuration after an empty one is put', async () => {
      await createQueue(sqsFor(cloud), 'events');
      await putNotifications({ QueueConfigurations: [{ QueueArn: queueArn, Events: ['s3:ObjectCreated:*'] }] });
      await putNotifications({});
      assert.deepEqual(await getNotifications(), {});
    });

    test('refuses a queue that does not exist, naming each one', async () => {
      const other = 'arn:aws:sqs:us-east-1:111111111111:other';
      const error = await assertS3Error(
        putNotifications({
          QueueConfigurations: [
            { QueueArn: queueArn, Events: ['s3:ObjectCreated:*'] },
            { QueueArn: other, Events: ['s3:ObjectCreated:*'] },
          ],
        }),
        {
          code: 'InvalidArgument',
          status: 400,
          message: 'Unable to validate the following destination configurations',
          fields: {
            ArgumentName1: queueArn,
            ArgumentValue1: 'The destination queue does not exist',
            ArgumentName2: other,
            ArgumentValue2: 'The destination queue does not exist',
          },
        },
      );
      assert.equal(error.ArgumentName, undefined);
      assert.deepEqual(await getNotifications(), {});
    });

    test('keeps a configuration for a missing queue when destination validation is skipped', async () => {
      await putNotifications(
        { QueueConfigurations: [{ Id: 'q', QueueArn: queueArn, Events: ['s3:ObjectCreated:*'] }] },
        true,
      );
      assert.deepEqual(await getNotifications(), {
        QueueConfigurations: [{ Id: 'q', QueueArn: queueArn, Events: ['s3:ObjectCreated:*'] }],
      });
    });

    test('refuses an ARN it cannot parse, naming the destination kind, even when validation is skipped', async () => {
      for (const skip of [false, true]) {
        await assertS3Error(
          putNotifications(
            { QueueConfigurations: [{ QueueArn: 'invalid-queue', Events: ['s3:ObjectCreated:*'] }] },
            skip,
          ),
          unparsable('Queue', 'invalid-queue'),
        );
      }
      await assertS3Error(
        putNotifications({ TopicConfigurations: [{ TopicArn: 'arn:aws:sqs:nope', Events: ['s3:ObjectCreated:*'] }] }),
        unparsable('Topic', 'arn:aws:sqs:nope'),
      );
      await assertS3Error(
        putNotifications({
          LambdaFunctionConfigurations: [{ LambdaFunctionArn: 'my-function', Events: ['s3:ObjectCreated:*'] }],
        }),
        unparsable('CloudFunction', 'my-function'),
      );
    });

    test('refuses a filter rule without a name or a value with MalformedXML', async () => {
      for (const rule of [{ Value: 'uploads/' }, { Name: 'prefix' as const }]) {
        await assertS3Error(
          putNotifications(
            {
              QueueConfigurations: [
                { QueueArn: queueArn, Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [rule] } } },
              ],
            },
            true,
          ),
          malformedXml,
        );
      }
    });

    test('accepts filter rule names in any case', async () => {
      await putNotifications(
        {
          QueueConfigurations: [
            {
              Id: 'q',
              QueueArn: queueArn,
              Events: ['s3:ObjectCreated:*'],
              Filter: { Key: { FilterRules: [{ Name: 'PREFIX' as never, Value: 'a/' }] } },
            },
          ],
        },
        true,
      );
      const config = await getNotifications();
      assert.deepEqual(config.QueueConfigurations?.[0]?.Filter, {
        Key: { FilterRules: [{ Name: 'Prefix', Value: 'a/' }] },
      });
    });

    test('refuses a filter rule name other than prefix and suffix', async () => {
      await assertS3Error(
        putNotifications(
          {
            QueueConfigurations: [
              {
                QueueArn: queueArn,
                Events: ['s3:ObjectCreated:*'],
                Filter: { Key: { FilterRules: [{ Name: 'INVALID' as never, Value: 'a/' }] } },
              },
            ],
          },
          true,
        ),
        {
          code: 'InvalidArgument',
          status: 400,
          message: 'filter rule name must be either prefix or suffix',
          fields: { ArgumentName: 'FilterRule.Name', ArgumentValue: 'INVALID' },
        },
      );
    });

    test('answers NoSuchBucket to get and put on a missing bucket', async () => {
      const Bucket = 'missing-bucket';
      await assertS3Error(s3.send(new GetBucketNotificationConfigurationCommand({ Bucket })), noSuchBucket(Bucket));
      await assertS3Error(
        s3.send(new PutBucketNotificationConfigurationCommand({ Bucket, NotificationConfiguration: {} })),
        noSuchBucket(Bucket),
      );
    });
  });
});
