import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CreateQueueCommand,
  ListQueueTagsCommand,
  type SQSClient,
  TagQueueCommand,
  UntagQueueCommand,
} from '@aws-sdk/client-sqs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertSqsError, createQueue, sqsFor } from './sqs-helpers.js';

const queueDoesNotExist = {
  name: 'QueueDoesNotExist',
  queryCode: 'AWS.SimpleQueueService.NonExistentQueue',
  status: 400,
  message: 'The specified queue does not exist.',
};

describe('SQS queue tags', () => {
  let cloud: NimbusCloud;
  let sqs: SQSClient;
  let missing: string;
  before(async () => {
    cloud = await startCloud();
    sqs = sqsFor(cloud);
    missing = `${cloud.endpoint}/111111111111/nobody`;
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  async function tagsOf(url: string): Promise<Record<string, string> | undefined> {
    return (await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags;
  }

  describe('TagQueue', () => {
    test('answers an empty 200 and adds the tags, empty values included', async () => {
      const url = await createQueue(sqs, 'orders');
      const tags = { tag1: 'value1', tag2: 'value2', tag3: '' };
      const output = await sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: tags }));
      assert.equal(output.$metadata.httpStatusCode, 200);
      assert.deepEqual(await tagsOf(url), tags);
    });

    test('merges with the existing tags and overwrites the values of keys given again', async () => {
      const url = await createQueue(sqs, 'orders');
      await sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { tag1: 'value1', tag2: 'value2' } }));
      await sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { tag1: 'VALUE1', tag3: 'value3' } }));
      assert.deepEqual(await tagsOf(url), { tag1: 'VALUE1', tag2: 'value2', tag3: 'value3' });
    });

    test('keeps keys that differ only in case apart', async () => {
      const url = await createQueue(sqs, 'orders');
      await sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { MyTag: 'value1', mytag: 'value2' } }));
      assert.deepEqual(await tagsOf(url), { MyTag: 'value1', mytag: 'value2' });
    });

    test('adds to the tags given at creation', async () => {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'orders', tags: { team: 'a' } }));
      await sqs.send(new TagQueueCommand({ QueueUrl, Tags: { env: 'prod' } }));
      assert.deepEqual(await tagsOf(QueueUrl ?? ''), { env: 'prod', team: 'a' });
    });

    test('tags only the queue it names', async () => {
      const tagged = await createQueue(sqs, 'tagged');
      const plain = await createQueue(sqs, 'plain');
      await sqs.send(new TagQueueCommand({ QueueUrl: tagged, Tags: { k: 'v' } }));
      assert.equal(await tagsOf(plain), undefined);
    });

    test('returns QueueDoesNotExist for a queue that does not exist', async () => {
      await assertSqsError(sqs.send(new TagQueueCommand({ QueueUrl: missing, Tags: { k: 'v' } })), queueDoesNotExist);
    });
  });

  describe('UntagQueue', () => {
    test('answers an empty 200 and removes the keys given', async () => {
      const url = await createQueue(sqs, 'orders');
      await sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { tag1: 'value1', tag2: 'value2', tag3: '' } }));
      const output = await sqs.send(new UntagQueueCommand({ QueueUrl: url, TagKeys: ['tag1', 'tag3'] }));
      assert.equal(output.$metadata.httpStatusCode, 200);
      assert.deepEqual(await tagsOf(url), { tag2: 'value2' });
    });

    test('ignores keys the queue does not have', async () => {
      const url = await createQueue(sqs, 'orders');
      await sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { tag1: 'value1', tag2: 'value2' } }));
      await sqs.send(new UntagQueueCommand({ QueueUrl: url, TagKeys: ['tag1', 'tag3'] }));
      assert.deepEqual(await tagsOf(url), { tag2: 'value2' });
    });

    test('removes a key only in its exact case', async () => {
      const url = await createQueue(sqs, 'orders');
      await sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { MyTag: 'value1', mytag: 'value2' } }));
      await sqs.send(new UntagQueueCommand({ QueueUrl: url, TagKeys: ['MYTAG', 'mytag'] }));
      assert.deepEqual(await tagsOf(url), { MyTag: 'value1' });
    });

    test('leaves no Tags in ListQueueTags once the last tag is removed', async () => {
      const url = await createQueue(sqs, 'orders');
      await sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { tag2: 'value2' } }));
      await sqs.send(new UntagQueueCommand({ QueueUrl: url, TagKeys: ['tag2'] }));
      const output = await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }));
      assert.equal(output.Tags, undefined);
      assert.deepEqual(Object.keys(output), ['$metadata']);
    });

    test('returns QueueDoesNotExist for a queue that does not exist', async () => {
      await assertSqsError(sqs.send(new UntagQueueCommand({ QueueUrl: missing, TagKeys: ['k'] })), queueDoesNotExist);
    });
  });

  describe('ListQueueTags', () => {
    test('returns no Tags for a queue that was never tagged', async () => {
      const url = await createQueue(sqs, 'orders');
      const output = await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }));
      assert.equal(output.Tags, undefined);
      assert.equal(output.$metadata.httpStatusCode, 200);
    });

    test('returns exactly the tags given at creation', async () => {
      const tags = { tag1: 'value1', tag2: 'value2' };
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'orders', tags }));
      assert.deepEqual(await tagsOf(QueueUrl ?? ''), tags);
    });

    test('returns the tags of a FIFO queue', async () => {
      const url = await createQueue(sqs, 'orders.fifo', { FifoQueue: 'true' });
      await sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { testTag1: 'test1', testTag2: 'test2' } }));
      assert.deepEqual(await tagsOf(url), { testTag1: 'test1', testTag2: 'test2' });
    });

    test('returns QueueDoesNotExist for a queue that does not exist', async () => {
      await assertSqsError(sqs.send(new ListQueueTagsCommand({ QueueUrl: missing })), queueDoesNotExist);
    });
  });
});
