/**
 * Fan-out: one published message to each matching subscription of its topic.
 *
 * - SQS: in-process, in the publish's own transaction, so an answered publish has reached its
 *   queues (nothing to lose in a crash, nothing sent twice). A queue that refuses the message
 *   (gone, too small a MaximumMessageSize) sends it to the subscription's dead-letter queue when it
 *   has a RedrivePolicy, as AWS does (https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html).
 * - HTTP(S): a row of the outbox in the same transaction, POSTed once it commits (http-delivery.ts).
 * - Lambda and Firehose: in-process calls to those services once they commit; until Nimbus has
 *   them, the delivery fails (to the DLQ when there is one) and a warning says why.
 * - Email, email-json, SMS and mobile push: kept for inspection (/_nimbus/sns, /_aws/sns/*).
 */
import { hash } from 'node:crypto';
import { AwsError } from '../../errors/aws-error.js';
import type * as T from '../../generated/sns/types.js';
import type { SqsFromServices } from '../sqs/from-services.js';
import { messageFor, type NotificationWriter, type PublishedMessage } from './envelope.js';
import { isPhoneNumberOptedOut } from './sms.js';
import type { SnsState, Subscription, Topic } from './state.js';
import { effectiveSubscriptionDeliveryPolicy } from './topic-attributes.js';

/** The SenderId SQS shows for messages SNS delivers (AWS's SNS service principal id). */
const snsSenderId = 'AIDAIT2UOQQY3AUEKVGXU';

export interface Delivery {
  topic: Topic;
  message: PublishedMessage;
  /** The attributes as published, for raw SQS delivery and filter policies. */
  attributes: T.MessageAttributeMap | undefined;
  writer: NotificationWriter;
  /** The body parsed once for MessageBody-scope filter policies (undefined: not parsed yet; null: not JSON). */
  parsedBody?: unknown;
}

function matches(subscription: Subscription, delivery: Delivery): boolean {
  const filter = subscription.filter;
  if (!filter) return true;
  if (!subscription.filterOnBody) return filter.matchesAttributes(delivery.attributes ?? {});
  // The body is parsed once per publish, not once per subscription.
  if (delivery.parsedBody === undefined) {
    try {
      delivery.parsedBody = JSON.parse(messageFor(delivery.message, 'default'));
    } catch {
      delivery.parsedBody = null;
    }
  }
  return delivery.parsedBody !== null && filter.matchesParsedBody(delivery.parsedBody);
}

function sqsAttributes(attributes: T.MessageAttributeMap | undefined) {
  if (!attributes) return undefined;
  const out: Record<string, { DataType: string; StringValue?: string; BinaryValue?: Uint8Array }> = {};
  for (const [name, value] of Object.entries(attributes)) {
    out[name] =
      value.BinaryValue !== undefined
        ? { DataType: value.DataType, BinaryValue: value.BinaryValue }
        : { DataType: value.DataType, StringValue: value.StringValue as string };
  }
  return out;
}

