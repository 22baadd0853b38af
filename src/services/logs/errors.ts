/**
 * CloudWatch Logs's errors in AWS's words. The classes are the generated ones; the texts are what
 * real AWS answered, from shared/aws-reference/recorded-responses/services/logs/*.snapshot.json,
 * unless a line names other evidence. Lines marked "guessed" have none: the code is the modelled
 * one, the words ours.
 */
import {
  InvalidParameterException,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  TooManyTagsException,
  ValidationException,
} from '../../generated/logs/errors.js';

/** test_logs_events `test_resource_does_not_exist`. */
export function groupNotFound(): ResourceNotFoundException {
  return new ResourceNotFoundException('The specified log group does not exist.');
}

/** test_logs_events `test_resource_does_not_exist`, `test_put_log_events_to_invalid_stream`. */
export function streamNotFound(): ResourceNotFoundException {
  return new ResourceNotFoundException('The specified log stream does not exist.');
}

/**
 * A group or stream name over 512 characters (test_logs_groups `test_create_log_group_invalid_name_length`:
 * InvalidParameterException, not the model's length validation; scripts/model-patches/logs.json lifts the
 * model's limit so that this check is the one that answers).
 */
export function checkNameLength(name: string): void {
  if (name.length > 512) {
    throw new InvalidParameterException(
      'Invalid LogGroup or LogStream, both must have length less than or equal to 512.',
    );
  }
}

/** test_logs_groups `test_create_log_group_duplicate_error` (no full stop, as recorded). */
export function groupExists(): ResourceAlreadyExistsException {
  return new ResourceAlreadyExistsException('The specified log group already exists');
}

/** test_logs_streams `test_create_log_stream_duplicate_error`. */
export function streamExists(): ResourceAlreadyExistsException {
  return new ResourceAlreadyExistsException('The specified log stream already exists');
}

/** test_logs_events `test_get_log_events_invalid_token`, test_logs_filter_events `test_filter_log_events_unknown_token`. */
export function invalidToken(): InvalidParameterException {
  return new InvalidParameterException('The specified nextToken is invalid.');
}

/** test_logs_groups `test_describe_log_groups_prefix_and_pattern_error`. */
export function prefixAndPattern(): InvalidParameterException {
  return new InvalidParameterException(
    'LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.',
  );
}

/** test_logs_streams `test_describe_log_streams_with_log_group_identifier`: a ValidationException, as recorded. */
export function nameAndIdentifier(): ValidationException {
  return new ValidationException('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
}

/** Guessed: AWS documents that one of the two is required, not its words. */
export function neitherNameNorIdentifier(): InvalidParameterException {
  return new InvalidParameterException('Either logGroupName or logGroupIdentifier must be specified.');
}

/** test_logs_events `test_put_log_events_wrong_order`. */
export function notChronological(): InvalidParameterException {
  return new InvalidParameterException('Log events in a single PutLogEvents request must be in chronological order.');
}

/** Quoted from AWS by aws-greengrass/aws-greengrass-log-manager issue #59 (and maxbanton/cwh #96). */
export function spansMoreThanADay(): InvalidParameterException {
  return new InvalidParameterException(
    'The batch of log events in a single PutLogEvents request cannot span more than 24 hours.',
  );
}

/** Quoted from AWS by nhs-england-tools/terraform-aws-opennext issue #27 and cloudstax/firecamp #82. */
export function uploadTooLarge(bytes: number, limit: number): InvalidParameterException {
  return new InvalidParameterException(`Upload too large: ${bytes} bytes exceeds limit of ${limit}`);
}

/** Quoted from AWS by aws/aws-sdk-js-v3 issue #6164 (when the limit was 262144; it is now 1 MB). */
export function eventTooLarge(bytes: number, limit: number): InvalidParameterException {
  return new InvalidParameterException(`Log event too large: ${bytes} bytes exceeds limit of ${limit}`);
}

/**
 * Guessed in AWS's front-end form (the value set is the one the model's Days documentation lists):
 * retentionInDays is a plain integer in the model, so the check is the service's.
 */
export function invalidRetention(days: number, allowed: readonly number[]): InvalidParameterException {
  return new InvalidParameterException(
    `1 validation error detected: Value '${days}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`,
  );
}

/** Guessed: AWS documents the rule (DescribeLogStreams orderBy), not its words; moto's text. */
export function orderByWithPrefix(): InvalidParameterException {
  return new InvalidParameterException('Cannot order by LastEventTime with a logStreamNamePrefix.');
}

/** Guessed: AWS documents the rule (FilterLogEvents logStreamNames), not its words. */
export function namesAndPrefix(): InvalidParameterException {
  return new InvalidParameterException('logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
}

/**
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/protecting-log-groups-from-deletion.html
 * ("Error handling").
 */
export function deletionProtected(): ValidationException {
  return new ValidationException(
    'Cannot delete log group with deletion protection enabled. Disable deletion protection first.',
  );
}

/** Guessed: AWS allows 50 tags on a resource (TagResource docs); the words are ours. */
export function tooManyTags(resourceName: string): TooManyTagsException {
  return new TooManyTagsException('A resource can have no more than 50 tags.', { resourceName });
}

/** Guessed: an ARN that names no log group (destinations cannot be tagged here). */
export function invalidResourceArn(arn: string): InvalidParameterException {
  return new InvalidParameterException(`Invalid resource ARN: ${arn}`);
}

/**
 * Filter pattern refusals. "Invalid character(s) in term" is AWS's, quoted by
 * ministryofjustice/modernisation-platform-environments PR #5137; the others are guessed.
 */
export function invalidFilterPattern(detail: string): InvalidParameterException {
  return new InvalidParameterException(detail);
}
