/**
 * SQS's errors in AWS's words. The classes are the generated ones (their query codes come from
 * the sqs-query model); the texts are what real AWS answered, from
 * shared/aws-reference/recorded-responses/services/sqs/*.snapshot.json unless a line says otherwise.
 */
import { InvalidParameterValue } from '../../errors/common.js';
import {
  BatchEntryIdsNotDistinct,
  BatchRequestTooLong,
  EmptyBatchRequest,
  InvalidAttributeName,
  InvalidAttributeValue,
  InvalidBatchEntryId,
  PurgeQueueInProgress,
  QueueDoesNotExist,
  QueueNameExists,
  ReceiptHandleIsInvalid,
  TooManyEntriesInBatchRequest,
} from '../../generated/sqs/errors.js';

export function queueDoesNotExist(): QueueDoesNotExist {
  return new QueueDoesNotExist('The specified queue does not exist.');
}

export function queueAlreadyExists(attribute: string): QueueNameExists {
  return new QueueNameExists(
    `A queue already exists with the same name and a different value for attribute ${attribute}`,
  );
}

export function invalidAttributeName(message: string): InvalidAttributeName {
  return new InvalidAttributeName(message);
}

export function invalidAttributeValue(message: string): InvalidAttributeValue {
  return new InvalidAttributeValue(message);
}

/** `Value X for parameter P is invalid. Reason: R` */
export function invalidParameter(parameter: string, value: unknown, reason: string): InvalidParameterValue {
  return new InvalidParameterValue(`Value ${String(value)} for parameter ${parameter} is invalid. Reason: ${reason}`);
}

export function messageTooLong(limit: number): InvalidParameterValue {
  return new InvalidParameterValue(
    `One or more parameters are invalid. Reason: Message must be shorter than ${limit} bytes.`,
  );
}

export function purgeInProgress(queueName: string): PurgeQueueInProgress {
  return new PurgeQueueInProgress(`Only one PurgeQueue operation on ${queueName} is allowed every 60 seconds.`);
}

/** elasticmq issue #324 quotes the AWS CLI against real SQS with a made-up handle. */
export function receiptHandleIsInvalid(handle: string): ReceiptHandleIsInvalid {
  return new ReceiptHandleIsInvalid(`The input receipt handle "${handle}" is not a valid receipt handle.`);
}

export function tooManyEntries(count: number): TooManyEntriesInBatchRequest {
  return new TooManyEntriesInBatchRequest(`Maximum number of entries per request are 10. You have sent ${count}.`);
}

export function emptyBatch(operation: string): EmptyBatchRequest {
  return new EmptyBatchRequest(`There should be at least one ${operation}RequestEntry in the request.`);
}

export function idsNotDistinct(id: string): BatchEntryIdsNotDistinct {
  return new BatchEntryIdsNotDistinct(`Id ${id} repeated.`);
}

export function invalidBatchEntryId(): InvalidBatchEntryId {
  return new InvalidBatchEntryId(
    'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
  );
}

export function batchTooLong(size: number): BatchRequestTooLong {
  return new BatchRequestTooLong(`Batch requests cannot be longer than 1048576 bytes. You have sent ${size} bytes.`);
}
