/** Shared pieces of the SQS tests: clients per account, queue set-up, and exact error assertions. */
import assert from 'node:assert/strict';
import { CreateQueueCommand, SQSClient, type SQSServiceException } from '@aws-sdk/client-sqs';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig } from '../../helpers/cloud.js';

/** An SQS client acting as the root of an account (a 12-digit access key id names its account). */
export function sqsFor(cloud: NimbusCloud, account = '111111111111', region = 'us-east-1'): SQSClient {
  return new SQSClient(clientConfig(cloud, { accessKeyId: account, region }));
}

export async function createQueue(
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string> = {},
): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  assert.ok(QueueUrl);
  return QueueUrl;
}

export type SqsError = SQSServiceException & { Code?: string; Type?: string };

export async function rejection(promise: Promise<unknown>): Promise<SqsError> {
  try {
    await promise;
  } catch (error) {
    return error as SqsError;
  }
  assert.fail('expected the call to fail');
}

export interface ExpectedError {
  /**
   * The SDK's error name: for an error the JSON model declares, its `__type` (`QueueDoesNotExist`);
   * for one it does not (InvalidParameterValueException, MissingRequiredParameterException), SDK
   * v3 names it by its query code (`InvalidParameterValue`, `MissingParameter`).
   */
  name: string;
  /** The query-era code AWS sends in `x-amzn-query-error` (e.g. `AWS.SimpleQueueService.NonExistentQueue`). */
  queryCode: string;
  status: number;
  message: string;
}

/**
 * Asserts an SQS error exactly as the JSON protocol gives it: the SDK's name (see `name`), the
 * message, the status, and the `x-amzn-query-error` code that SDK v3 exposes as `Code`.
 */
export async function assertSqsError(promise: Promise<unknown>, expected: ExpectedError): Promise<SqsError> {
  const error = await rejection(promise);
  assert.equal(error.name, expected.name, `name of: ${error.message}`);
  assert.equal(error.message, expected.message);
  assert.equal(error.$metadata.httpStatusCode, expected.status);
  // SDK v3 reads `x-amzn-query-error: <code>;Sender` into Code and Type.
  assert.equal(error.Code, expected.queryCode);
  assert.equal(error.Type, 'Sender');
  return error;
}
