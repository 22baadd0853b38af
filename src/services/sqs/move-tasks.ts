/**
 * Message move tasks: StartMessageMoveTask moves the messages of a dead-letter queue to a
 * destination (or each back to the queue it came from), at MaxNumberOfMessagesPerSecond, one
 * step a second by the Nimbus clock; ListMessageMoveTasks and CancelMessageMoveTask follow it.
 * Tasks are rows, so a restart picks running ones up again.
 *
 * Texts and shapes: shared/aws-reference/recorded-responses/services/sqs/test_sqs_move_task.snapshot.json;
 * the task handle is base64 of {"taskId","sourceArn"} as AWS's is (test_basic_move_task_workflow).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html
 */
import { randomUUID } from 'node:crypto';
import type { ClockTimer } from '../../core/clock.js';
import { InvalidParameterValue } from '../../errors/common.js';
import { ResourceNotFoundException } from '../../generated/sqs/errors.js';
import type { SqsOperations } from '../../generated/sqs/operations.js';
import type * as T from '../../generated/sqs/types.js';
import type { RequestContext } from '../service-types.js';
import { sequenceNumber } from './sequence-numbers.js';
import type { Queue, SqsState } from './state.js';
import type { MoveTaskRow } from './store.js';

/** When no rate is given, AWS moves at a "system-optimized" rate; the API's maximum is 500 a second. */
const defaultRate = 500;
const stepMs = 1000;

function notFound(parameter: 'SourceArn' | 'DestinationArn'): ResourceNotFoundException {
  return new ResourceNotFoundException(`The resource that you specified for the ${parameter} parameter doesn't exist.`);
}

function taskHandle(sourceArn: string): string {
  return Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn }), 'utf8').toString('base64');
}

function parseTaskHandle(handle: string): { taskId: string; sourceArn: string } {
  try {
    const parsed = JSON.parse(Buffer.from(handle, 'base64').toString('utf8')) as {
      taskId?: unknown;
      sourceArn?: unknown;
    };
    if (typeof parsed.taskId === 'string' && typeof parsed.sourceArn === 'string') {
      return { taskId: parsed.taskId, sourceArn: parsed.sourceArn };
    }
  } catch {
    // falls through
  }
  throw new InvalidParameterValue('Value for parameter TaskHandle is invalid.');
}

export class MoveTasks {
  readonly #state: SqsState;
  readonly #timers = new Map<string, ClockTimer>();

  constructor(state: SqsState) {
    this.#state = state;
    for (const task of state.store.runningMoveTasks()) this.#schedule(task.task_handle, state.now());
  }

  operations() {
    const state = this.#state;
    return {
      startMessageMoveTask: (_ctx, input) => {
        const source = state.queueByArn(input.SourceArn);
        if (!source) throw notFound('SourceArn');
        if (!this.#isDeadLetterQueue(source)) {
          throw new InvalidParameterValue('Source queue must be configured as a Dead Letter Queue.');
        }
        if (input.DestinationArn !== undefined && !state.queueByArn(input.DestinationArn)) {
          throw notFound('DestinationArn');
        }
        const rate = input.MaxNumberOfMessagesPerSecond;
        if (rate !== undefined && (!Number.isInteger(rate) || rate < 1 || rate > 500)) {
          throw new InvalidParameterValue(
            `Value ${rate} for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: must be between 1 and 500.`,
          );
        }
        if (
          state.store.moveTasksOf(source.account, source.region, source.arn, 10).some((t) => t.status === 'RUNNING')
        ) {
          throw new InvalidParameterValue(
            'There is already a task running. Only one active task is allowed for a source queue arn at a given time.',
          );
        }
        const handle = taskHandle(source.arn);
        const now = state.now();
        state.store.insertMoveTask({
          task_handle: handle,
          account: source.account,
          region: source.region,
          source_arn: source.arn,
          destination_arn: input.DestinationArn ?? null,
          max_per_second: rate ?? null,
          status: 'RUNNING',
          moved: 0,
          to_move: state.store.messageCount(source.id),
          failure_reason: null,
          started_at: now,
        });
        this.#schedule(handle, now);
        return { TaskHandle: handle };
      },

      cancelMessageMoveTask: (_ctx, input) => {
        const { sourceArn } = parseTaskHandle(input.TaskHandle);
        if (!state.queueByArn(sourceArn)) throw notFound('SourceArn');
        const task = state.store.moveTask(input.TaskHandle);
        if (!task) throw new ResourceNotFoundException('Task does not exist.');
        if (task.status !== 'RUNNING') {
          throw new InvalidParameterValue('Only active tasks can be cancelled.');
        }
        this.#timers.get(task.task_handle)?.cancel();
        this.#timers.delete(task.task_handle);
        state.store.updateMoveTask(task.task_handle, 'CANCELLED', task.moved);
        return { ApproximateNumberOfMessagesMoved: task.moved };
      },

      listMessageMoveTasks: (_ctx, input) => {
        const source = state.queueByArn(input.SourceArn);
        if (!source) throw notFound('SourceArn');
        const max = input.MaxResults ?? 1;
        if (!Number.isInteger(max) || max < 1 || max > 10) {
          throw new InvalidParameterValue(
            `Value ${max} for parameter MaxResults is invalid. Reason: You must enter a number that's between 1 and 10.`,
          );
        }
        const tasks = state.store.moveTasksOf(source.account, source.region, source.arn, max);
        return { Results: tasks.map(taskOutput) };
      },
    } satisfies Partial<SqsOperations<RequestContext>>;
  }

