/**
 * HTTP(S) deliveries: real POSTs to subscribers' endpoints, from the outbox (store.ts) once the
 * publish or subscribe that wrote them has committed. A 2xx answer ends a delivery; anything else
 * (or no answer within 15 s) is retried by the subscription's effective delivery policy, on the
 * Nimbus clock, so a test can move time on instead of waiting 20 s a retry; after the last retry the
 * message goes to the subscription's dead-letter queue if it has one.
 * https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html
 * Headers are AWS's (test_subscribe_external_http_endpoint: x-amz-sns-message-type, -message-id,
 * -topic-arn, -subscription-arn, x-amz-sns-rawdelivery, "Amazon Simple Notification Service Agent").
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ClockTimer } from '../../core/clock.js';
import type { SqsFromServices } from '../sqs/from-services.js';

/** What SNS needs of Firehose (src/services/firehose/from-services.ts). */
interface FirehoseFromServices {
  putRecordFromService(streamArn: string, data: Buffer): boolean;
}

/** What SNS needs of Lambda (src/services/lambda/from-services.ts). */
interface LambdaFromServices {
  invokeEventFromService(functionArn: string, payload: string): Promise<void>;
}

import type { SnsState } from './state.js';
import type { OutboxRow } from './store.js';
import { effectiveSubscriptionDeliveryPolicy, type HealthyRetryPolicy } from './topic-attributes.js';

const requestTimeoutMs = 15_000;
const pageSize = 50;

/** The delay before retry `attempt` (1-based) under AWS's retry phases; seconds. */
export function retryDelaySeconds(policy: HealthyRetryPolicy, attempt: number): number {
  const { numNoDelayRetries, numMinDelayRetries, numMaxDelayRetries, numRetries, minDelayTarget, maxDelayTarget } =
    policy;
  if (attempt <= numNoDelayRetries) return 0;
  if (attempt <= numNoDelayRetries + numMinDelayRetries) return minDelayTarget;
  const backoffRetries = Math.max(0, numRetries - numNoDelayRetries - numMinDelayRetries - numMaxDelayRetries);
  const step = attempt - numNoDelayRetries - numMinDelayRetries;
  if (step > backoffRetries) return maxDelayTarget;
  if (backoffRetries <= 1) return minDelayTarget;
  const fraction = (step - 1) / (backoffRetries - 1);
  const shaped =
    policy.backoffFunction === 'exponential'
      ? fraction ** 2
      : policy.backoffFunction === 'geometric' || policy.backoffFunction === 'arithmetic'
        ? fraction ** 1.5
        : fraction;
  return Math.round(minDelayTarget + (maxDelayTarget - minDelayTarget) * shaped);
}

function post(row: OutboxRow): Promise<number> {
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(row.endpoint);
    } catch {
      resolve(0);
      return;
    }
    const headers: Record<string, string | number> = {
      'content-type': row.content_type,
      'content-length': Buffer.byteLength(row.body),
      'user-agent': 'Amazon Simple Notification Service Agent',
      'accept-encoding': 'gzip,deflate',
      'x-amz-sns-message-type': row.message_type === 'Raw' ? 'Notification' : row.message_type,
      'x-amz-sns-message-id': row.message_id,
      'x-amz-sns-topic-arn': row.topic_arn,
    };
    if (row.message_type !== 'SubscriptionConfirmation') headers['x-amz-sns-subscription-arn'] = row.subscription_arn;
    if (row.message_type === 'Raw') headers['x-amz-sns-rawdelivery'] = 'true';
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: 'POST', headers, timeout: requestTimeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end(row.body);
  });
}

export class HttpDelivery {
  readonly #state: SnsState;
  #scheduled = false;
  #running = false;
  #disposed = false;
  #timer: ClockTimer | undefined;

  constructor(state: SnsState) {
    this.#state = state;
  }