function deadLetterArn(subscription: Subscription): string | undefined {
  const text = subscription.attributes.RedrivePolicy;
  if (!text) return undefined;
  try {
    const arn = (JSON.parse(text) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
    return typeof arn === 'string' ? arn : undefined;
  } catch {
    return undefined;
  }
}

export class Fanout {
  readonly #state: SnsState;
  #sqs: SqsFromServices | undefined;

  constructor(state: SnsState) {
    this.#state = state;
  }

  /** Loads the services deliveries call; a publish awaits this once, before its first fan-out. */
  async ready(): Promise<void> {
    if (!this.#sqs) this.#sqs = (await this.#state.deps.provider('sqs')) as unknown as SqsFromServices;
  }

  get isReady(): boolean {
    return this.#sqs !== undefined;
  }

  /**
   * The protocols whose confirmed subscriptions to a topic get the signed JSON envelope (not raw,
   * not plain-text email, SMS or mobile push), so that a publish can sign their texts ahead.
   */
  signedProtocols(topicArn: string): Set<string> {
    const protocols = new Set<string>();
    for (const subscription of this.#state.subscriptionsOf(topicArn)) {
      if (subscription.pending || subscription.raw) continue;
      if (
        subscription.protocol === 'email' ||
        subscription.protocol === 'sms' ||
        subscription.protocol === 'application'
      )
        continue;
      protocols.add(subscription.protocol);
    }
    return protocols;
  }

  /** Delivers one message to every confirmed, matching subscription of its topic; returns how many it reached. */
  deliver(delivery: Delivery): number {
    let reached = 0;
    // A standard topic's envelopes to SQS differ only in UnsubscribeURL: they are stored together
    // once the loop has seen them all (sendSharedFromService).
    let envelopes: Subscription[] | undefined;
    for (const subscription of this.#state.subscriptionsOf(delivery.topic.arn)) {
      if (subscription.pending || !matches(subscription, delivery)) continue;
      reached++;
      switch (subscription.protocol) {
        case 'sqs':
          if (!subscription.raw && !delivery.topic.fifo) (envelopes ??= []).push(subscription);
          else this.#toSqs(subscription, delivery);
          break;
        case 'http':
        case 'https':
          this.#toHttp(subscription, delivery);
          break;
        case 'email':
        case 'email-json':
        case 'sms':
        case 'application':
          this.#keep(subscription, delivery);
          break;
        case 'lambda':
          this.#toLambda(subscription, delivery);
          break;
        case 'firehose':
          this.#toFirehose(subscription, delivery);
          break;
        default:
          this.#unavailable(subscription, delivery);
      }
    }
    if (envelopes) this.#envelopesToSqs(envelopes, delivery);
    return reached;
  }

  #envelopesToSqs(subscriptions: Subscription[], delivery: Delivery): void {
    const writer = delivery.writer;
    const [head, tail] = writer.template('sqs');
    const failures = (this.#sqs as SqsFromServices).sendSharedFromService(
      { head, tail },
      subscriptions.map((subscription) => ({ queueArn: subscription.endpoint, part: writer.part(subscription.arn) })),
      snsSenderId,
    );
    failures.forEach((error, index) => {
      if (!error) return;
      const subscription = subscriptions[index] as Subscription;
      this.#failed(subscription, { MessageBody: writer.body('sqs', subscription.arn) }, error);
    });
  }

  #body(subscription: Subscription, delivery: Delivery): string {
    return subscription.raw
      ? messageFor(delivery.message, subscription.protocol)
      : delivery.writer.body(subscription.protocol, subscription.arn);
  }

  #toSqs(subscription: Subscription, delivery: Delivery): void {
    const sqs = this.#sqs as SqsFromServices;
    const { message, topic } = delivery;
    const body = this.#body(subscription, delivery);
    const send: Parameters<SqsFromServices['sendFromService']>[1][number] = { MessageBody: body };
    if (subscription.raw) {
      const attributes = sqsAttributes(delivery.attributes);
      if (attributes) send.MessageAttributes = attributes as never;
    }
    if (message.groupId !== undefined) send.MessageGroupId = message.groupId;
    try {
      if (topic.fifo && sqs.queueKind(subscription.endpoint) === 'fifo') {
        // A FIFO topic passes its deduplication id on; with content-based deduplication it is
        // the SHA-256 of the message (test_message_to_fifo_sqs: a 64-hex MessageDeduplicationId).
        send.MessageDeduplicationId = message.dedupId ?? hash('sha256', messageFor(message, 'sqs'), 'hex');
      } else if (topic.fifo) {
        delete send.MessageGroupId;
      }
      sqs.sendFromService(subscription.endpoint, [send], snsSenderId);
    } catch (error) {
      // A queue refuses a message (AwsError) before it writes anything; any other failure fails the
      // publish, and the rollback of its batch (or its caller's transaction) undoes every delivery.
      if (!(error instanceof AwsError)) throw error;
      this.#failed(subscription, send, error);
    }
  }

  /** A delivery that failed goes to the subscription's DLQ, if it has one. */
  #failed(subscription: Subscription, send: { MessageBody: string }, error: unknown): void {
    const dlq = deadLetterArn(subscription);
    const reason = (error as Error)?.message ?? String(error);
    if (!dlq) {
      this.#state.logger.warn(`sns: dropped a message for ${subscription.arn}: ${reason}`);
      return;
    }
    try {
      (this.#sqs as SqsFromServices).sendFromService(dlq, [send as never], snsSenderId);
    } catch (dlqError) {
      if (!(dlqError instanceof AwsError)) throw dlqError;
      this.#state.logger.warn(
        `sns: dropped a message for ${subscription.arn} (${reason}) and its dead-letter queue ${dlq}: ${(dlqError as Error).message}`,
      );
    }
  }

  #toHttp(subscription: Subscription, delivery: Delivery): void {
    const state = this.#state;
    const policy = effectiveSubscriptionDeliveryPolicy(
      delivery.topic.attributes.DeliveryPolicy,
      subscription.attributes.DeliveryPolicy,
    );
    state.queueOutbox({
      subscription_arn: subscription.arn,
      topic_arn: delivery.topic.arn,
      endpoint: subscription.endpoint,
      message_type: subscription.raw ? 'Raw' : 'Notification',
      message_id: delivery.message.messageId,
      body: this.#body(subscription, delivery),
      content_type: policy.contentType,
    });
  }

  #keep(subscription: Subscription, delivery: Delivery): void {
    const state = this.#state;
    const { message, topic } = delivery;
    if (subscription.protocol === 'sms' && isPhoneNumberOptedOut(state, topic, subscription.endpoint)) return;
    const text = messageFor(message, subscription.protocol);
    const kind = subscription.protocol === 'email-json' ? 'email' : subscription.protocol;
    const record: Record<string, unknown> =
      subscription.protocol === 'email-json'
        ? { ...JSON.parse(delivery.writer.body(subscription.protocol, subscription.arn)), Protocol: 'email-json' }
        : {
            MessageId: message.messageId,
            TopicArn: topic.arn,
            SubscriptionArn: subscription.arn,
            Message: text,
            Subject: message.subject,
            MessageAttributes: message.attributes,
          };
    if (subscription.protocol === 'sms') record.PhoneNumber = subscription.endpoint;
    if (subscription.protocol === 'application') record.TargetArn = subscription.endpoint;
    state.store.record(topic.account, topic.region, kind, subscription.endpoint, record, state.now());
  }

  /**
   * A Lambda subscription gets the event AWS invokes functions with
   * (https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html: Records[0].Sns with SigningCertUrl and
   * UnsubscribeUrl spelled so, Subject null when there is none), queued in the outbox with the publish and
   * invoked asynchronously once it commits (http-delivery.ts), so a crash loses none.
   */
  #toLambda(subscription: Subscription, delivery: Delivery): void {
    const state = this.#state;
    const envelope = JSON.parse(delivery.writer.body('lambda', subscription.arn)) as Record<string, unknown>;
    const event = {
      Records: [
        {
          EventSource: 'aws:sns',
          EventVersion: '1.0',
          EventSubscriptionArn: subscription.arn,
          Sns: {
            Type: envelope.Type,
            MessageId: envelope.MessageId,
            TopicArn: envelope.TopicArn,
            Subject: envelope.Subject ?? null,
            Message: envelope.Message,
            Timestamp: envelope.Timestamp,
            SignatureVersion: envelope.SignatureVersion,
            Signature: envelope.Signature,
            SigningCertUrl: envelope.SigningCertURL,
            UnsubscribeUrl: envelope.UnsubscribeURL,
            MessageAttributes: envelope.MessageAttributes ?? {},
          },
        },
      ],
    };
    state.queueOutbox({
      subscription_arn: subscription.arn,
      topic_arn: delivery.topic.arn,
      endpoint: subscription.endpoint,
      message_type: 'Lambda',
      message_id: delivery.message.messageId,
      body: JSON.stringify(event),
      content_type: 'application/json',
    });
  }

  /**
   * A Firehose subscription's record is the envelope (or, raw, the message), put in-process once the
   * publish commits, through the outbox (https://docs.aws.amazon.com/sns/latest/dg/sns-firehose-as-subscriber.html).
   */
  #toFirehose(subscription: Subscription, delivery: Delivery): void {
    const state = this.#state;
    state.queueOutbox({
      subscription_arn: subscription.arn,
      topic_arn: delivery.topic.arn,
      endpoint: subscription.endpoint,
      message_type: 'Firehose',
      message_id: delivery.message.messageId,
      body: this.#body(subscription, delivery),
      content_type: 'application/json',
    });
  }

  #unavailable(subscription: Subscription, delivery: Delivery): void {
    // Firehose is not in Nimbus yet: the delivery fails as it would to a stream that does not
    // exist, so a RedrivePolicy still catches it.
    this.#failed(
      subscription,
      { MessageBody: this.#body(subscription, delivery) },
      new Error(`Nimbus does not run ${subscription.protocol} yet`),
    );
  }
}