  #isDeadLetterQueue(queue: Queue): boolean {
    return this.#state.store
      .allQueues(queue.account, queue.region)
      .some((row) => this.#state.parse(row).redrive?.deadLetterTargetArn === queue.arn);
  }

  #schedule(handle: string, at: number): void {
    this.#timers.set(
      handle,
      this.#state.clock.schedule(at, () => this.#step(handle, at)),
    );
  }

  /**
   * Moves one second's worth of messages; schedules the next step a second after this one was
   * due, so that moving the clock N seconds forward runs N steps.
   */
  #step(handle: string, dueAt: number): void {
    this.#timers.delete(handle);
    const state = this.#state;
    const task = state.store.moveTask(handle);
    if (!task || task.status !== 'RUNNING') return;
    const source = state.queueByArn(task.source_arn);
    if (!source) {
      state.store.updateMoveTask(handle, 'FAILED', task.moved, 'AWS.SimpleQueueService.NonExistentQueue');
      return;
    }
    const batch = state.store.oldestMessages(source.id, task.max_per_second ?? defaultRate);
    let moved = task.moved;
    let failure: string | null = null;
    const signalled = new Set<number>();
    state.store.transaction(() => {
      for (const message of batch) {
        const destinationArn = task.destination_arn ?? message.source_arn;
        const destination = destinationArn ? state.queueByArn(destinationArn) : undefined;
        if (!destination) {
          failure = 'AWS.SimpleQueueService.NonExistentQueue';
          break;
        }
        const now = state.now();
        state.store.moveMessage(
          message,
          source.fifo,
          {
            queue_id: destination.id,
            message_id: message.message_id,
            body: message.body,
            md5_body: message.md5_body,
            attributes: message.attributes,
            md5_attributes: message.md5_attributes,
            system_attributes: message.system_attributes,
            md5_system_attributes: message.md5_system_attributes,
            sender_id: message.sender_id,
            sent_at: message.sent_at,
            visible_at: now,
            expires_at: now + destination.retentionSeconds * 1000,
            group_id: message.group_id,
            dedup_id: message.dedup_id,
            sequence_number: destination.fifo ? sequenceNumber(state.store.nextSequence(destination.id)) : null,
            source_arn: null,
          },
          destination.fifo,
        );
        signalled.add(destination.id);
        moved++;
      }
    });
    for (const id of signalled) state.waiters.signal(id);
    if (failure) {
      state.store.updateMoveTask(handle, 'FAILED', moved, failure);
      return;
    }
    const remaining = state.store.messageCount(source.id);
    if (remaining === 0 || batch.length === 0) {
      state.store.updateMoveTask(handle, 'COMPLETED', moved);
      return;
    }
    state.store.updateMoveTask(handle, 'RUNNING', moved);
    this.#schedule(handle, dueAt + stepMs);
  }

  dispose(): void {
    for (const timer of this.#timers.values()) timer.cancel();
    this.#timers.clear();
  }
}

function taskOutput(task: MoveTaskRow): T.ListMessageMoveTasksResultEntry {
  const out: T.ListMessageMoveTasksResultEntry = {
    Status: task.status,
    SourceArn: task.source_arn,
    ApproximateNumberOfMessagesMoved: task.moved,
    ApproximateNumberOfMessagesToMove: task.to_move,
    StartedTimestamp: task.started_at,
  };
  // The handle is shown only while the task runs (test_basic_move_task_workflow).
  if (task.status === 'RUNNING') out.TaskHandle = task.task_handle;
  if (task.destination_arn) out.DestinationArn = task.destination_arn;
  if (task.max_per_second !== null) out.MaxNumberOfMessagesPerSecond = task.max_per_second;
  if (task.failure_reason) out.FailureReason = task.failure_reason;
  return out;
}