  /** Drains what is due once the current batch commits. */
  schedule(): void {
    if (this.#scheduled || this.#disposed) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#drain().catch((error: unknown) => this.#state.logger.warn(`sns: http delivery failed: ${error}`));
    });
  }

  dispose(): void {
    this.#disposed = true;
    this.#timer?.cancel();
  }

  async #drain(): Promise<void> {
    const state = this.#state;
    await state.deps.db.settled()?.catch(() => {});
    this.#scheduled = false;
    if (this.#running || this.#disposed) return;
    this.#running = true;
    try {
      for (;;) {
        const rows = state.store.dueHttp(state.now(), pageSize);
        if (rows.length === 0) break;
        await Promise.all(rows.map((row) => this.#deliver(row)));
        if (this.#disposed) return;
      }
    } finally {
      this.#running = false;
    }
    this.#arm();
  }

  /** Wakes at the next retry's due time on the Nimbus clock. */
  #arm(): void {
    if (this.#disposed) return;
    const next = this.#state.store.nextHttpDue();
    this.#timer?.cancel();
    this.#timer = next === undefined ? undefined : this.#state.clock.schedule(next, () => this.schedule());
  }

  /** Invokes a Lambda subscription's function asynchronously; 202 when Lambda took it, 404 when there is none. */
  async #invoke(row: OutboxRow): Promise<number> {
    let lambda: LambdaFromServices | undefined;
    try {
      lambda = (await this.#state.deps.provider('lambda')) as unknown as LambdaFromServices;
    } catch {
      return 404;
    }
    if (typeof lambda.invokeEventFromService !== 'function') return 404;
    try {
      await lambda.invokeEventFromService(row.endpoint, row.body);
      return 202;
    } catch (error) {
      this.#state.logger.warn(`sns: lambda ${row.endpoint} refused ${row.message_id}: ${(error as Error).message}`);
      return (error as { status?: number }).status ?? 500;
    }
  }

  /** Puts a Firehose subscription's record; 200 when the stream took it, 404 when there is none. */
  async #putRecord(row: OutboxRow): Promise<number> {
    let firehose: FirehoseFromServices | undefined;
    try {
      firehose = (await this.#state.deps.provider('firehose')) as unknown as FirehoseFromServices;
    } catch {
      return 404;
    }
    const put = this.#state.deps.db.transaction(() =>
      firehose.putRecordFromService(row.endpoint, Buffer.from(row.body, 'utf8')),
    );
    return put ? 200 : 404;
  }

  async #deliver(row: OutboxRow): Promise<void> {
    const state = this.#state;
    const status =
      row.message_type === 'Lambda'
        ? await this.#invoke(row)
        : row.message_type === 'Firehose'
          ? await this.#putRecord(row)
          : await post(row);
    if (this.#disposed) return;
    const db = state.deps.db;
    if (status >= 200 && status < 300) {
      db.transaction(() => state.store.deleteHttp(row.id));
      return;
    }
    const subscriptionRow = state.store.subscription(row.subscription_arn);
    const subscription = subscriptionRow ? state.parseSubscription(subscriptionRow) : undefined;
    const topic = state.topic(row.topic_arn);
    const policy = effectiveSubscriptionDeliveryPolicy(
      topic?.attributes.DeliveryPolicy,
      subscription?.attributes.DeliveryPolicy,
    ).healthyRetryPolicy;
    let attempt = row.attempt + 1;
    // A function or delivery stream that does not exist will not appear by retrying.
    if ((row.message_type === 'Lambda' || row.message_type === 'Firehose') && status === 404) {
      attempt = Number.POSITIVE_INFINITY;
    }
    // Confirmations are not retried past the policy either; a subscription that is gone stops its retries.
    if (!subscription && row.message_type !== 'UnsubscribeConfirmation') {
      db.transaction(() => state.store.deleteHttp(row.id));
      return;
    }
    if (attempt > policy.numRetries) {
      db.transaction(() => state.store.deleteHttp(row.id));
      state.logger.warn(
        `sns: gave up delivering ${row.message_id} to ${row.endpoint} after ${row.attempt + 1} attempts`,
      );
      if (subscription && row.message_type !== 'SubscriptionConfirmation')
        await this.#deadLetter(row, subscription.attributes.RedrivePolicy);
      return;
    }
    const delay = retryDelaySeconds(policy, attempt);
    db.transaction(() => state.store.retryHttp(row.id, attempt, state.now() + delay * 1000));
  }

  async #deadLetter(row: OutboxRow, redrivePolicy: string | undefined): Promise<void> {
    const body = row.message_type === 'Lambda' ? envelopeOfLambdaEvent(row.body) : row.body;
    if (!redrivePolicy) return;
    let arn: unknown;
    try {
      arn = (JSON.parse(redrivePolicy) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
    } catch {
      return;
    }
    if (typeof arn !== 'string') return;
    const sqs = (await this.#state.deps.provider('sqs')) as unknown as SqsFromServices;
    try {
      this.#state.deps.db.transaction(() =>
        sqs.sendFromService(arn as string, [{ MessageBody: body }], 'AIDAIT2UOQQY3AUEKVGXU'),
      );
    } catch (error) {
      this.#state.logger.warn(`sns: dead-letter queue ${arn} refused ${row.message_id}: ${(error as Error).message}`);
    }
  }
}

/**
 * A dead-letter queue gets the notification envelope, not the Lambda event built from it
 * (test_redrive_policy_lambda_subscription: Type, MessageId, TopicArn, Message, ..., SigningCertURL).
 */
function envelopeOfLambdaEvent(body: string): string {
  const sns = (JSON.parse(body) as { Records: Array<{ Sns: Record<string, unknown> }> }).Records[0]?.Sns ?? {};
  const envelope: Record<string, unknown> = { Type: sns.Type, MessageId: sns.MessageId, TopicArn: sns.TopicArn };
  if (sns.Subject !== null && sns.Subject !== undefined) envelope.Subject = sns.Subject;
  envelope.Message = sns.Message;
  envelope.Timestamp = sns.Timestamp;
  envelope.SignatureVersion = sns.SignatureVersion;
  envelope.Signature = sns.Signature;
  envelope.SigningCertURL = sns.SigningCertUrl;
  envelope.UnsubscribeURL = sns.UnsubscribeUrl;
  const attributes = sns.MessageAttributes as Record<string, unknown> | undefined;
  if (attributes && Object.keys(attributes).length > 0) envelope.MessageAttributes = attributes;
  return JSON.stringify(envelope);
}
