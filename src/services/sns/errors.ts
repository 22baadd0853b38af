/**
 * SNS's errors in AWS's words. The texts are what real AWS answered, from
 * shared/aws-reference/recorded-responses/services/sns/test_sns.snapshot.json unless a line says
 * otherwise.
 */
import { InvalidParameterException, NotFoundException } from '../../generated/sns/errors.js';

/** `Invalid parameter: <what>` (test_create_topic_name_constraints: "Invalid parameter: Topic Name"). */
export function invalidParameter(what: string): InvalidParameterException {
  return new InvalidParameterException(`Invalid parameter: ${what}`);
}

/** `Invalid parameter: <member> Reason: <reason>` */
export function invalidParameterReason(member: string, reason: string): InvalidParameterException {
  return new InvalidParameterException(`Invalid parameter: ${member} Reason: ${reason}`);
}

export function topicNotFound(): NotFoundException {
  return new NotFoundException('Topic does not exist');
}

export function subscriptionNotFound(): NotFoundException {
  return new NotFoundException('Subscription does not exist');
}

/**
 * An ARN a request names, checked as SNS checks it: fewer than six `:`-separated parts is
 * "An ARN must have at least 6 elements, not N" (test_publish_wrong_arn_format,
 * test_unsubscribe_from_deleted_topic); a topic of another region is "Invalid parameter:
 * TopicArn" (test_cross_region_access).
 */
export function checkArn(
  member: string,
  arn: string,
  region?: string,
): { region: string; account: string; resource: string } {
  const parts = arn.split(':');
  if (parts.length < 6) {
    throw invalidParameterReason(member, `An ARN must have at least 6 elements, not ${parts.length}`);
  }
  const [prefix, , service, arnRegion, account] = parts as [string, string, string, string, string];
  if (prefix !== 'arn' || service !== 'sns' || !/^\d{12}$/.test(account)) throw invalidParameter(member);
  if (region !== undefined && arnRegion !== region) throw invalidParameter(member);
  return { region: arnRegion, account, resource: parts.slice(5).join(':') };
}
