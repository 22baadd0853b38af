/**
 * Publish and PublishBatch: AWS's checks on a message, FIFO topics' groups, sequence numbers and
 * deduplication, and the fan-out (delivery.ts), all in the request's transaction.
 * https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 */
import { hash, randomUUID } from 'node:crypto';
import { AwsError } from '../../errors/aws-error.js';
import {
  BatchEntryIdsNotDistinctException,
  BatchRequestTooLongException,
  EmptyBatchRequestException,
  EndpointDisabledException,
  InvalidBatchEntryIdException,
  TooManyEntriesInBatchRequestException,
} from '../../generated/sns/errors.js';
import type { SnsOperations } from '../../generated/sns/operations.js';
import type * as T from '../../generated/sns/types.js';
import type { RequestContext } from '../service-types.js';
import type { Delivery, Fanout } from './delivery.js';
import { NotificationWriter, type PublishedMessage } from './envelope.js';
import { checkArn, invalidParameter, invalidParameterReason } from './errors.js';
import { attributesSize, checkMessageAttributes, envelopeAttributes } from './message-attributes.js';
import { isValidPhoneNumber, platformEndpoint } from './platform.js';
import { isPhoneNumberOptedOut } from './sms.js';
import type { SnsState, Topic } from './state.js';
import { requireTopic } from './topics.js';

/** "The maximum message size is 256 KiB", attributes included (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html). */
const maxMessageBytes = 262_144;
const dedupWindowMs = 5 * 60_000;
const maxBatchEntries = 10;
const batchIdPattern = /^[A-Za-z0-9_-]+$/;

interface MessageInput {
  Message: string;
  Subject?: string;
  MessageStructure?: string;
  MessageAttributes?: T.MessageAttributeMap;
  MessageDeduplicationId?: string;
  MessageGroupId?: string;
}

interface CheckedMessage {
  messages: Record<string, string>;
  subject: string | undefined;
  attributes: T.MessageAttributeMap | undefined;
  groupId: string | undefined;
  dedupId: string | undefined;
}

/** Subject: 1 to 100 printable ASCII characters, no line breaks (test_publish_with_empty_subject). */
function checkSubject(subject: string | undefined): string | undefined {
  if (subject === undefined) return undefined;
  if (subject.length === 0 || subject.length > 100 || !/^[\x20-\x7e]+$/.test(subject)) {
    throw invalidParameter('Subject');
  }
  return subject;
}

/** MessageStructure json: an object of strings with a `default` (test_message_structure_json_exc). */
function structuredMessages(message: string, structure: string | undefined): Record<string, string> {
  if (structure === undefined) return { default: message };
  if (structure !== 'json') throw invalidParameter('MessageStructure');
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw invalidParameter('Message Structure - JSON message body failed to parse');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw invalidParameter('Message Structure - JSON message body failed to parse');
  }
  const messages: Record<string, string> = {};
  for (const [protocol, text] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof text === 'string') messages[protocol] = text;
  }
  if (messages.default === undefined)
    throw invalidParameter('Message Structure - No default entry in JSON message body');
  return messages;
}

function checkMessage(topic: Topic | undefined, input: MessageInput): CheckedMessage {
  if (input.Message === undefined || input.Message === '') throw invalidParameter('Empty message');
  const attributes = checkMessageAttributes(input.MessageAttributes);
  if (Buffer.byteLength(input.Message) + attributesSize(attributes) > maxMessageBytes) {
    throw invalidParameter('Message too long');
  }
  const subject = checkSubject(input.Subject);
  const messages = structuredMessages(input.Message, input.MessageStructure);
  let dedupId = input.MessageDeduplicationId;
  const groupId = input.MessageGroupId;
  if (topic?.fifo) {
    if (groupId === undefined) throw invalidParameter('The MessageGroupId parameter is required for FIFO topics');
    if (dedupId === undefined) {
      if (!topic.contentBasedDeduplication) {
        throw invalidParameter(
          'The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
        );
      }
      dedupId = hash('sha256', input.Message, 'hex');
    }
  } else if (dedupId !== undefined) {
    throw invalidParameterReason(
      'MessageDeduplicationId',
      'The request includes MessageDeduplicationId parameter that is not valid for this topic type',
    );
  }
  return { messages, subject, attributes, groupId, dedupId };
}

/** A FIFO topic's sequence numbers: 20 digits that grow per topic, as SQS's do. */
function sequenceNumber(next: number): string {
  return `1${String(next).padStart(19, '0')}`;
}

