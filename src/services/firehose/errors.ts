/**
 * Firehose's errors in AWS's words. The classes are the generated ones. Evidence is named per
 * line; lines marked "guessed" have none: the code is the modelled one, the words ours (in the
 * form of the ones with evidence).
 */
import {
  ConcurrentModificationException,
  InvalidArgumentException,
  LimitExceededException,
  ResourceInUseException,
  ResourceNotFoundException,
} from '../../generated/firehose/errors.js';

/**
 * "Firehose turbottest64101 under account 632902152528 not found." (a real AWS answer quoted in
 * https://github.com/turbot/steampipe-plugin-aws/issues/759).
 */
export function streamNotFound(name: string, account: string): ResourceNotFoundException {
  return new ResourceNotFoundException(`Firehose ${name} under account ${account} not found.`);
}

/** Guessed, in the form of the not-found text. */
export function streamExists(name: string, account: string): ResourceInUseException {
  return new ResourceInUseException(`Firehose ${name} under accountId ${account} already exists`);
}

/** Guessed. */
export function versionMismatch(name: string, current: string, given: string): ConcurrentModificationException {
  return new ConcurrentModificationException(
    `Cannot update firehose: ${name} since the current version id: ${current} and specified version id: ${given} do not match`,
  );
}

/** Guessed. */
export function destinationNotFound(name: string, destinationId: string): InvalidArgumentException {
  return new InvalidArgumentException(`Destination Id ${destinationId} not found for Firehose ${name}.`);
}

/** Guessed. */
export function invalidArgument(message: string): InvalidArgumentException {
  return new InvalidArgumentException(message);
}

/** Guessed (the 50-tag limit: https://docs.aws.amazon.com/firehose/latest/APIReference/API_TagDeliveryStream.html). */
export function tooManyTags(name: string): LimitExceededException {
  return new LimitExceededException(`Firehose ${name} can have at most 50 tags.`);
}

/** Guessed (the 4 MiB request limit: https://docs.aws.amazon.com/firehose/latest/dev/limits.html). */
export function batchTooLarge(): InvalidArgumentException {
  return new InvalidArgumentException('Records size exceeds 4 MB limit');
}

/** Puts to a stream that reads Kinesis. The text is AWS's as we remember it, not recorded. */
export function notDirectPut(type: string): InvalidArgumentException {
  return new InvalidArgumentException(`This operation is not permitted on ${type} delivery stream type.`);
}
