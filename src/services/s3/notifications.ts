/**
 * Event notifications: a bucket's NotificationConfiguration names queues, topics and functions
 * for event types with prefix/suffix filters; each matching object event becomes the S3 event
 * message AWS sends, delivered in-process to SQS, SNS (Subject "Amazon S3 Notification") or
 * Lambda (an asynchronous invocation) after the request's commit (S3 delivers at least once,
 * asynchronously, as AWS does).
 * Event shape: https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 */
import type * as T from '../../generated/s3/types.js';
import type { RequestContext } from '../service-types.js';
import { invalidArgument } from './errors.js';
import { ownerOf, type S3State } from './state.js';
import type { BucketRow } from './store.js';

export interface ObjectEventDetail {
  key: string;
  size?: number;
  etag?: string;
  versionId?: string;
}

interface Destination {
  kind: 'queue' | 'topic' | 'function';
  arn: string;
  id: string;
  events: string[];
  filter: Array<{ Name: string; Value: string }>;
}

interface SnsPublisher {
  topicExists(topicArn: string): boolean;
  publishFromService(topicArn: string, message: string, subject?: string): boolean;
  ready(): Promise<void>;
}

interface LambdaInvoker {
  invokeEventFromService?(functionArn: string, payload: string): Promise<void>;
  getFunction?(ctx: RequestContext, input: { FunctionName: string }): unknown;
  allowsInvoke?(functionArn: string, principal: string, sourceArn?: string, sourceAccount?: string): boolean;
}

interface SqsSender {
  sendMessage(ctx: RequestContext, input: { QueueUrl: string; MessageBody: string }): unknown;
  getQueueUrl?(ctx: RequestContext, input: { QueueName: string; QueueOwnerAWSAccountId?: string }): unknown;
}

let sequence = 0;

function destinationsOf(config: T.NotificationConfiguration | undefined): Destination[] {
  if (!config) return [];
  const out: Destination[] = [];
  const filterOf = (filter: T.NotificationConfigurationFilter | undefined) =>
    (filter?.Key?.FilterRules ?? []).map((rule) => ({ Name: String(rule.Name ?? ''), Value: rule.Value ?? '' }));
  for (const queue of config.QueueConfigurations ?? []) {
    out.push({
      kind: 'queue',
      arn: queue.QueueArn,
      id: queue.Id ?? '',
      events: queue.Events as string[],
      filter: filterOf(queue.Filter),
    });
  }
  for (const topic of config.TopicConfigurations ?? []) {
    out.push({
      kind: 'topic',
      arn: topic.TopicArn,
      id: topic.Id ?? '',
      events: topic.Events as string[],
      filter: filterOf(topic.Filter),
    });
  }
  for (const fn of config.LambdaFunctionConfigurations ?? []) {
    out.push({
      kind: 'function',
      arn: fn.LambdaFunctionArn,
      id: fn.Id ?? '',
      events: fn.Events as string[],
      filter: filterOf(fn.Filter),
    });
  }
  return out;
}

const topicArnPattern = /^arn:aws[\w-]*:sns:([a-z0-9-]+):(\d{12}):([\w-]+)$/;
const functionArnPattern = /^arn:aws[\w-]*:lambda:([a-z0-9-]+):(\d{12}):function:([\w-]+)(:[\w$-]+)?$/;

function matchesEvent(patterns: readonly string[], eventName: string): boolean {
  const full = `s3:${eventName}`;
  return patterns.some((pattern) =>
    pattern.endsWith(':*') ? full.startsWith(pattern.slice(0, -1)) : pattern === full,
  );
}

function matchesFilter(filter: Destination['filter'], key: string): boolean {
  for (const rule of filter) {
    const name = rule.Name.toLowerCase();
    if (name === 'prefix' && !key.startsWith(rule.Value)) return false;
    if (name === 'suffix' && !key.endsWith(rule.Value)) return false;
  }
  return true;
}

/**
 * The key as S3 writes it in events: URL-encoded, spaces as `+`, slashes kept (recorded:
 * `a@b` is `a%40b`, `testupload/dir1/testfile.txt` stays; test_s3_notifications_sqs).
 */
function eventKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/%20/g, '+')
    .replace(/%2F/g, '/')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Queues an object event for every destination that wants it. */
