/** Shared pieces of the IAM tests: clients per account, documents, and error assertions. */
import assert from 'node:assert/strict';
import { IAMClient, type IAMServiceException } from '@aws-sdk/client-iam';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig } from '../../helpers/cloud.js';

/** An IAM client acting as the root of an account (a 12-digit access key id names its account). */
export function iamFor(cloud: NimbusCloud, account = '111111111111'): IAMClient {
  return new IAMClient(clientConfig(cloud, { accessKeyId: account }));
}

export const lambdaTrustPolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

export const s3ReadPolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: '*' }],
});

export async function rejection(promise: Promise<unknown>): Promise<IAMServiceException & { Code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as IAMServiceException & { Code?: string };
  }
  assert.fail('expected the call to fail');
}

export interface ExpectedError {
  /** The query error code on the wire (`NoSuchEntity`). */
  code: string;
  status: number;
  message: string;
}

/**
 * Asserts an IAM error: SDK v3 names a modelled error by its shape (`NoSuchEntityException`) and
 * keeps the wire code in `Code`; an unmodelled one (ValidationError, AccessDenied) by its code.
 */
export async function assertIamError(promise: Promise<unknown>, expected: ExpectedError): Promise<void> {
  const error = await rejection(promise);
  assert.equal(error.Code ?? error.name, expected.code, `code of: ${error.message}`);
  assert.equal(error.message, expected.message);
  assert.equal(error.$metadata.httpStatusCode, expected.status);
}

/** A percent-encoded document IAM returned, decoded. */
export function decoded(document: string | undefined): unknown {
  return JSON.parse(decodeURIComponent(document ?? ''));
}
