/**
 * Queue operations: create (with AWS's idempotency rule), delete, look up, list, attributes,
 * tags, purge and dead-letter sources.
 */
import { InvalidParameterValue } from '../../errors/common.js';
import { QueueDeletedRecently } from '../../generated/sqs/errors.js';
import type { SqsOperations } from '../../generated/sqs/operations.js';
import type * as T from '../../generated/sqs/types.js';
import type { RequestContext } from '../service-types.js';
import { purgeInProgress, queueAlreadyExists, queueDoesNotExist } from './errors.js';
import {
  checkSettableAttributes,
  defaultAttributes,
  mergeAttributes,
  type QueueAttributes,
  requestedAttributeNames,
} from './queue-attributes.js';
import { checkRedriveAllowPolicy, checkRedrivePolicy } from './redrive.js';
import { type Queue, queueArn, type SqsState } from './state.js';
import { checkTags, mergeTags } from './tags.js';

const standardName = /^[A-Za-z0-9_-]{1,80}$/;
const fifoName = /^[A-Za-z0-9_-]{1,75}\.fifo$/;

/** The purge rule: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_PurgeQueue.html */
const purgeIntervalMs = 60_000;
/**
 * "After you delete a queue, you must wait at least 60 seconds before creating a queue with the
 * same name" (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteQueue.html);
 * by the Nimbus clock, so a test advances it instead of sleeping.
 */
const reuseIntervalMs = 60_000;

function checkQueueName(name: string, fifoAsked: boolean): boolean {
  const fifo = name.endsWith('.fifo');
  if (fifoAsked || fifo) {
    if (!fifoAsked || !fifoName.test(name)) {
      throw new InvalidParameterValue(
        fifoAsked
          ? 'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.'
          : 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
      );
    }
    return true;
  }
  if (!standardName.test(name)) {
    throw new InvalidParameterValue(
      'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
    );
  }
  return false;
}

/**
 * A second CreateQueue of an existing name succeeds only when every attribute it gives has the
 * queue's current value (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html:
 * "If you provide the name of an existing queue along with the exact names and values of all the
 * queue's attributes, CreateQueue returns the queue URL for the existing queue").
 */
function checkSameAttributes(existing: Queue, given: QueueAttributes): void {
  const current = existing.attributes;
  for (const [name, value] of Object.entries(given)) {
    const have = current[name] ?? defaultAttributes(existing.fifo)[name];
    if (have !== value) throw queueAlreadyExists(name);
  }
}

