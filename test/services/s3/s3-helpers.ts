/** Shared pieces of the S3 tests: clients per account and addressing style, bucket set-up, exact error assertions. */
import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { Agent } from 'node:http';
import { CreateBucketCommand, S3Client, type S3ServiceException } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig } from '../../helpers/cloud.js';

export interface S3ClientOptions {
  account?: string;
  region?: string;
  /** `{bucket}.s3.localhost` (or `{bucket}.s3.{region}.localhost` with `regionalHost`) instead of `/{bucket}/...`. */
  virtualHost?: boolean;
  regionalHost?: boolean;
}

/** Every name resolves to loopback, as `*.localhost` does in browsers and systemd-resolved. */
function loopbackLookup(
  _hostname: string,
  options: { all?: boolean },
  callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
): void {
  if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
}

/**
 * An S3 client acting as the root of an account (a 12-digit access key id names its account).
 * Path style by default; `virtualHost` sends the bucket in the host name, as SDKs do by default
 * against AWS.
 */
export function s3For(cloud: NimbusCloud, options: S3ClientOptions = {}): S3Client {
  const account = options.account ?? '111111111111';
  const region = options.region ?? 'us-east-1';
  const base = clientConfig(cloud, { accessKeyId: account, region });
  if (!options.virtualHost) return new S3Client({ ...base, forcePathStyle: true });
  const port = new URL(cloud.endpoint).port;
  const host = options.regionalHost ? `s3.${region}.localhost` : 's3.localhost';
  return new S3Client({
    ...base,
    endpoint: `http://${host}:${port}`,
    forcePathStyle: false,
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ lookup: loopbackLookup as never }) }),
  });
}

export async function createBucket(s3: S3Client, name: string, region?: string): Promise<string> {
  const input: { Bucket: string; CreateBucketConfiguration?: { LocationConstraint: never } } = { Bucket: name };
  if (region && region !== 'us-east-1') input.CreateBucketConfiguration = { LocationConstraint: region as never };
  await s3.send(new CreateBucketCommand(input));
  return name;
}

/** An S3 error as SDK v3 gives it: the `<Error>` document's fields are spread onto the exception. */
export type S3Error = S3ServiceException & Record<string, unknown>;

export async function rejection(promise: Promise<unknown>): Promise<S3Error> {
  try {
    await promise;
  } catch (error) {
    return error as S3Error;
  }
  assert.fail('expected the call to fail');
}

export interface ExpectedS3Error {
  /** The `<Code>` (SDK v3's error name). */
  code: string;
  status: number;
  /** The `<Message>`; HEAD answers have no body, so omit it for them. */
  message?: string;
  /** Further `<Error>` fields S3 sends (BucketName, Key, Condition, ArgumentName, ...). */
  fields?: Record<string, string>;
}

/** Asserts an S3 error exactly: code, status, message, extra fields, and a RequestId. */
export async function assertS3Error(promise: Promise<unknown>, expected: ExpectedS3Error): Promise<S3Error> {
  const error = await rejection(promise);
  assert.equal(error.name, expected.code, `name of: ${error.message}`);
  assert.equal(error.$metadata.httpStatusCode, expected.status);
  if (expected.message !== undefined) assert.equal(error.message, expected.message);
  for (const [field, value] of Object.entries(expected.fields ?? {})) assert.equal(error[field], value, field);
  assert.ok(error.$metadata.requestId, 'a request id');
  return error;
}

/** S3's answer to a document that fails its schema (an unknown enum value, a missing element). */
export const malformedXml: ExpectedS3Error = {
  code: 'MalformedXML',
  status: 400,
  message: 'The XML you provided was not well-formed or did not validate against our published schema',
};

export const noSuchBucket = (name: string): ExpectedS3Error => ({
  code: 'NoSuchBucket',
  status: 404,
  message: 'The specified bucket does not exist',
  fields: { BucketName: name },
});
