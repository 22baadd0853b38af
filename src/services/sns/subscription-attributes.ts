/**
 * Subscription attributes: the settable ones and their checks. A check returns AWS's reason
 * ("RawMessageDelivery: Invalid value [x]. Must be true or false."), which SetSubscriptionAttributes
 * answers as "Invalid parameter: <reason>" and Subscribe as "Invalid parameter: Attributes Reason:
 * <reason>" (test_validate_set_sub_attributes, test_create_subscriptions_with_attributes).
 * https://docs.aws.amazon.com/sns/latest/api/API_SetSubscriptionAttributes.html
 */
import { compileFilterPolicy, FilterPolicyError, readTree } from '../../core/filter-policy/index.js';
import { parseQueueArn } from '../sqs/state.js';

const settable = new Set([
  'DeliveryPolicy',
  'FilterPolicy',
  'FilterPolicyScope',
  'RawMessageDelivery',
  'RedrivePolicy',
  'SubscriptionRoleArn',
  'ReplayPolicy',
]);

export class AttributeProblem extends Error {}

/**
 * Parses a JSON attribute as SNS does, with Jackson's own text for a mistake
 * (test_validate_set_sub_attributes: "RedrivePolicy: failed to parse JSON. Unexpected character
 * ('i' (code 105)): was expecting double-quote to start field name\n at [Source: ...]").
 */
function parseJson(name: string, value: string): unknown {
  try {
    readTree(value);
  } catch (error: unknown) {
    throw new AttributeProblem(`${name}: failed to parse JSON. ${(error as Error).message}`);
  }
  return JSON.parse(value);
}

export function isSettableSubscriptionAttribute(name: string): boolean {
  return settable.has(name);
}

/**
 * Checks one attribute in the context of the whole set (FilterPolicy needs its scope) and returns
 * the value to keep. Throws AttributeProblem with AWS's reason.
 */
export function checkSubscriptionAttribute(
  name: string,
  value: string,
  all: Record<string, string>,
  context: { fifoTopic: boolean; protocol: string },
): string {
  switch (name) {
    case 'RawMessageDelivery': {
      const lower = value.toLowerCase();
      if (lower !== 'true' && lower !== 'false') {
        throw new AttributeProblem(`RawMessageDelivery: Invalid value [${value}]. Must be true or false.`);
      }
      return lower;
    }
    case 'FilterPolicyScope':
      if (value !== 'MessageAttributes' && value !== 'MessageBody') {
        throw new AttributeProblem(
          `FilterPolicyScope: Invalid value [${value}]. Please use either MessageBody or MessageAttributes`,
        );
      }
      return value;
    case 'FilterPolicy': {
      if (value === '') return value;
      const scope = all.FilterPolicyScope === 'MessageBody' ? 'MessageBody' : 'MessageAttributes';
      try {
        compileFilterPolicy(value, scope);
      } catch (error: unknown) {
        if (error instanceof FilterPolicyError) throw new AttributeProblem(error.reason);
        throw error;
      }
      return value;
    }
    case 'RedrivePolicy': {
      if (value === '') return value;
      const policy = parseJson('RedrivePolicy', value) as { deadLetterTargetArn?: unknown } | null;
      const arn = typeof policy?.deadLetterTargetArn === 'string' ? policy.deadLetterTargetArn : '';
      const queue = parseQueueArn(arn);
      if (!queue) throw new AttributeProblem('RedrivePolicy: deadLetterTargetArn is an invalid arn');
      // test_validations_for_fifo: "regular-queue-for-dlq-of-fifo-topic".
      if (context.fifoTopic && context.protocol === 'sqs' && !queue.name.endsWith('.fifo')) {
        throw new AttributeProblem(
          'RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.',
        );
      }
      return value;
    }
    case 'DeliveryPolicy': {
      if (value === '') return value;
      parseJson('DeliveryPolicy', value);
      return value;
    }
    default:
      return value;
  }
}

/**
 * Checks a whole attribute map of a Subscribe. Unknown names are "Attributes Reason: Unknown
 * attribute"? AWS answers "Invalid parameter: Attributes Reason: Unknown attribute: <name>" to
 * names it does not know; this is inferred from SetSubscriptionAttributes' "AttributeName" check.
 */
export function checkSubscribeAttributes(
  given: Record<string, string>,
  context: { fifoTopic: boolean; protocol: string },
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    if (!settable.has(name)) throw new AttributeProblem(`Unknown attribute: ${name}`);
    out[name] = checkSubscriptionAttribute(name, value, given, context);
  }
  return out;
}