function attributeOutput(state: SqsState, queue: Queue, names: Set<string> | 'all'): Record<string, string> {
  const wants = (name: string) => names === 'all' || names.has(name);
  const out: Record<string, string> = {};
  const now = state.now();
  if (
    wants('ApproximateNumberOfMessages') ||
    wants('ApproximateNumberOfMessagesNotVisible') ||
    wants('ApproximateNumberOfMessagesDelayed')
  ) {
    const total = state.store.messageCount(queue.id);
    const { inFlight, delayed } = state.store.invisibleCounts(queue.id, now);
    if (wants('ApproximateNumberOfMessages')) out.ApproximateNumberOfMessages = String(total - inFlight - delayed);
    if (wants('ApproximateNumberOfMessagesNotVisible')) out.ApproximateNumberOfMessagesNotVisible = String(inFlight);
    if (wants('ApproximateNumberOfMessagesDelayed')) out.ApproximateNumberOfMessagesDelayed = String(delayed);
  }
  if (wants('CreatedTimestamp')) out.CreatedTimestamp = String(Math.floor(queue.row.created_at / 1000));
  if (wants('LastModifiedTimestamp')) out.LastModifiedTimestamp = String(Math.floor(queue.row.modified_at / 1000));
  if (wants('QueueArn')) out.QueueArn = queue.arn;
  for (const [name, value] of Object.entries(queue.attributes)) if (wants(name)) out[name] = value;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Cross-attribute rules that need other queues: redrive targets and sources. */
function checkLinkedAttributes(
  state: SqsState,
  ctx: RequestContext,
  attributes: QueueAttributes,
  fifo: boolean,
  sourceArn: string,
): void {
  if (attributes.RedrivePolicy) checkRedrivePolicy(state, attributes.RedrivePolicy, fifo, ctx, sourceArn);
  if (attributes.RedriveAllowPolicy) checkRedriveAllowPolicy(attributes.RedriveAllowPolicy);
}

export function queueOperations(state: SqsState) {
  return {
    createQueue(ctx, input) {
      const given = input.Attributes ?? {};
      const fifo = checkQueueName(input.QueueName, String(given.FifoQueue ?? '').toLowerCase() === 'true');
      const attributes = checkSettableAttributes(given, fifo, true);
      const tags = checkTags(input.tags ?? {});
      const existingRow = state.store.queue(ctx.account, ctx.region, input.QueueName);
      if (existingRow) {
        checkSameAttributes(state.parse(existingRow), attributes);
        return { QueueUrl: state.url(ctx, existingRow) };
      }
      const now = state.now();
      const deletedAt = state.store.deletedAt(ctx.account, ctx.region, input.QueueName);
      if (deletedAt !== undefined && now - deletedAt < reuseIntervalMs) {
        throw new QueueDeletedRecently(
          'You must wait 60 seconds after deleting a queue before you can create another with the same name.',
        );
      }
      const effective = mergeAttributes(defaultAttributes(fifo), attributes);
      checkLinkedAttributes(state, ctx, effective, fifo, queueArn(ctx.region, ctx.account, input.QueueName));
      state.store.insertQueue({
        account: ctx.account,
        region: ctx.region,
        name: input.QueueName,
        fifo: fifo ? 1 : 0,
        attributes: JSON.stringify(effective),
        tags: JSON.stringify(tags),
        created_at: now,
        modified_at: now,
      });
      return { QueueUrl: state.url(ctx, { account: ctx.account, name: input.QueueName }) };
    },

    getQueueUrl(ctx, input) {
      const account = input.QueueOwnerAWSAccountId ?? ctx.account;
      const row = state.store.queue(account, ctx.region, input.QueueName);
      if (!row) throw queueDoesNotExist();
      return { QueueUrl: state.url(ctx, row) };
    },

    deleteQueue(ctx, input) {
      const queue = state.queueByUrl(ctx, input.QueueUrl);
      state.store.transaction(() => state.store.deleteQueue(queue.row, state.now()));
      state.waiters.signal(queue.id);
    },

    listQueues(ctx, input) {
      const prefix = input.QueueNamePrefix ?? '';
      const max = input.MaxResults;
      if (max !== undefined && (max < 1 || max > 1000)) {
        throw new InvalidParameterValue(
          `Value ${max} for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000.`,
        );
      }
      let after = '';
      if (input.NextToken) {
        after = decodeToken(input.NextToken);
      }
      const limit = max ?? 1000;
      const names = state.store.listQueues(ctx.account, ctx.region, prefix, after, limit + 1);
      const page = names.slice(0, limit);
      const out: T.ListQueuesResult = {};
      if (page.length > 0) out.QueueUrls = page.map((name) => state.url(ctx, { account: ctx.account, name }));
      // AWS pages only when MaxResults is given.
      if (max !== undefined && names.length > limit) out.NextToken = encodeToken(page[page.length - 1] as string);
      return out;
    },

    getQueueAttributes(ctx, input) {
      const queue = state.queueByUrl(ctx, input.QueueUrl);
      const names = requestedAttributeNames(input.AttributeNames as string[] | undefined);
      const attributes = attributeOutput(state, queue, names);
      return Object.keys(attributes).length > 0 ? { Attributes: attributes } : {};
    },

    setQueueAttributes(ctx, input) {
      const queue = state.queueByUrl(ctx, input.QueueUrl);
      const changes = checkSettableAttributes(input.Attributes, queue.fifo, false);
      const next = mergeAttributes(queue.attributes, changes);
      checkLinkedAttributes(state, ctx, changes, queue.fifo, queue.arn);
      state.store.updateAttributes(queue.row, JSON.stringify(next), state.now());
    },

    tagQueue(ctx, input) {
      const queue = state.queueByUrl(ctx, input.QueueUrl);
      const tags = mergeTags(queue.tags, checkTags(input.Tags ?? {}));
      state.store.updateTags(queue.row, JSON.stringify(tags));
    },

    untagQueue(ctx, input) {
      const queue = state.queueByUrl(ctx, input.QueueUrl);
      const tags = { ...queue.tags };
      for (const key of input.TagKeys ?? []) delete tags[key];
      state.store.updateTags(queue.row, JSON.stringify(tags));
    },

    listQueueTags(ctx, input) {
      const queue = state.queueByUrl(ctx, input.QueueUrl);
      return Object.keys(queue.tags).length > 0 ? { Tags: { ...queue.tags } } : {};
    },

    purgeQueue(ctx, input) {
      const queue = state.queueByUrl(ctx, input.QueueUrl);
      const now = state.now();
      if (queue.row.purged_at !== null && now - queue.row.purged_at < purgeIntervalMs) {
        throw purgeInProgress(queue.name);
      }
      state.store.transaction(() => {
        state.store.purge(queue.id);
        state.store.setPurgedAt(queue.row, now);
      });
    },

    listDeadLetterSourceQueues(ctx, input) {
      const target = state.queueByUrl(ctx, input.QueueUrl);
      const sources: string[] = [];
      for (const row of state.store.allQueues(target.account, target.region)) {
        const queue = state.parse(row);
        if (queue.redrive?.deadLetterTargetArn === target.arn) sources.push(state.url(ctx, queue));
      }
      const max = input.MaxResults;
      let start = 0;
      if (input.NextToken) {
        const after = decodeToken(input.NextToken);
        start = sources.findIndex((url) => url > after);
        if (start < 0) start = sources.length;
      }
      const page = max === undefined ? sources.slice(start) : sources.slice(start, start + max);
      const out: T.ListDeadLetterSourceQueuesResult = { queueUrls: page };
      if (max !== undefined && start + max < sources.length)
        out.NextToken = encodeToken(page[page.length - 1] as string);
      return out;
    },
  } satisfies Partial<SqsOperations<RequestContext>>;
}

function encodeToken(after: string): string {
  return Buffer.from(JSON.stringify({ after }), 'utf8').toString('base64');
}

function decodeToken(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string') return parsed.after;
  } catch {
    // falls through to the error below
  }
  throw new InvalidParameterValue(`Invalid NextToken value.`);
}
