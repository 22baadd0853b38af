import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { FileBlobStore } from '../../src/state/blob-store.js';
import { Database } from '../../src/state/database.js';
import { TieredBlobStore } from '../../src/state/tiered-blob-store.js';

describe('FileBlobStore', () => {
  const root = mkdtempSync(join(tmpdir(), 'nimbus-blobs-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const store = new FileBlobStore(root);

  test('stores a buffer and a stream whole, and leaves no temporary file', async () => {
    const a = store.newId();
    const b = store.newId();
    assert.equal(await store.put(a, Buffer.from('hello')), 5);
    assert.equal(await store.put(b, Readable.from([Buffer.from('wor'), Buffer.from('ld')])), 5);
    assert.equal((await store.get(a))?.toString(), 'hello');
    assert.equal((await store.get(b))?.toString(), 'world');
    for (const shard of readdirSync(root)) {
      for (const name of readdirSync(join(root, shard))) assert.doesNotMatch(name, /\.tmp$/);
    }
  });

  test('refuses any id that is not one of its own, so no path can leave the directory', async () => {
    for (const id of ['../../etc/passwd', '..', 'a/b', '0123456789abcdef0123456789abcdeg']) {
      await assert.rejects(store.put(id, Buffer.from('x')), /invalid blob id/);
      assert.throws(() => store.stream(id), /invalid blob id/);
    }
  });

  test('streams a byte range', async () => {
    const id = store.newId();
    await store.put(id, Buffer.from('0123456789'));
    const chunks: Buffer[] = [];
    for await (const chunk of store.stream(id, { start: 2, end: 5 })) chunks.push(chunk as Buffer);
    assert.equal(Buffer.concat(chunks).toString(), '2345');
  });
});

describe('TieredBlobStore', () => {
  const root = mkdtempSync(join(tmpdir(), 'nimbus-tiered-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const db = new Database(undefined);
  const files = new FileBlobStore(root);
  const store = new TieredBlobStore(db, files, 16);
  const fileCount = () => readdirSync(root).flatMap((shard) => readdirSync(join(root, shard))).length;
  const read = async (id: string, range?: { start: number; end: number }) => {
    const chunks: Buffer[] = [];
    for await (const chunk of store.stream(id, range)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString();
  };

  test('a blob within the inline limit is a row, not a file, and reads back whole and by range', async () => {
    const id = store.newId();
    assert.equal(await store.put(id, Readable.from([Buffer.from('small '), Buffer.from('blob')])), 10);
    assert.equal(existsSync(root) ? fileCount() : 0, 0);
    assert.equal(await read(id), 'small blob');
    assert.equal(await read(id, { start: 6, end: 9 }), 'blob');
    assert.equal(await store.size(id), 10);
  });

  test('a stream that outgrows the limit goes to a file with every byte, in order', async () => {
    const id = store.newId();
    const parts = ['0123456789', 'abcdefghij', 'KLMNOPQRST'].map((text) => Buffer.from(text));
    assert.equal(await store.put(id, Readable.from(parts)), 30);
    assert.equal(fileCount(), 1);
    assert.equal(await read(id), '0123456789abcdefghijKLMNOPQRST');
    await store.delete(id);
    assert.equal(fileCount(), 0);
  });

  test('a sweep removes unclaimed blobs of both kinds written before it, and spares the rest', async () => {
    const sweepRoot = mkdtempSync(join(tmpdir(), 'nimbus-sweep-'));
    const store = new TieredBlobStore(new Database(undefined), new FileBlobStore(sweepRoot), 16);
    const claimed = store.newId();
    const orphanRow = store.newId();
    const orphanFile = store.newId();
    await store.put(claimed, Buffer.from('kept'));
    await store.put(orphanRow, Buffer.from('lost'));
    await store.put(orphanFile, Buffer.alloc(100, 1));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const before = Date.now();
    const late = store.newId();
    await store.put(late, Buffer.from('new'));
    assert.equal(await store.sweep((id) => id === claimed, before), 2);
    assert.deepEqual((await store.ids()).sort(), [claimed, late].sort());
    rmSync(sweepRoot, { recursive: true, force: true });
  });

  test('a sweep over more rows than one page removes every orphan and keeps every claimed blob', async () => {
    const sweepRoot = mkdtempSync(join(tmpdir(), 'nimbus-sweep-pages-'));
    const store = new TieredBlobStore(new Database(undefined), new FileBlobStore(sweepRoot), 16);
    const claimed = new Set<string>();
    for (let i = 0; i < 12_345; i++) {
      const id = store.newId();
      await store.put(id, Buffer.from(`blob ${i}`));
      if (i % 3 === 0) claimed.add(id);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(await store.sweep((id) => claimed.has(id), Date.now()), 12_345 - claimed.size);
    assert.deepEqual((await store.ids()).sort(), [...claimed].sort());
    rmSync(sweepRoot, { recursive: true, force: true });
  });
});

describe('blob stores per owner', () => {
  test("keeps another service's blobs out of S3's sweep, and out of each other's reset", async () => {
    const { Nimbus } = await import('../../src/nimbus.js');
    const dir = mkdtempSync(join(tmpdir(), 'nimbus-owners-'));
    const nimbus = new Nimbus({ dataDir: dir, logLevel: 'error' });
    try {
      // Any service but S3 gets its own store; SNS stands in for Lambda here.
      const lambda = nimbus.blobsFor('sns');
      const small = lambda.newId();
      const large = lambda.newId();
      await nimbus.db.request(() => lambda.put(small, Buffer.from('zip bytes')));
      await lambda.put(large, Buffer.alloc(100_000, 7));
      await nimbus.db.settled();
      // S3's sweep keeps nothing it does not name: Lambda's blobs are not its to see.
      await nimbus.blobs.sweep(() => false, Date.now() + 60_000);
      assert.equal((await lambda.get(small))?.toString(), 'zip bytes');
      assert.equal((await lambda.get(large))?.length, 100_000);
      assert.deepEqual(await nimbus.blobs.ids(), []);
      await nimbus.reset('s3');
      assert.equal((await lambda.get(small))?.toString(), 'zip bytes');
      await nimbus.reset('sns');
      assert.equal(await lambda.get(small), undefined);
      assert.equal(await lambda.get(large), undefined);
    } finally {
      await nimbus.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
