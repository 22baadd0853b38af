import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  type CloudWatchLogsClient,
  CreateLogGroupCommand,
  ListTagsForResourceCommand,
  ListTagsLogGroupCommand,
  TagLogGroupCommand,
  TagResourceCommand,
  UntagLogGroupCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { account, assertLogsError, logsFor } from './logs-helpers.js';

describe('Log group tags', () => {
  let cloud: NimbusCloud;
  let logs: CloudWatchLogsClient;
  const arn = `arn:aws:logs:us-east-1:${account}:log-group:tagged`;
  before(async () => {
    cloud = await startCloud();
    logs = logsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await logs.send(new CreateLogGroupCommand({ logGroupName: 'tagged', tags: { env: 'testing1' } }));
  });

  async function tagsByName(): Promise<Record<string, string> | undefined> {
    return (await logs.send(new ListTagsLogGroupCommand({ logGroupName: 'tagged' }))).tags;
  }

  async function tagsByArn(): Promise<Record<string, string> | undefined> {
    return (await logs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags;
  }

  describe('CreateLogGroup tags', () => {
    test('are listed by both APIs', async () => {
      assert.deepEqual(await tagsByName(), { env: 'testing1' });
      assert.deepEqual(await tagsByArn(), { env: 'testing1' });
    });
  });

  describe('TagResource and TagLogGroup', () => {
    test('add to the same tags, as AWS recorded', async () => {
      await logs.send(new TagResourceCommand({ resourceArn: arn, tags: { test1: 'val1', test2: 'val2' } }));
      assert.deepEqual(await tagsByName(), { env: 'testing1', test1: 'val1', test2: 'val2' });
      await logs.send(new TagLogGroupCommand({ logGroupName: 'tagged', tags: { test3: 'val3' } }));
      assert.deepEqual(await tagsByArn(), { env: 'testing1', test1: 'val1', test2: 'val2', test3: 'val3' });
    });

    test('replace the value of a key already there', async () => {
      await logs.send(new TagResourceCommand({ resourceArn: arn, tags: { env: 'prod' } }));
      assert.deepEqual(await tagsByArn(), { env: 'prod' });
    });

    test('refuse the ARN with the trailing :* (the model pattern has no *)', async () => {
      let failure: Error | undefined;
      try {
        await logs.send(new TagResourceCommand({ resourceArn: `${arn}:*`, tags: { star: 'yes' } }));
      } catch (error) {
        failure = error as Error;
      }
      assert.equal(
        failure?.message,
        `1 validation error detected: Value '${arn}:*' at 'resourceArn' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=/:,.@-]*`,
      );
      assert.deepEqual(await tagsByName(), { env: 'testing1' });
    });

    test('refuse more than 50 tags on a group', async () => {
      const tags = Object.fromEntries(Array.from({ length: 50 }, (_, index) => [`k${index}`, 'v']));
      await assertLogsError(
        logs.send(new TagResourceCommand({ resourceArn: arn, tags })),
        'TooManyTagsException',
        'A resource can have no more than 50 tags.',
      );
      assert.deepEqual(await tagsByArn(), { env: 'testing1' });
    });

    test('return ResourceNotFoundException for a group that does not exist', async () => {
      await assertLogsError(
        logs.send(
          new TagResourceCommand({ resourceArn: `arn:aws:logs:us-east-1:${account}:log-group:gone`, tags: { a: 'b' } }),
        ),
        'ResourceNotFoundException',
        'The specified log group does not exist.',
      );
      await assertLogsError(
        logs.send(new TagLogGroupCommand({ logGroupName: 'gone', tags: { a: 'b' } })),
        'ResourceNotFoundException',
        'The specified log group does not exist.',
      );
    });

    test('do not reach a group of another account through its ARN', async () => {
      await assertLogsError(
        logsFor(cloud, 'us-east-1', '222222222222').send(new ListTagsForResourceCommand({ resourceArn: arn })),
        'ResourceNotFoundException',
        'The specified log group does not exist.',
      );
    });
  });

  describe('UntagResource and UntagLogGroup', () => {
    test('remove keys through either API, as AWS recorded', async () => {
      await logs.send(new TagResourceCommand({ resourceArn: arn, tags: { test1: 'val1', test2: 'val2', test3: 'v' } }));
      await logs.send(new UntagLogGroupCommand({ logGroupName: 'tagged', tags: ['test3'] }));
      await logs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['env', 'test1', 'absent'] }));
      assert.deepEqual(await tagsByName(), { test2: 'val2' });
      assert.deepEqual(await tagsByArn(), { test2: 'val2' });
    });
  });

  describe('ListTagsLogGroup', () => {
    test('returns ResourceNotFoundException for a group that does not exist', async () => {
      await assertLogsError(
        logs.send(new ListTagsLogGroupCommand({ logGroupName: 'gone' })),
        'ResourceNotFoundException',
        'The specified log group does not exist.',
      );
    });

    test('returns an empty map for a group without tags', async () => {
      await logs.send(new CreateLogGroupCommand({ logGroupName: 'plain' }));
      const { tags } = await logs.send(new ListTagsLogGroupCommand({ logGroupName: 'plain' }));
      assert.deepEqual(tags, {});
    });
  });
});
