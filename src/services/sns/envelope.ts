/**
 * The JSON documents SNS sends: notifications and (un)subscription confirmations, with their
 * fields in AWS's order and their signatures.
 * https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html
 *
 * FIFO topics' notifications carry SequenceNumber and no signature fields
 * (test_message_to_fifo_sqs: Type, MessageId, SequenceNumber, TopicArn, Message, Timestamp,
 * UnsubscribeURL).
 */
import { randomUUID } from 'node:crypto';
import type { SnsState, Topic } from './state.js';

/**
 * Where a subscription's ARN goes in a document written once for all subscriptions: random per
 * process, so that no message or attribute can contain it, and ASCII, so that a document of ASCII
 * text stays a one-byte string (a two-byte one costs its SQS check, digest and insert twice as much).
 */
const arnMark = `~arn-${randomUUID()}~`;

/** A published message as every delivery of it sees it. */
export interface PublishedMessage {
  messageId: string;
  /** The text for each protocol (MessageStructure json gives one per protocol; `default` otherwise). */
  messages: Record<string, string>;
  subject: string | undefined;
  timestamp: string;
  /** Attributes as the envelope writes them: `{ Type, Value }` (Binary as base64). */
  attributes: Record<string, { Type: string; Value: string }> | undefined;
  sequenceNumber: string | undefined;
  groupId: string | undefined;
  dedupId: string | undefined;
}

/** The message for a protocol: its own entry of a json structure, else the default. */
export function messageFor(message: PublishedMessage, protocol: string): string {
  return message.messages[protocol] ?? (message.messages.default as string);
}

/**
 * Builds notification bodies for a publish: the signature covers the same fields for every
 * subscription of one protocol's text, so it is computed once per distinct text.
 */
export class NotificationWriter {
  readonly #state: SnsState;
  readonly #base: string;
  readonly #topic: Topic;
  readonly #message: PublishedMessage;
  readonly #signatures = new Map<string, string>();
  /** Each text's document, split where the subscription ARN goes. */
  readonly #templates = new Map<string, [string, string]>();

  constructor(state: SnsState, base: string, topic: Topic, message: PublishedMessage) {
    this.#state = state;
    this.#base = base;
    this.#topic = topic;
    this.#message = message;
  }

  /**
   * The notification JSON for one subscription. Only UnsubscribeURL differs between the
   * subscriptions of one text, so the document is written once per text and each body is that text
   * around the subscription's ARN.
   */
  body(protocol: string, subscriptionArn: string): string {
    const parts = this.template(protocol);
    return parts[0] + this.part(subscriptionArn) + parts[1];
  }

  /** A protocol's document before and after where a subscription's ARN goes (see `part`). */
  template(protocol: string): [string, string] {
    const text = messageFor(this.#message, protocol);
    let parts = this.#templates.get(text);
    if (!parts) {
      const json = this.#document(text, arnMark);
      const at = json.indexOf(arnMark);
      parts = [json.slice(0, at), json.slice(at + arnMark.length)];
      this.#templates.set(text, parts);
    }
    return parts;
  }

  /** A subscription's ARN as its document holds it (in a JSON string). */
  part(subscriptionArn: string): string {
    return JSON.stringify(subscriptionArn).slice(1, -1);
  }

  #document(text: string, subscriptionArn: string): string {
    const message = this.#message;
    const topic = this.#topic;
    const unsubscribe = `${this.#base}/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`;
    const envelope: Record<string, unknown> = { Type: 'Notification', MessageId: message.messageId };
    if (topic.fifo) {
      envelope.SequenceNumber = message.sequenceNumber;
      envelope.TopicArn = topic.arn;
      if (message.subject !== undefined) envelope.Subject = message.subject;
      envelope.Message = text;
      envelope.Timestamp = message.timestamp;
      envelope.UnsubscribeURL = unsubscribe;
    } else {
      envelope.TopicArn = topic.arn;
      if (message.subject !== undefined) envelope.Subject = message.subject;
      envelope.Message = text;
      envelope.Timestamp = message.timestamp;
      envelope.SignatureVersion = topic.signatureVersion;
      envelope.Signature = this.#signature(text);
      envelope.SigningCertURL = `${this.#base}/_nimbus/sns/${this.#state.signer.certificateName()}`;
      envelope.UnsubscribeURL = unsubscribe;
    }
    if (message.attributes) envelope.MessageAttributes = message.attributes;
    return JSON.stringify(envelope);
  }

  /** Signs ahead, off the event loop, the texts that these protocols' envelopes will carry. */
  async prepare(protocols: ReadonlySet<string>): Promise<void> {
    const texts = new Set<string>();
    for (const protocol of protocols) texts.add(messageFor(this.#message, protocol));
    await Promise.all(
      [...texts].map(async (text) => {
        if (!this.#signatures.has(text)) {
          this.#signatures.set(
            text,
            await this.#state.signer.signAsync(this.#fields(text), this.#topic.signatureVersion),
          );
        }
      }),
    );
  }

  #fields(text: string): Array<readonly [string, string | undefined]> {
    const message = this.#message;
    return [
      ['Message', text],
      ['MessageId', message.messageId],
      ['Subject', message.subject],
      ['Timestamp', message.timestamp],
      ['TopicArn', this.#topic.arn],
      ['Type', 'Notification'],
    ];
  }

  #signature(text: string): string {
    let signature = this.#signatures.get(text);
    if (signature === undefined) {
      signature = this.#state.signer.sign(this.#fields(text), this.#topic.signatureVersion);
      this.#signatures.set(text, signature);
    }
    return signature;
  }
}

/**
 * A SubscriptionConfirmation or UnsubscribeConfirmation, in AWS's words
 * (test_subscribe_external_http_endpoint: "You have chosen to subscribe to the topic <arn>.\nTo
 * confirm the subscription, visit the SubscribeURL included in this message.").
 */
export function confirmationMessage(
  state: SnsState,
  base: string,
  topic: Topic,
  what: { type: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation'; token: string; subscriptionArn: string },
): Record<string, string> {
  const messageId = randomUUID();
  const text =
    what.type === 'SubscriptionConfirmation'
      ? `You have chosen to subscribe to the topic ${topic.arn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`
      : `You have chosen to deactivate subscription ${what.subscriptionArn}.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.`;
  const subscribeUrl = `${base}/?Action=ConfirmSubscription&TopicArn=${topic.arn}&Token=${what.token}`;
  const timestamp = new Date(state.now()).toISOString();
  const signature = state.signer.sign(
    [
      ['Message', text],
      ['MessageId', messageId],
      ['SubscribeURL', subscribeUrl],
      ['Timestamp', timestamp],
      ['Token', what.token],
      ['TopicArn', topic.arn],
      ['Type', what.type],
    ],
    topic.signatureVersion,
  );
  return {
    Type: what.type,
    MessageId: messageId,
    Token: what.token,
    TopicArn: topic.arn,
    Message: text,
    SubscribeURL: subscribeUrl,
    Timestamp: timestamp,
    SignatureVersion: topic.signatureVersion,
    Signature: signature,
    SigningCertURL: `${base}/_nimbus/sns/${state.signer.certificateName()}`,
  };
}
