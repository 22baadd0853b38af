import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  type CloudWatchLogsClient,
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  ListLogGroupsCommand,
  PutLogGroupDeletionProtectionCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { account, assertLogsError, createGroupWithStreams, logsFor } from './logs-helpers.js';

describe('Log groups', () => {
  let cloud: NimbusCloud;
  let logs: CloudWatchLogsClient;
  before(async () => {
    cloud = await startCloud();
    logs = logsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  async function names(input: ConstructorParameters<typeof DescribeLogGroupsCommand>[0] = {}): Promise<string[]> {
    const { logGroups } = await logs.send(new DescribeLogGroupsCommand(input));
    return (logGroups ?? []).map((group) => group.logGroupName as string);
  }

  describe('CreateLogGroup', () => {
    test('creates a group that DescribeLogGroups shows with the members AWS gives', async () => {
      const before = cloud.clock.now();
      await logs.send(new CreateLogGroupCommand({ logGroupName: '/aws/lambda/orders' }));
      const { logGroups } = await logs.send(new DescribeLogGroupsCommand({}));
      assert.equal(logGroups?.length, 1);
      const group = logGroups?.[0];
      assert.ok(group?.creationTime && group.creationTime >= before && group.creationTime <= cloud.clock.now());
      assert.deepEqual(
        { ...group, creationTime: 0 },
        {
          logGroupName: '/aws/lambda/orders',
          creationTime: 0,
          metricFilterCount: 0,
          arn: `arn:aws:logs:us-east-1:${account}:log-group:/aws/lambda/orders:*`,
          logGroupArn: `arn:aws:logs:us-east-1:${account}:log-group:/aws/lambda/orders`,
          storedBytes: 0,
          logGroupClass: 'STANDARD',
          deletionProtectionEnabled: false,
        },
      );
    });

    test('keeps the KMS key, the log group class and deletion protection it was created with', async () => {
      const kmsKeyId = `arn:aws:kms:us-east-1:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
      await logs.send(
        new CreateLogGroupCommand({
          logGroupName: 'archive',
          kmsKeyId,
          logGroupClass: 'INFREQUENT_ACCESS',
          deletionProtectionEnabled: true,
        }),
      );
      const { logGroups } = await logs.send(new DescribeLogGroupsCommand({}));
      assert.equal(logGroups?.[0]?.kmsKeyId, kmsKeyId);
      assert.equal(logGroups?.[0]?.logGroupClass, 'INFREQUENT_ACCESS');
      assert.equal(logGroups?.[0]?.deletionProtectionEnabled, true);
    });

    test('returns ResourceAlreadyExistsException for a name already taken', async () => {
      await logs.send(new CreateLogGroupCommand({ logGroupName: 'taken' }));
      await assertLogsError(
        logs.send(new CreateLogGroupCommand({ logGroupName: 'taken' })),
        'ResourceAlreadyExistsException',
        'The specified log group already exists',
      );
    });

    test('scopes names by account and region', async () => {
      await logs.send(new CreateLogGroupCommand({ logGroupName: 'shared-name' }));
      await logsFor(cloud, 'eu-west-1').send(new CreateLogGroupCommand({ logGroupName: 'shared-name' }));
      await logsFor(cloud, 'us-east-1', '222222222222').send(
        new CreateLogGroupCommand({ logGroupName: 'shared-name' }),
      );
      assert.deepEqual(await names(), ['shared-name']);
      const { logGroups } = await logsFor(cloud, 'eu-west-1').send(new DescribeLogGroupsCommand({}));
      assert.equal(logGroups?.[0]?.arn, `arn:aws:logs:eu-west-1:${account}:log-group:shared-name:*`);
    });

    test('refuses a name longer than 512 characters in AWS words', async () => {
      await assertLogsError(
        logs.send(new CreateLogGroupCommand({ logGroupName: 'x'.repeat(513) })),
        'InvalidParameterException',
        'Invalid LogGroup or LogStream, both must have length less than or equal to 512.',
      );
    });

    test('refuses a name with characters outside the model pattern', async () => {
      let failure: Error | undefined;
      try {
        await logs.send(new CreateLogGroupCommand({ logGroupName: 'has space' }));
      } catch (error) {
        failure = error as Error;
      }
      assert.equal(
        failure?.message,
        "1 validation error detected: Value 'has space' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+",
      );
      assert.deepEqual(await names(), []);
    });
  });

  describe('DeleteLogGroup', () => {
    test('deletes the group with its streams', async () => {
      await createGroupWithStreams(logs, 'doomed', ['a', 'b']);
      await logs.send(new DeleteLogGroupCommand({ logGroupName: 'doomed' }));
      assert.deepEqual(await names(), []);
      await createGroupWithStreams(logs, 'doomed');
      const { logStreams } = await logs.send(new DescribeLogStreamsCommand({ logGroupName: 'doomed' }));
      assert.deepEqual(logStreams, []);
    });

    test('returns ResourceNotFoundException for a group that does not exist', async () => {
      await assertLogsError(
        logs.send(new DeleteLogGroupCommand({ logGroupName: 'missing' })),
        'ResourceNotFoundException',
        'The specified log group does not exist.',
      );
    });

    test('refuses a group with deletion protection until it is turned off', async () => {
      await logs.send(new CreateLogGroupCommand({ logGroupName: 'kept', deletionProtectionEnabled: true }));
      await assertLogsError(
        logs.send(new DeleteLogGroupCommand({ logGroupName: 'kept' })),
        'ValidationException',
        'Cannot delete log group with deletion protection enabled. Disable deletion protection first.',
      );
      await logs.send(
        new PutLogGroupDeletionProtectionCommand({ logGroupIdentifier: 'kept', deletionProtectionEnabled: false }),
      );
      await logs.send(new DeleteLogGroupCommand({ logGroupName: 'kept' }));
      assert.deepEqual(await names(), []);
    });
  });

  describe('DescribeLogGroups', () => {
    beforeEach(async () => {
      for (const name of ['/app/web', '/app/api', '/aws/lambda/DataLogs', 'GroupDataLogs', 'datalogs', 'other']) {
        await logs.send(new CreateLogGroupCommand({ logGroupName: name }));
      }
    });

    test('lists groups in name order', async () => {
      assert.deepEqual(await names(), [
        '/app/api',
        '/app/web',
        '/aws/lambda/DataLogs',
        'GroupDataLogs',
        'datalogs',
        'other',
      ]);
    });

    test('keeps only names with the prefix', async () => {
      assert.deepEqual(await names({ logGroupNamePrefix: '/app/' }), ['/app/api', '/app/web']);
    });

    test('matches logGroupNamePattern as a case-sensitive substring and answers fewer members', async () => {
      const { logGroups } = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePattern: 'DataLogs' }));
      assert.deepEqual(
        logGroups?.map((group) => group.logGroupName),
        ['/aws/lambda/DataLogs', 'GroupDataLogs'],
      );
      assert.deepEqual(Object.keys(logGroups?.[0] ?? {}).sort(), [
        'arn',
        'creationTime',
        'logGroupArn',
        'logGroupClass',
        'logGroupName',
        'metricFilterCount',
      ]);
    });

    test('returns InvalidParameterException for both a prefix and a pattern', async () => {
      await assertLogsError(
        logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/app', logGroupNamePattern: 'app' })),
        'InvalidParameterException',
        'LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.',
      );
    });

    test('pages with limit and nextToken, and gives no token on the last page', async () => {
      const first = await logs.send(new DescribeLogGroupsCommand({ limit: 4 }));
      assert.deepEqual(
        first.logGroups?.map((group) => group.logGroupName),
        ['/app/api', '/app/web', '/aws/lambda/DataLogs', 'GroupDataLogs'],
      );
      assert.ok(first.nextToken);
      const second = await logs.send(new DescribeLogGroupsCommand({ limit: 4, nextToken: first.nextToken }));
      assert.deepEqual(
        second.logGroups?.map((group) => group.logGroupName),
        ['datalogs', 'other'],
      );
      assert.equal(second.nextToken, undefined);
    });

    test('returns InvalidParameterException for a token it did not hand out', async () => {
      await assertLogsError(
        logs.send(new DescribeLogGroupsCommand({ nextToken: 'not-a-token' })),
        'InvalidParameterException',
        'The specified nextToken is invalid.',
      );
    });

    test('keeps only the groups logGroupIdentifiers names, by name or ARN', async () => {
      assert.deepEqual(
        await names({
          logGroupIdentifiers: ['other', `arn:aws:logs:us-east-1:${account}:log-group:/app/web`, 'missing'],
        }),
        ['/app/web', 'other'],
      );
    });

    test('keeps only groups of the log group class asked for', async () => {
      await logs.send(new CreateLogGroupCommand({ logGroupName: 'cold', logGroupClass: 'INFREQUENT_ACCESS' }));
      assert.deepEqual(await names({ logGroupClass: 'INFREQUENT_ACCESS' }), ['cold']);
    });

    test('refuses a limit over 50', async () => {
      await assertLogsError(
        logs.send(new DescribeLogGroupsCommand({ limit: 51 })),
        'InvalidParameterException',
        "1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50",
      );
    });
  });

  describe('ListLogGroups', () => {
    test('matches prefixes (^) and alternatives (|) and answers summaries', async () => {
      for (const name of ['/aws/lambda/a', '/aws/lambda/b', 'discovery-x', 'zeta']) {
        await logs.send(new CreateLogGroupCommand({ logGroupName: name }));
      }
      const { logGroups } = await logs.send(
        new ListLogGroupsCommand({ logGroupNamePattern: '^/aws/lambda|discovery' }),
      );
      assert.deepEqual(logGroups, [
        {
          logGroupName: '/aws/lambda/a',
          logGroupArn: `arn:aws:logs:us-east-1:${account}:log-group:/aws/lambda/a`,
          logGroupClass: 'STANDARD',
        },
        {
          logGroupName: '/aws/lambda/b',
          logGroupArn: `arn:aws:logs:us-east-1:${account}:log-group:/aws/lambda/b`,
          logGroupClass: 'STANDARD',
        },
        {
          logGroupName: 'discovery-x',
          logGroupArn: `arn:aws:logs:us-east-1:${account}:log-group:discovery-x`,
          logGroupClass: 'STANDARD',
        },
      ]);
    });

    test('pages with limit and nextToken', async () => {
      for (const name of ['a1', 'a2', 'a3']) await logs.send(new CreateLogGroupCommand({ logGroupName: name }));
      const first = await logs.send(new ListLogGroupsCommand({ limit: 2 }));
      assert.deepEqual(
        first.logGroups?.map((group) => group.logGroupName),
        ['a1', 'a2'],
      );
      const second = await logs.send(new ListLogGroupsCommand({ limit: 2, nextToken: first.nextToken }));
      assert.deepEqual(
        second.logGroups?.map((group) => group.logGroupName),
        ['a3'],
      );
      assert.equal(second.nextToken, undefined);
    });
  });
});
