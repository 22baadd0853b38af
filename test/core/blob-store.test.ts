import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { FileBlobStore } from '../../src/state/blob-store.js';

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