export function publishOperations(state: SnsState, fanout: Fanout) {
  type Published = { MessageId: string; SequenceNumber?: string };
  /** Publishes whose envelopes are being signed on the thread pool now, and publishes of this turn. */
  let signingAhead = 0;
  let publishesThisTurn = 0;

  /**
   * Makes one checked message ready to deliver: a FIFO topic's duplicate is answered with the first
   * message's id (no delivery); otherwise its id, time and sequence number (written in the
   * request's transaction, with the deduplication id).
   */
  function prepare(
    ctx: RequestContext,
    topic: Topic,
    checked: CheckedMessage,
  ): { out: Published; delivery?: Delivery } {
    const now = state.now();
    if (topic.fifo && checked.dedupId !== undefined) {
      const seen = state.store.dedup(topic.id, checked.dedupId, now);
      if (seen) {
        const out: Published = { MessageId: seen.message_id };
        if (seen.sequence_number) out.SequenceNumber = seen.sequence_number;
        return { out };
      }
    }
    const message: PublishedMessage = {
      messageId: randomUUID(),
      messages: checked.messages,
      subject: checked.subject,
      timestamp: new Date(now).toISOString(),
      attributes: envelopeAttributes(checked.attributes),
      sequenceNumber: topic.fifo ? sequenceNumber(state.store.nextSequence(topic.id)) : undefined,
      groupId: checked.groupId,
      dedupId: checked.dedupId,
    };
    if (topic.fifo && checked.dedupId !== undefined) {
      state.store.rememberDedup(
        topic.id,
        checked.dedupId,
        message.messageId,
        message.sequenceNumber ?? null,
        now + dedupWindowMs,
      );
    }
    const out: Published = { MessageId: message.messageId };
    if (message.sequenceNumber) out.SequenceNumber = message.sequenceNumber;
    const writer = new NotificationWriter(state, state.baseUrl(ctx), topic, message);
    return { out, delivery: { topic, message, attributes: checked.attributes, writer } };
  }

  /**
   * Publishes checked messages to a topic and answers with their ids. A standard topic's envelopes
   * are signed first, off the event loop (an RSA signature is most of a publish's own CPU); the
   * deliveries then run as a request of their own, committed before the answer as every write is.
   * A FIFO topic signs nothing and delivers at once, in order.
   */
  function publishToTopic(
    ctx: RequestContext,
    topic: Topic,
    checked: CheckedMessage[],
  ): Published[] | Promise<Published[]> {
    const prepared = checked.map((message) => prepare(ctx, topic, message));
    const deliveries = prepared.flatMap((p) => (p.delivery ? [p.delivery] : []));
    const protocols = fanout.signedProtocols(topic.arn);
    // Alone (the only publish of this turn, none signing elsewhere), signing here (0.1 ms) answers
    // sooner than a trip through the thread pool and a second commit; under load the thread pool
    // keeps the event loop free.
    if (++publishesThisTurn === 1) setImmediate(() => (publishesThisTurn = 0));
    const alone = publishesThisTurn === 1 && signingAhead === 0;
    if (topic.fifo || protocols.size === 0 || deliveries.length === 0 || alone) {
      for (const delivery of deliveries) fanout.deliver(delivery);
      return prepared.map((p) => p.out);
    }
    signingAhead++;
    return Promise.all(deliveries.map((delivery) => delivery.writer.prepare(protocols)))
      .finally(() => {
        signingAhead--;
      })
      .then(() =>
        // No savepoint: a delivery catches its queue's refusal (an AwsError, before any write), and
        // anything else rolls back the whole batch (a savepoint here journalled each page the
        // fan-out touched once more).
        state.deps.db.unguarded(() => {
          for (const delivery of deliveries) fanout.deliver(delivery);
          return prepared.map((p) => p.out);
        }, isAwsError),
      );
  }

  /** Publish to a mobile endpoint (TargetArn) or a phone number: kept for inspection. */
  function publishDirect(ctx: RequestContext, input: T.PublishInput): T.PublishResponse {
    const checked = checkMessage(undefined, input);
    const messageId = randomUUID();
    const record = {
      MessageId: messageId,
      Message: input.Message,
      MessageAttributes: input.MessageAttributes ? envelopeAttributes(checked.attributes) : undefined,
      MessageStructure: input.MessageStructure,
      Subject: input.Subject,
    };
    if (input.TargetArn !== undefined) {
      const endpoint = platformEndpoint(state, input.TargetArn);
      if (!endpoint) throw invalidParameterReason('TargetArn', 'No endpoint found for the target arn specified');
      if (!endpoint.enabled) throw new EndpointDisabledException('Endpoint is disabled');
      const text = checked.messages[endpointPlatform(input.TargetArn)] ?? (checked.messages.default as string);
      state.store.record(
        endpoint.account,
        endpoint.region,
        'application',
        endpoint.arn,
        { ...record, Message: text, TargetArn: endpoint.arn },
        state.now(),
      );
    } else {
      const phone = input.PhoneNumber as string;
      if (!isValidPhoneNumber(phone))
        throw invalidParameterReason('PhoneNumber', `${phone} is not valid to publish to`);
      const text = checked.messages.sms ?? (checked.messages.default as string);
      // A number that opted out (replied STOP) is not sent to; Publish still succeeds.
      if (isPhoneNumberOptedOut(state, ctx, phone)) return { MessageId: messageId };
      state.store.record(
        ctx.account,
        ctx.region,
        'sms',
        phone,
        { ...record, Message: text, PhoneNumber: phone },
        state.now(),
      );
    }
    return { MessageId: messageId };
  }

  return {
    publish(ctx, input) {
      // The first publish loads SQS; its work then runs as a request of its own.
      if (!fanout.isReady) return fanout.ready().then(() => state.deps.db.request(() => publish(ctx, input)));
      return publish(ctx, input);
    },

    publishBatch(ctx, input) {
      if (!fanout.isReady) return fanout.ready().then(() => state.deps.db.request(() => publishBatch(ctx, input)));
      return publishBatch(ctx, input);
    },
  } satisfies Partial<SnsOperations<RequestContext>>;

  function publish(ctx: RequestContext, input: T.PublishInput): T.PublishResponse | Promise<T.PublishResponse> {
    if (input.TopicArn === undefined && input.TargetArn === undefined && input.PhoneNumber === undefined) {
      throw invalidParameterReason('TopicArn or TargetArn', 'no value for required parameter');
    }
    const topicArn = input.TopicArn ?? (input.TargetArn && isTopicArn(input.TargetArn) ? input.TargetArn : undefined);
    if (topicArn === undefined) {
      if (input.TargetArn !== undefined) checkArn('TargetArn', input.TargetArn, ctx.region);
      return publishDirect(ctx, input);
    }
    const topic = requireTopic(state, ctx, topicArn, input.TopicArn !== undefined ? 'TopicArn' : 'TargetArn');
    const published = publishToTopic(ctx, topic, [checkMessage(topic, input)]);
    return published instanceof Promise ? published.then((list) => list[0] as Published) : (published[0] as Published);
  }

  function publishBatch(
    ctx: RequestContext,
    input: T.PublishBatchInput,
  ): T.PublishBatchResponse | Promise<T.PublishBatchResponse> {
    const topic = requireTopic(state, ctx, input.TopicArn);
    const entries = input.PublishBatchRequestEntries ?? [];
    if (entries.length === 0) throw new EmptyBatchRequestException("The batch request doesn't contain any entries.");
    if (entries.length > maxBatchEntries) {
      throw new TooManyEntriesInBatchRequestException('The batch request contains more entries than permissible.');
    }
    const ids = new Set<string>();
    let total = 0;
    for (const entry of entries) {
      // test_publish_batch_invalid_entry_id.
      if (entry.Id.length > 80) {
        throw new InvalidBatchEntryIdException(`The Id of a batch entry in the batch request is too long: ${entry.Id}`);
      }
      if (!batchIdPattern.test(entry.Id)) {
        throw new InvalidBatchEntryIdException(
          `The Id of a batch entry in the batch request contains an impermissible character: ${entry.Id}`,
        );
      }
      if (ids.has(entry.Id)) {
        throw new BatchEntryIdsNotDistinctException('Two or more batch entries in the request have the same Id.');
      }
      ids.add(entry.Id);
      total += Buffer.byteLength(entry.Message ?? '') + attributesSize(entry.MessageAttributes);
    }
    if (total > maxMessageBytes) {
      throw new BatchRequestTooLongException('The length of all the messages put together is more than the limit.');
    }
    const answer = (list: Published[]): T.PublishBatchResponse => ({
      Successful: entries.map((entry, index) => ({ Id: entry.Id, ...(list[index] as Published) })),
      Failed: [],
    });
    const published = publishToTopic(
      ctx,
      topic,
      entries.map((entry) => checkMessage(topic, entry)),
    );
    return published instanceof Promise ? published.then(answer) : answer(published);
  }
}

function isAwsError(error: unknown): boolean {
  return error instanceof AwsError;
}

function isTopicArn(arn: string): boolean {
  const resource = arn.split(':').slice(5).join(':');
  return resource !== '' && !resource.includes('/');
}

/** The platform of an endpoint ARN (`...:endpoint/GCM/app/id` -> `GCM`), for MessageStructure json. */
function endpointPlatform(arn: string): string {
  return arn.split(':').slice(5).join(':').split('/')[1] ?? '';
}