export function objectEvent(
  state: S3State,
  ctx: RequestContext,
  bucket: BucketRow,
  eventName: string,
  detail: ObjectEventDetail,
): void {
  const destinations = destinationsOf(state.store.config<T.NotificationConfiguration>(bucket.name, 'notification'));
  if (destinations.length === 0) return;
  const now = state.now();
  for (const destination of destinations) {
    if (!matchesEvent(destination.events, eventName) || !matchesFilter(destination.filter, detail.key)) continue;
    const object: Record<string, unknown> = { key: eventKey(detail.key) };
    if (detail.size !== undefined) object.size = detail.size;
    if (detail.etag) object.eTag = detail.etag.replace(/"/g, '');
    // A delete marker's event carries the MD5 of nothing (recorded: test_object_created_and_object_removed).
    else if (eventName === 'ObjectRemoved:DeleteMarkerCreated') object.eTag = 'd41d8cd98f00b204e9800998ecf8427e';
    if (detail.versionId && detail.versionId !== 'null') object.versionId = detail.versionId;
    object.sequencer = (now * 1000 + (sequence++ % 1000)).toString(16).toUpperCase().padStart(18, '0');
    const record = {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: bucket.region,
      eventTime: new Date(now).toISOString(),
      eventName,
      userIdentity: { principalId: `AWS:${ctx.caller.userId}` },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': ctx.requestId, 'x-amz-id-2': ctx.requestId },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: destination.id,
        bucket: {
          name: bucket.name,
          ownerIdentity: { principalId: ownerOf(bucket.account).ID },
          arn: `arn:aws:s3:::${bucket.name}`,
        },
        object,
      },
    };
    deliver(state, destination, JSON.stringify({ Records: [record] }));
  }
}

/** The `s3:TestEvent` AWS sends to each destination when a configuration is set. */
export function testEvent(
  state: S3State,
  ctx: RequestContext,
  bucket: string,
  config: T.NotificationConfiguration,
): void {
  const message = JSON.stringify({
    Service: 'Amazon S3',
    Event: 's3:TestEvent',
    Time: new Date(state.now()).toISOString(),
    Bucket: bucket,
    RequestId: ctx.requestId,
    HostId: ctx.requestId,
  });
  // Queues and topics get the test event; functions do not (AWS invokes them only for object events).
  for (const destination of destinationsOf(config)) {
    if (destination.kind !== 'function') deliver(state, destination, message);
  }
}

/** Checks that each destination of a configuration exists (as AWS validates them), asking SQS in-process. */
export async function checkDestinations(
  state: S3State,
  config: T.NotificationConfiguration,
  bucket?: { name: string; account: string },
): Promise<void> {
  const missing: Array<{ arn: string; reason: string }> = [];
  for (const destination of destinationsOf(config)) {
    if (destination.kind === 'topic') {
      const match = topicArnPattern.exec(destination.arn);
      const sns = match ? ((await state.deps.provider('sns')) as unknown as SnsPublisher) : undefined;
      if (!sns?.topicExists(destination.arn)) {
        missing.push({ arn: destination.arn, reason: 'The destination topic does not exist' });
      }
      continue;
    }
    if (destination.kind === 'function') {
      const lambda = await lambdaProvider(state);
      const match = functionArnPattern.exec(destination.arn);
      let exists = false;
      if (match && lambda?.getFunction) {
        try {
          await lambda.getFunction(
            serviceContext({ region: match[1] as string, account: match[2] as string }, 'lambda'),
            { FunctionName: destination.arn },
          );
          exists = true;
        } catch {
          exists = false;
        }
      }
      if (!exists) missing.push({ arn: destination.arn, reason: 'The destination Lambda does not exist' });
      // AWS checks that the function's resource policy lets S3 invoke it for this bucket
      // (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketNotificationConfiguration.html);
      // the reason's text is not recorded.
      else if (
        bucket &&
        lambda?.allowsInvoke?.(destination.arn, 's3.amazonaws.com', `arn:aws:s3:::${bucket.name}`, bucket.account) ===
          false
      ) {
        missing.push({ arn: destination.arn, reason: `Not authorized to invoke function [${destination.arn}]` });
      }
      continue;
    }
    const queue = parseQueueArn(destination.arn);
    if (!queue) {
      missing.push({ arn: destination.arn, reason: 'The destination queue does not exist' });
      continue;
    }
    const sqs = (await state.deps.provider('sqs')) as SqsSender;
    try {
      await sqs.getQueueUrl?.(serviceContext(queue), { QueueName: queue.name, QueueOwnerAWSAccountId: queue.account });
    } catch {
      missing.push({ arn: destination.arn, reason: 'The destination queue does not exist' });
    }
  }
  if (missing.length === 0) return;
  const error = invalidArgument('Unable to validate the following destination configurations');
  missing.forEach((entry, index) => {
    error.members[`ArgumentName${index + 1}`] = entry.arn;
    error.members[`ArgumentValue${index + 1}`] = entry.reason;
  });
  throw error;
}

