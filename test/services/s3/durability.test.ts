import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { killHard, spawnNimbus } from '../../helpers/process.js';

const client = (endpoint: string) =>
  new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: '123456789012', secretAccessKey: 'test' },
    maxAttempts: 1,
  });

/** Deterministic bytes of a given size for a name, so that a body can be checked without keeping it. */
function bytesOf(name: string, size: number): Buffer {
  const seed = createHash('sha256').update(name).digest();
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i += seed.length) seed.copy(out, i, 0, Math.min(seed.length, size - i));
  return out;
}

const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');

/** Every blob file under a data directory (temporary ones included). */
function blobFiles(dataDir: string): string[] {
  const root = join(dataDir, 'blobs');
  const out: string[] = [];
  for (const shard of readdirSync(root, { withFileTypes: true })) {
    if (shard.isDirectory()) for (const name of readdirSync(join(root, shard.name))) out.push(name);
  }
  return out;
}

describe('S3 durability', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'nimbus-s3-crash-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  const args = ['--port', '0', '--data-dir', dataDir, '--log-level', 'warn'];

  test('every PUT answered before kill -9 is there whole after the restart', async () => {
    const first = await spawnNimbus(args);
    const s3 = client(first.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'crash' }));
    const acknowledged = new Map<string, string>();
    let stop = false;
    const writers = Array.from({ length: 8 }, async (_, writer) => {
      for (let n = 0; !stop; n++) {
        const key = `w${writer}/object-${n}`;
        const body = bytesOf(key, n % 4 === 0 ? 256 * 1024 + n : 1024 + n);
        try {
          await s3.send(new PutObjectCommand({ Bucket: 'crash', Key: key, Body: body }));
          acknowledged.set(key, md5(body));
        } catch {
          return; // the server is gone: this PUT was never answered
        }
      }
    });
    while (acknowledged.size < 200) await new Promise((resolve) => setTimeout(resolve, 5));
    await killHard(first.child);
    stop = true;
    await Promise.all(writers);

    const second = await spawnNimbus(args);
    try {
      const again = client(second.endpoint);
      for (const [key, digest] of acknowledged) {
        const object = await again.send(new GetObjectCommand({ Bucket: 'crash', Key: key }));
        const body = Buffer.from(
          await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
        );
        assert.equal(md5(body), digest, `bytes of ${key}`);
        assert.equal(object.ETag, `"${digest}"`);
      }
    } finally {
      await killHard(second.child);
    }
  });

  test('a PUT cut off mid-body never appears, and its partial file is swept on restart', async () => {
    const first = await spawnNimbus(args);
    const s3 = client(first.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'partial' }));
    // A raw unsigned PUT that promises 8 MiB and sends 1 MiB, then the server dies.
    const url = new URL(`${first.endpoint}/partial/half-written`);
    await new Promise<void>((resolve) => {
      const req = request({
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'PUT',
        headers: { 'content-length': String(8 * 1024 * 1024) },
      });
      req.on('error', () => resolve());
      req.write(bytesOf('half', 1024 * 1024), () => {
        setTimeout(async () => {
          await killHard(first.child);
          req.destroy();
          resolve();
        }, 200);
      });
    });

    const second = await spawnNimbus(args);
    try {
      const again = client(second.endpoint);
      const listed = await again.send(new ListObjectsV2Command({ Bucket: 'partial' }));
      assert.equal(listed.KeyCount, 0);
      // S3 sweeps blob files no row names (older than its start) once it first runs.
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual(
        blobFiles(dataDir).filter((name) => name.endsWith('.tmp')),
        [],
      );
    } finally {
      await killHard(second.child);
    }
  });

  test('the parts of a multipart upload answered before kill -9 survive, and the object does not exist until completed', async () => {
    const first = await spawnNimbus(args);
    const s3 = client(first.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'multi' }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'multi', Key: 'big' }));
    const part = bytesOf('part-1', 5 * 1024 * 1024);
    const uploaded = await s3.send(
      new UploadPartCommand({ Bucket: 'multi', Key: 'big', UploadId, PartNumber: 1, Body: part }),
    );
    await killHard(first.child);

    const second = await spawnNimbus(args);
    try {
      const again = client(second.endpoint);
      const uploads = await again.send(new ListMultipartUploadsCommand({ Bucket: 'multi' }));
      assert.deepEqual(
        uploads.Uploads?.map((upload) => upload.UploadId),
        [UploadId],
      );
      const parts = await again.send(new ListPartsCommand({ Bucket: 'multi', Key: 'big', UploadId }));
      assert.deepEqual(
        parts.Parts?.map((entry) => [entry.PartNumber, entry.ETag, entry.Size]),
        [[1, uploaded.ETag, part.length]],
      );
      const listed = await again.send(new ListObjectsV2Command({ Bucket: 'multi' }));
      assert.equal(listed.KeyCount, 0);
    } finally {
      await killHard(second.child);
    }
  });

  test('an orphaned blob file (written, never committed) is removed when S3 starts', async () => {
    const first = await spawnNimbus(args);
    const s3 = client(first.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'orphans' }));
    await s3.send(new PutObjectCommand({ Bucket: 'orphans', Key: 'kept', Body: 'kept' }));
    await killHard(first.child);
    const orphan = 'ab'.repeat(16);
    const shard = join(dataDir, 'blobs', orphan.slice(0, 2));
    rmSync(shard, { recursive: true, force: true });
    mkdirSync(shard, { recursive: true });
    writeFileSync(join(shard, orphan), 'nobody names me');
    await new Promise((resolve) => setTimeout(resolve, 20));

    const second = await spawnNimbus(args);
    try {
      const again = client(second.endpoint);
      const kept = await again.send(new GetObjectCommand({ Bucket: 'orphans', Key: 'kept' }));
      assert.equal(await kept.Body?.transformToString(), 'kept');
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(blobFiles(dataDir).includes(orphan), false);
    } finally {
      await killHard(second.child);
    }
  });
});
