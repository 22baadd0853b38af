/**
 * Dead-letter queues: the checks on RedrivePolicy and RedriveAllowPolicy, and the move of a
 * message that was received more than maxReceiveCount times.
 *
 * A moved message keeps its MessageId, body, attributes, SentTimestamp and receive count, and
 * gains DeadLetterQueueSourceArn (shared/aws-reference/recorded-responses/services/sqs/
 * test_sqs.snapshot.json: test_dead_letter_queue_message_attributes).
 */
import { invalidParameter } from './errors.js';
import { sequenceNumber } from './sequence-numbers.js';
import type { Queue, SqsState } from './state.js';
import { parseQueueArn } from './state.js';
import type { MessageRow } from './store.js';

function redriveError(text: string, reason: string) {
  return invalidParameter('RedrivePolicy', text, reason);
}

export function checkRedrivePolicy(
  state: SqsState,
  text: string,
  fifo: boolean,
  ctx: { account: string; region: string },
  sourceArn: string,
): void {
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch {
    throw redriveError(text, 'Redrive policy is not a valid JSON map.');
  }
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy)) {
    throw redriveError(text, 'Redrive policy is not a valid JSON map.');
  }
  const { deadLetterTargetArn, maxReceiveCount } = policy as Record<string, unknown>;
  if (deadLetterTargetArn === undefined) {
    throw redriveError(text, 'Redrive policy does not contain mandatory attribute: deadLetterTargetArn.');
  }
  if (maxReceiveCount === undefined) {
    throw redriveError(text, 'Redrive policy does not contain mandatory attribute: maxReceiveCount.');
  }
  const count = Number(maxReceiveCount);
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw redriveError(
      text,
      `Invalid value for maxReceiveCount: ${String(maxReceiveCount)}, valid values are from 1 to 1000 both inclusive.`,
    );
  }
  const arn = typeof deadLetterTargetArn === 'string' ? parseQueueArn(deadLetterTargetArn) : undefined;
  if (!arn) throw redriveError(text, 'Invalid value for deadLetterTargetArn.');
  if (arn.account !== ctx.account || arn.region !== ctx.region) {
    throw redriveError(text, 'Dead-letter target owner must be the same as the source queue owner.');
  }
  const target = state.queueByArn(deadLetterTargetArn as string);
  if (!target) throw redriveError(text, 'Dead letter target does not exist.');
  if (target.fifo !== fifo) {
    throw redriveError(text, 'Dead-letter queue must be the same type of queue as the source queue.');
  }
  if (!redriveAllowed(target.attributes.RedriveAllowPolicy, sourceArn)) {
    // AWS refuses a source its dead-letter queue does not allow; this wording is Nimbus's, no
    // recording of AWS's was found.
    throw redriveError(text, `Queue ${sourceArn} is not allowed to use ${target.arn} as its dead-letter queue.`);
  }
}

/**
 * Whether a dead-letter queue's RedriveAllowPolicy lets `sourceArn` use it: allowAll (and no
 * policy) lets every queue, denyAll none, byQueue those listed.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
 */
function redriveAllowed(policyText: string | undefined, sourceArn: string): boolean {
  if (!policyText) return true;
  try {
    const policy = JSON.parse(policyText) as { redrivePermission?: string; sourceQueueArns?: string[] };
    if (policy.redrivePermission === 'denyAll') return false;
    if (policy.redrivePermission === 'byQueue') return (policy.sourceQueueArns ?? []).includes(sourceArn);
    return true;
  } catch {
    return true;
  }
}

export function checkRedriveAllowPolicy(text: string): void {
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch {
    throw invalidParameter('RedriveAllowPolicy', text, 'Redrive allow policy is not a valid JSON map.');
  }
  const permission = (policy as { redrivePermission?: unknown } | null)?.redrivePermission;
  if (permission !== 'allowAll' && permission !== 'denyAll' && permission !== 'byQueue') {
    throw invalidParameter(
      'RedriveAllowPolicy',
      text,
      'Redrive allow policy must contain redrivePermission with a value of allowAll, denyAll or byQueue.',
    );
  }
  const sources = (policy as { sourceQueueArns?: unknown }).sourceQueueArns;
  if (permission === 'byQueue' && (!Array.isArray(sources) || sources.length === 0 || sources.length > 10)) {
    throw invalidParameter(
      'RedriveAllowPolicy',
      text,
      'Redrive allow policy with redrivePermission byQueue must list from 1 to 10 sourceQueueArns.',
    );
  }
}

/**
 * Moves a message to its queue's dead-letter queue when this receive would exceed
 * maxReceiveCount; returns whether it moved. A missing target leaves the message where it is.
 */
export function moveToDeadLetterQueue(state: SqsState, source: Queue, message: MessageRow): boolean {
  const redrive = source.redrive;
  if (!redrive || message.receive_count < redrive.maxReceiveCount) return false;
  const target = state.queueByArn(redrive.deadLetterTargetArn);
  if (!target) return false;
  const now = state.now();
  const seq = state.store.moveMessage(
    message,
    source.fifo,
    {
      queue_id: target.id,
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
      // A standard queue's message keeps its original enqueue time, a FIFO one's restarts on
      // the move; either way the dead-letter queue's own retention applies
      // (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html).
      expires_at: (target.fifo ? now : message.sent_at) + target.retentionSeconds * 1000,
      group_id: message.group_id,
      dedup_id: message.dedup_id,
      sequence_number: target.fifo ? sequenceNumber(state.store.nextSequence(target.id)) : null,
      source_arn: source.arn,
    },
    target.fifo,
  );
  state.store.carryReceiveState(target.id, seq, message.receive_count, message.first_received_at);
  state.waiters.signal(target.id);
  return true;
}
