import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CancelMessageMoveTaskCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  type ListMessageMoveTasksResultEntry,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertSqsError, createQueue, sqsFor } from './sqs-helpers.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('Message move tasks', () => {
  let cloud: NimbusCloud;
  let sqs: SQSClient;
  before(async () => {
    cloud = await startCloud();
    sqs = sqsFor(cloud);
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  const arnOf = async (QueueUrl: string) => {
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    return Attributes?.QueueArn as string;
  };
  const countOf = async (QueueUrl: string) => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    return Number(Attributes?.ApproximateNumberOfMessages);
  };
  /** A dead-letter queue of `sources` queues, each of which has moved `perSource` messages into it. */
  const deadLetters = async (perSource: number, sources = ['source']) => {
    const dlqUrl = await createQueue(sqs, 'dlq');
    const dlqArn = await arnOf(dlqUrl);
    const RedrivePolicy = JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 });
    const sourceUrls: string[] = [];
    for (const name of sources) {
      const QueueUrl = await createQueue(sqs, name, { RedrivePolicy, VisibilityTimeout: '0' });
      for (let i = 0; i < perSource; i++) {
        await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: `${name}-${i}` }));
        await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
      }
      // The next receive finds each message past maxReceiveCount and moves it.
      for (let i = 0; i < perSource; i++)
        await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
      assert.equal(await countOf(QueueUrl), 0);
      sourceUrls.push(QueueUrl);
    }
    assert.equal(await countOf(dlqUrl), perSource * sources.length);
    return { dlqUrl, dlqArn, sourceUrls };
  };
  const list = async (SourceArn: string, MaxResults?: number): Promise<ListMessageMoveTasksResultEntry[]> => {
    const { Results } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn, MaxResults }));
    return Results ?? [];
  };
  /** Moves the clock a second at a time (one step of a task) until the task is no longer running. */
  const runToEnd = async (SourceArn: string, maxSeconds = 20) => {
    for (let i = 0; i < maxSeconds; i++) {
      const [task] = await list(SourceArn);
      if (task?.Status !== 'RUNNING') return task;
      cloud.clock.advance(1);
      await sleep(5);
    }
    assert.fail('the task was still running');
  };
  const notFound = (parameter: string) => ({
    name: 'ResourceNotFoundException',
    queryCode: 'ResourceNotFoundException',
    status: 404,
    message: `The resource that you specified for the ${parameter} parameter doesn't exist.`,
  });
  const invalid = (message: string) => ({
    name: 'InvalidParameterValue',
    queryCode: 'InvalidParameterValue',
    status: 400,
    message,
  });

  test('returns a handle that is base64 of the task id and the source ARN', async () => {
    const { dlqArn } = await deadLetters(1);
    const destination = await arnOf(await createQueue(sqs, 'destination'));
    const { TaskHandle } = await sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn: destination }),
    );
    const decoded = JSON.parse(Buffer.from(TaskHandle ?? '', 'base64').toString('utf8'));
    assert.equal(decoded.sourceArn, dlqArn);
    assert.match(decoded.taskId, uuid);
  });

  test('moves every message to the destination and lists the task as COMPLETED without its handle', async () => {
    const { dlqUrl, dlqArn } = await deadLetters(2);
    const destinationUrl = await createQueue(sqs, 'destination');
    const DestinationArn = await arnOf(destinationUrl);
    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn }));
    const task = await runToEnd(dlqArn);
    assert.ok(task);
    const { StartedTimestamp, ...rest } = task;
    assert.deepEqual(rest, {
      ApproximateNumberOfMessagesMoved: 2,
      ApproximateNumberOfMessagesToMove: 2,
      DestinationArn,
      SourceArn: dlqArn,
      Status: 'COMPLETED',
    });
    assert.equal(typeof StartedTimestamp, 'number');
    assert.ok(Math.abs((StartedTimestamp as number) - cloud.clock.now()) < 30_000);
    assert.equal(await countOf(dlqUrl), 0);
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: destinationUrl, MaxNumberOfMessages: 10 }),
    );
    assert.deepEqual(Messages?.map((message) => message.Body).sort(), ['source-0', 'source-1']);
  });

  test('moves each message back to the queue it came from when no destination is given', async () => {
    const { dlqUrl, dlqArn, sourceUrls } = await deadLetters(2, ['source-a', 'source-b']);
    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
    const task = await runToEnd(dlqArn);
    assert.equal(task?.Status, 'COMPLETED');
    assert.equal(task?.ApproximateNumberOfMessagesMoved, 4);
    assert.equal(task?.ApproximateNumberOfMessagesToMove, 4);
    assert.equal(task?.DestinationArn, undefined);
    assert.equal(task?.MaxNumberOfMessagesPerSecond, undefined);
    assert.equal(await countOf(dlqUrl), 0);
    for (const [index, QueueUrl] of sourceUrls.entries()) {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }),
      );
      const name = index === 0 ? 'source-a' : 'source-b';
      assert.deepEqual(Messages?.map((message) => message.Body).sort(), [`${name}-0`, `${name}-1`]);
    }
  });

  test('moves at most MaxNumberOfMessagesPerSecond, showing the handle while RUNNING', async () => {
    const { dlqArn } = await deadLetters(4);
    const DestinationArn = await arnOf(await createQueue(sqs, 'destination'));
    const { TaskHandle } = await sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn, MaxNumberOfMessagesPerSecond: 1 }),
    );
    for (let i = 0; i < 2; i++) {
      cloud.clock.advance(1);
      await sleep(5);
    }
    const [running] = await list(dlqArn);
    assert.equal(running?.Status, 'RUNNING');
    assert.equal(running?.TaskHandle, TaskHandle);
    assert.equal(running?.MaxNumberOfMessagesPerSecond, 1);
    assert.equal(running?.ApproximateNumberOfMessagesToMove, 4);
    assert.ok((running?.ApproximateNumberOfMessagesMoved ?? 4) < 4);
    const done = await runToEnd(dlqArn);
    assert.equal(done?.Status, 'COMPLETED');
    assert.equal(done?.ApproximateNumberOfMessagesMoved, 4);
    assert.equal(done?.TaskHandle, undefined);
  });

  test('catches up with the clock: one big advance counts as that many one-second steps', async () => {
    const { dlqArn } = await deadLetters(4);
    const DestinationArn = await arnOf(await createQueue(sqs, 'destination'));
    await sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn, MaxNumberOfMessagesPerSecond: 1 }),
    );
    cloud.clock.advance(10);
    await sleep(5);
    const [task] = await list(dlqArn);
    assert.equal(task?.Status, 'COMPLETED');
    assert.equal(task?.ApproximateNumberOfMessagesMoved, 4);
  });

  test('cancels a running task, answering how many it moved, and leaves the rest in the dead-letter queue', async () => {
    const { dlqUrl, dlqArn } = await deadLetters(10);
    const DestinationArn = await arnOf(await createQueue(sqs, 'destination'));
    const { TaskHandle } = await sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn, MaxNumberOfMessagesPerSecond: 1 }),
    );
    cloud.clock.advance(1);
    await sleep(5);
    const [running] = await list(dlqArn);
    assert.equal(running?.Status, 'RUNNING');
    const cancelled = await sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle }));
    assert.equal(cancelled.ApproximateNumberOfMessagesMoved, running?.ApproximateNumberOfMessagesMoved);
    cloud.clock.advance(20);
    await sleep(5);
    const [task] = await list(dlqArn);
    assert.equal(task?.Status, 'CANCELLED');
    assert.equal(task?.TaskHandle, undefined);
    assert.equal(task?.ApproximateNumberOfMessagesToMove, 10);
    assert.ok((await countOf(dlqUrl)) > 0);
  });

  test('fails the task with NonExistentQueue when the destination is deleted mid-way, counting what it moved', async () => {
    const { dlqArn } = await deadLetters(10);
    const destinationUrl = await createQueue(sqs, 'destination');
    const DestinationArn = await arnOf(destinationUrl);
    await sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn, MaxNumberOfMessagesPerSecond: 1 }),
    );
    for (let i = 0; i < 2; i++) {
      cloud.clock.advance(1);
      await sleep(5);
    }
    const [running] = await list(dlqArn);
    await sqs.send(new DeleteQueueCommand({ QueueUrl: destinationUrl }));
    const task = await runToEnd(dlqArn);
    assert.equal(task?.Status, 'FAILED');
    assert.equal(task?.FailureReason, 'AWS.SimpleQueueService.NonExistentQueue');
    assert.equal(task?.ApproximateNumberOfMessagesMoved, running?.ApproximateNumberOfMessagesMoved);
    assert.equal(task?.ApproximateNumberOfMessagesToMove, 10);
    assert.equal(task?.DestinationArn, DestinationArn);
  });

  test('lists one task by default, newest first, and up to MaxResults', async () => {
    const { dlqArn } = await deadLetters(1);
    const first = await arnOf(await createQueue(sqs, 'first'));
    const second = await arnOf(await createQueue(sqs, 'second'));
    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn: first }));
    await runToEnd(dlqArn);
    cloud.clock.advance(5);
    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn: second }));
    await runToEnd(dlqArn);
    assert.deepEqual(
      (await list(dlqArn)).map((task) => task.DestinationArn),
      [second],
    );
    assert.deepEqual(
      (await list(dlqArn, 10)).map((task) => task.DestinationArn),
      [second, first],
    );
  });

  test('returns InvalidParameterValue for a source that is no queue’s dead-letter queue', async () => {
    const SourceArn = await arnOf(await createQueue(sqs, 'plain'));
    await assertSqsError(
      sqs.send(new StartMessageMoveTaskCommand({ SourceArn })),
      invalid('Source queue must be configured as a Dead Letter Queue.'),
    );
  });

  test('returns ResourceNotFoundException for a destination that does not exist', async () => {
    const { dlqArn } = await deadLetters(1);
    await assertSqsError(
      sqs.send(
        new StartMessageMoveTaskCommand({
          SourceArn: dlqArn,
          DestinationArn: 'arn:aws:sqs:us-east-1:111111111111:nope',
        }),
      ),
      notFound('DestinationArn'),
    );
  });

  test('returns InvalidParameterValue for a second task on a source while one runs', async () => {
    const { dlqArn } = await deadLetters(3);
    const DestinationArn = await arnOf(await createQueue(sqs, 'destination'));
    await sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn, MaxNumberOfMessagesPerSecond: 1 }),
    );
    await assertSqsError(
      sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn })),
      invalid(
        'There is already a task running. Only one active task is allowed for a source queue arn at a given time.',
      ),
    );
  });

  test('returns InvalidParameterValue when cancelling with a handle that is not one', async () => {
    await assertSqsError(
      sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: 'foobared' })),
      invalid('Value for parameter TaskHandle is invalid.'),
    );
  });

  test('returns ResourceNotFoundException when cancelling a handle whose source queue does not exist', async () => {
    const TaskHandle = Buffer.from(
      JSON.stringify({
        taskId: '2fd7c2cb-5a6e-4e5b-9e0c-6b6f0b3c1a11',
        sourceArn: 'arn:aws:sqs:us-east-1:111111111111:gone',
      }),
    ).toString('base64');
    await assertSqsError(sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle })), notFound('SourceArn'));
  });

  test('returns ResourceNotFoundException when cancelling a task id that does not exist', async () => {
    const { dlqArn } = await deadLetters(1);
    const TaskHandle = Buffer.from(
      JSON.stringify({ taskId: '2fd7c2cb-5a6e-4e5b-9e0c-6b6f0b3c1a11', sourceArn: dlqArn }),
    ).toString('base64');
    await assertSqsError(sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle })), {
      name: 'ResourceNotFoundException',
      queryCode: 'ResourceNotFoundException',
      status: 404,
      message: 'Task does not exist.',
    });
  });
});
