import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { ListQueuesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { createQueue, sqsFor } from './sqs-helpers.js';

describe('SQS ListQueues', () => {
  let cloud: NimbusCloud;
  let sqs: SQSClient;
  before(async () => {
    cloud = await startCloud();
    sqs = sqsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  async function createMany(prefix: string, count: number): Promise<string[]> {
    const urls: string[] = [];
    for (let i = 0; i < count; i++) urls.push(await createQueue(sqs, `${prefix}${i}`));
    return urls;
  }

  describe('ListQueues', () => {
    test("lists every queue of the caller's account, without NextToken", async () => {
      const urls = await createMany('test-queue-', 3);
      const fifo = await createQueue(sqs, 'orders.fifo', { FifoQueue: 'true' });
      const output = await sqs.send(new ListQueuesCommand({}));
      assert.deepEqual([...(output.QueueUrls ?? [])].sort(), [...urls, fifo].sort());
      assert.equal(output.NextToken, undefined);
    });

    test('lists no queue URL for an account without queues', async () => {
      const output = await sqs.send(new ListQueuesCommand({}));
      assert.deepEqual(output.QueueUrls ?? [], []);
      assert.equal(output.NextToken, undefined);
    });

    test('filters by QueueNamePrefix', async () => {
      const a1 = await createQueue(sqs, 'a-test-queue-1');
      const a2 = await createQueue(sqs, 'a-test-queue-2');
      const b1 = await createQueue(sqs, 'b-test-queue-1');
      const onlyA = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'a-test-queue-' }));
      assert.deepEqual([...(onlyA.QueueUrls ?? [])].sort(), [a1, a2]);
      const onlyB = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'b-test-queue-' }));
      assert.deepEqual(onlyB.QueueUrls, [b1]);
    });

    test('lists no queue URL for a prefix no queue has', async () => {
      await createQueue(sqs, 'orders');
      const output = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'nothing' }));
      assert.deepEqual(output.QueueUrls ?? [], []);
    });

    test("does not list another account's queues", async () => {
      const mine = await createQueue(sqs, 'orders');
      const theirs = await createQueue(sqsFor(cloud, '222222222222'), 'billing');
      const { QueueUrls } = await sqs.send(new ListQueuesCommand({}));
      assert.deepEqual(QueueUrls, [mine]);
      const other = await sqsFor(cloud, '222222222222').send(new ListQueuesCommand({}));
      assert.deepEqual(other.QueueUrls, [theirs]);
    });

    test("does not list another region's queues", async () => {
      const central = sqsFor(cloud, '111111111111', 'eu-central-1');
      const east = await createQueue(sqs, 'queue-east');
      const centralUrl = await createQueue(central, 'queue-central');
      assert.deepEqual((await sqs.send(new ListQueuesCommand({}))).QueueUrls, [east]);
      assert.deepEqual((await central.send(new ListQueuesCommand({}))).QueueUrls, [centralUrl]);
    });
  });

  describe('ListQueues pagination', () => {
    test('returns MaxResults URLs and a NextToken, then the rest without one', async () => {
      const urls = await createMany('test-queue-', 10);
      const first = await sqs.send(new ListQueuesCommand({ MaxResults: 2 }));
      assert.equal(first.QueueUrls?.length, 2);
      assert.equal(typeof first.NextToken, 'string');
      const rest = await sqs.send(new ListQueuesCommand({ MaxResults: 100, NextToken: first.NextToken }));
      assert.equal(rest.QueueUrls?.length, 8);
      assert.equal(rest.NextToken, undefined);
      assert.deepEqual([...(first.QueueUrls ?? []), ...(rest.QueueUrls ?? [])].sort(), [...urls].sort());
    });

    test('visits every queue exactly once page by page', async () => {
      const urls = await createMany('q-', 7);
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await sqs.send(new ListQueuesCommand({ MaxResults: 3, NextToken: token }));
        assert.ok((page.QueueUrls?.length ?? 0) <= 3);
        seen.push(...(page.QueueUrls ?? []));
        token = page.NextToken;
        pages++;
      } while (token && pages < 10);
      assert.equal(pages, 3);
      assert.deepEqual([...seen].sort(), [...urls].sort());
    });

    test('pages through the queues of a prefix only', async () => {
      const wanted = await createMany('wanted-', 3);
      await createMany('other-', 3);
      const first = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'wanted-', MaxResults: 2 }));
      assert.equal(first.QueueUrls?.length, 2);
      assert.ok(first.NextToken);
      const rest = await sqs.send(
        new ListQueuesCommand({ QueueNamePrefix: 'wanted-', MaxResults: 2, NextToken: first.NextToken }),
      );
      assert.equal(rest.NextToken, undefined);
      assert.deepEqual([...(first.QueueUrls ?? []), ...(rest.QueueUrls ?? [])].sort(), [...wanted].sort());
    });

    test('returns no NextToken when MaxResults covers every queue', async () => {
      await createMany('test-queue-', 3);
      const output = await sqs.send(new ListQueuesCommand({ MaxResults: 5 }));
      assert.equal(output.QueueUrls?.length, 3);
      assert.equal(output.NextToken, undefined);
    });
  });
});
