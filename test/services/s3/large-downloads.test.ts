/**
 * A GET of an object kept as a file is sent from recycled buffers (edge/pooled-send.ts,
 * state/file-range-stream.ts), both on a connection the edge reads itself and on one that
 * node:http took over for a large upload. Either way the bytes, ranges and the file's descriptor
 * must come out as a plain stream's would.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readlinkSync } from 'node:fs';
import { Agent } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig, startCloud } from '../../helpers/cloud.js';
import { createBucket } from './s3-helpers.js';

/** A client on one keep-alive connection, so that each request follows the one before on it. */
function oneConnection(cloud: NimbusCloud): S3Client {
  return new S3Client({
    ...clientConfig(cloud, { accessKeyId: '111111111111' }),
    forcePathStyle: true,
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: 1 }) }),
  });
}

/** Descriptors this process holds on blob files (named by their 32-hex-digit ids). */
const openBlobFiles = () =>
  readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return /\/[0-9a-f]{32}$/.test(readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      return false; // closed while listed
    }
  }).length;

describe('S3 downloads of objects kept as files', () => {
  let cloud: NimbusCloud;
  const bytes = randomBytes(3 * 1024 * 1024 + 12_345);

  before(async () => {
    cloud = await startCloud();
    const s3 = oneConnection(cloud);
    await createBucket(s3, 'downloads');
    await s3.send(new PutObjectCommand({ Bucket: 'downloads', Key: 'big', Body: bytes }));
    s3.destroy();
  });
  after(() => cloud.stop());

  const fetchAll = async (s3: S3Client, Range?: string) => {
    const got = await s3.send(new GetObjectCommand({ Bucket: 'downloads', Key: 'big', Range }));
    return { got, back: Buffer.from((await got.Body?.transformToByteArray()) ?? []) };
  };

  test('reads back whole and by range on a connection that sent only small requests', async () => {
    const s3 = oneConnection(cloud);
    const { got, back } = await fetchAll(s3);
    assert.equal(got.ContentLength, bytes.length);
    assert.ok(back.equals(bytes));
    const ranged = await fetchAll(s3, 'bytes=1000000-2500000');
    assert.equal(ranged.got.ContentRange, `bytes 1000000-2500000/${bytes.length}`);
    assert.ok(ranged.back.equals(bytes.subarray(1_000_000, 2_500_001)));
    s3.destroy();
  });

  test('reads back whole and by range on a connection that first sent a large upload', async () => {
    const s3 = oneConnection(cloud);
    const other = randomBytes(2 * 1024 * 1024);
    await s3.send(new PutObjectCommand({ Bucket: 'downloads', Key: 'uploaded', Body: other }));
    const { back } = await fetchAll(s3);
    assert.ok(back.equals(bytes));
    const tail = await fetchAll(s3, 'bytes=-100');
    assert.ok(tail.back.equals(bytes.subarray(bytes.length - 100)));
    const again = await s3.send(new GetObjectCommand({ Bucket: 'downloads', Key: 'uploaded' }));
    assert.ok(Buffer.from((await again.Body?.transformToByteArray()) ?? []).equals(other));
    s3.destroy();
  });

  test('closes the object file when the client hangs up part-way through a download', async () => {
    const s3 = oneConnection(cloud);
    await fetchAll(s3, 'bytes=0-0');
    const before = openBlobFiles();
    const got = await s3.send(new GetObjectCommand({ Bucket: 'downloads', Key: 'big' }));
    const body = got.Body as NodeJS.ReadableStream & { destroy(): void };
    await new Promise((resolve) => body.once('data', resolve));
    body.destroy();
    s3.destroy();
    let open = openBlobFiles();
    for (let i = 0; i < 100 && open > before; i++) {
      await sleep(20);
      open = openBlobFiles();
    }
    assert.ok(open <= before, `${open} descriptors open, ${before} before the download`);
  });
});