/** Lambda's provider, or undefined while Nimbus has none. */
async function lambdaProvider(state: S3State): Promise<LambdaInvoker | undefined> {
  try {
    return (await state.deps.provider('lambda')) as unknown as LambdaInvoker;
  } catch {
    return undefined;
  }
}

/** The context of a call S3 makes to another service on its own behalf. */
function serviceContext(queue: { account: string; region: string }, service = 'sqs'): RequestContext {
  return {
    requestId: '',
    service,
    operation: service === 'sqs' ? 'SendMessage' : 'GetFunction',
    account: queue.account,
    region: queue.region,
    partition: 'aws',
    caller: {
      account: queue.account,
      arn: 'arn:aws:iam::000000000000:root',
      userId: 'AIDAS3NOTIFICATIONS',
      kind: 'root',
      accessKeyId: '',
    },
    endpoint: `http://sqs.${queue.region}.localhost`,
    onClientGone: () => () => {},
  };
}

function parseQueueArn(arn: string): { region: string; account: string; name: string } | undefined {
  const match = /^arn:aws[\w-]*:sqs:([a-z0-9-]+):(\d{12}):([\w.-]+)$/.exec(arn);
  return match ? { region: match[1] as string, account: match[2] as string, name: match[3] as string } : undefined;
}

function deliver(state: S3State, destination: Destination, body: string): void {
  if (destination.kind === 'queue' && !parseQueueArn(destination.arn)) return;
  state.store.queueEvent(destination.arn, body);
  state.events?.schedule();
}

/**
 * Drains the event outbox (store.ts) once the change that queued an event has committed: each
 * event is sent and deleted in one transaction, so a crash delivers it after the restart,
 * never twice. A destination that has gone away drops its events, as AWS does.
 */
export class EventDelivery {
  readonly #state: S3State;
  #scheduled = false;
  #disposed = false;
  #sqs: SqsSender | undefined;
  #sns: SnsPublisher | undefined;
  #lambda: LambdaInvoker | undefined;

  constructor(state: S3State) {
    this.#state = state;
  }

  schedule(): void {
    if (this.#scheduled || this.#disposed) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#drain().catch((error: unknown) => this.#state.logger.warn(`s3: event delivery failed: ${error}`));
    });
  }

  dispose(): void {
    this.#disposed = true;
  }

  async #drain(): Promise<void> {
    const state = this.#state;
    await state.deps.db.settled()?.catch(() => {});
    const batch = 100;
    let events = state.store.pendingEvents(batch);
    if (events.length > 0) {
      this.#sqs ??= (await state.deps.provider('sqs')) as SqsSender;
      if (!this.#sns && events.some((event) => topicArnPattern.test(event.destination))) {
        const sns = (await state.deps.provider('sns')) as unknown as SnsPublisher;
        await sns.ready();
        this.#sns = sns;
      }
      if (!this.#lambda && events.some((event) => functionArnPattern.test(event.destination))) {
        this.#lambda = await lambdaProvider(state);
      }
      events = state.store.pendingEvents(batch);
    }
    this.#scheduled = false;
    const sqs = this.#sqs;
    if (this.#disposed || !sqs) return;
    for (const event of events) {
      if (functionArnPattern.test(event.destination)) {
        await this.#invoke(event);
        continue;
      }
      const queue = parseQueueArn(event.destination);
      const sns = topicArnPattern.test(event.destination) ? this.#sns : undefined;
      state.deps.db.request(() => {
        state.store.deleteEvent(event.id);
        try {
          if (sns) {
            // "Amazon S3 Notification" is the Subject AWS gives S3's events on SNS.
            state.deps.db.transaction(() =>
              sns.publishFromService(event.destination, event.body, 'Amazon S3 Notification'),
            );
            return;
          }
          if (!queue) return;
          state.deps.db.transaction(() =>
            sqs.sendMessage(serviceContext(queue), {
              QueueUrl: `http://sqs.${queue.region}.localhost/${queue.account}/${queue.name}`,
              MessageBody: event.body,
            }),
          );
        } catch (error) {
          state.logger.warn(`s3: dropped an event for ${event.destination}: ${(error as Error).message}`);
        }
      });
    }
    if (events.length === batch) this.schedule();
  }

  /** A function's event: invoked asynchronously first, forgotten after, so a crash repeats it rather than loses it. */
  async #invoke(event: { id: number; destination: string; body: string }): Promise<void> {
    const state = this.#state;
    try {
      if (!this.#lambda?.invokeEventFromService) throw new Error('Lambda is not available');
      await this.#lambda.invokeEventFromService(event.destination, event.body);
    } catch (error) {
      state.logger.warn(`s3: dropped an event for ${event.destination}: ${(error as Error).message}`);
    }
    state.deps.db.request(() => state.store.deleteEvent(event.id));
  }
}
