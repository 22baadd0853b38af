/** Shared pieces of the Firehose tests: clients, a bucket, delivered objects, exact error assertions. */
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import {
  CreateDeliveryStreamCommand,
  type CreateDeliveryStreamCommandInput,
  FirehoseClient,
} from '@aws-sdk/client-firehose';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig } from '../../helpers/cloud.js';

export const account = '111111111111';
export const role = `arn:aws:iam::${account}:role/firehose-role`;

export function firehoseFor(cloud: NimbusCloud, region = 'us-east-1'): FirehoseClient {
  return new FirehoseClient(clientConfig(cloud, { accessKeyId: account, region }));
}

export function s3For(cloud: NimbusCloud): S3Client {
  return new S3Client({ ...clientConfig(cloud, { accessKeyId: account }), forcePathStyle: true });
}

/** A DirectPut stream to `bucket` with an ExtendedS3 destination; `s3` overrides its members. */
export async function createS3Stream(
  firehose: FirehoseClient,
  name: string,
  bucket: string,
  s3: Partial<NonNullable<CreateDeliveryStreamCommandInput['ExtendedS3DestinationConfiguration']>> = {},
): Promise<string> {
  const { DeliveryStreamARN } = await firehose.send(
    new CreateDeliveryStreamCommand({
      DeliveryStreamName: name,
      DeliveryStreamType: 'DirectPut',
      ExtendedS3DestinationConfiguration: { RoleARN: role, BucketARN: `arn:aws:s3:::${bucket}`, ...s3 },
    }),
  );
  return DeliveryStreamARN as string;
}

export async function keysOf(s3: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  const { Contents } = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (Contents ?? []).map((object) => object.Key as string);
}

/** Waits (real time, a little) until `bucket` holds `count` objects under `prefix`; returns their keys. */
export async function delivered(s3: S3Client, bucket: string, count: number, prefix = ''): Promise<string[]> {
  const until = Date.now() + 5000;
  for (;;) {
    const keys = await keysOf(s3, bucket, prefix);
    if (keys.length >= count || Date.now() > until) return keys;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** An object's bytes, gunzipped when `gzip`. */
export async function objectText(s3: S3Client, bucket: string, key: string, gzip = false): Promise<string> {
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const bytes = Buffer.from(await (Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
  return (gzip ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** Lets what is due run: deliveries start on the clock and finish a few turns later. */
export async function settle(ms = 50): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

export async function assertFirehoseError(promise: Promise<unknown>, name: string, message: string): Promise<void> {
  await assert.rejects(promise, (error: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(error.name, name);
    assert.equal(error.message, message);
    return true;
  });
}

export const utf8 = (text: string) => new TextEncoder().encode(text);
