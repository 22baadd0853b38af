/**
 * Large values (S3 objects, Lambda code) live beside the database as files, named by ids
 * Nimbus makes, never by anything a request sends: no key or path from a request can reach
 * outside the data directory. A write goes to a temporary name, is fsynced and renamed into
 * place before it is acknowledged, so an acknowledged blob survives a crash whole.
 * With --ephemeral, blobs live in a temporary directory, without fsync, removed on stop: never
 * in memory, so a 1 GB object costs no RAM in a test run either.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileRangeStream } from './file-range-stream.js';

export interface BlobStore {
  /** A fresh id for a new blob. */
  newId(): string;
  /** Writes a blob durably; resolves once it is safe to acknowledge. Returns its size. */
  put(id: string, data: Buffer | Readable): Promise<number>;
  get(id: string): Promise<Buffer | undefined>;
  /** A stream of the blob, optionally a byte range [start, end] inclusive. */
  stream(id: string, range?: { start: number; end: number }): Readable;
  /**
   * The bytes of a small blob the store holds in the database, read at once (no stream, no
   * thread pool); undefined for a blob kept as a file.
   */
  held?(id: string, range?: { start: number; end: number }): Buffer | undefined;
  size(id: string): Promise<number | undefined>;
  delete(id: string): Promise<void>;
  /** Every blob id, for export. */
  ids(): Promise<string[]>;
  /**
   * Deletes what a crash left behind: temporary files, and blobs that `keep` does not claim,
   * both only if last written before `before` (epoch ms), so that no write in progress is hit.
   * Returns how many files went. Each owner has a store of its own (Nimbus.blobsFor: S3 the root,
   * others `@<owner>/` and `_small_blobs_<owner>`), so a sweep never meets another owner's blobs;
   * the root store's sweep skips the `@<owner>` directories (their names are not shards of ids).
   */
  sweep(keep: (id: string) => boolean, before: number): Promise<number>;
  clear(): Promise<void>;
}

export interface FileBlobStoreOptions {
  /** fsync each blob before acknowledging it (default true; --ephemeral turns it off). */
  fsync?: boolean;
}

const idPattern = /^[0-9a-f]{32}$/;

/** How much of a streamed blob may wait in memory for the disk (bounded: RSS stays flat). */
export const streamBufferBytes = 1024 * 1024;

function checkId(id: string): void {
  // Ids are ours (hex), so this never fires for our own callers; it is the guarantee that
  // no path can be built from anything else.
  if (!idPattern.test(id)) throw new Error(`invalid blob id ${JSON.stringify(id)}`);
}

export class FileBlobStore implements BlobStore {
  readonly #root: string;
  readonly #fsync: boolean;

  constructor(root: string, options: FileBlobStoreOptions = {}) {
    this.#root = resolve(root);
    this.#fsync = options.fsync ?? true;
  }

  newId(): string {
    // The time first (48 bits of milliseconds), so that new ids sort after old ones and an
    // index of them grows at its end (tiered-blob-store.ts); then 80 of the random bits of the
    // pool randomUUID keeps (a tenth of randomBytes' cost per id).
    const random = randomUUID();
    return (
      Date.now().toString(16).padStart(12, '0') +
      random.slice(0, 8) +
      random.slice(9, 13) +
      random.slice(15, 18) +
      random.slice(20, 23) +
      random.slice(24, 26)
    );
  }

  #path(id: string): string {
    checkId(id);
    const path = join(this.#root, id.slice(0, 2), id);
    const rel = relative(this.#root, path);
    if (rel.startsWith('..') || rel.includes(`..${sep}`)) throw new Error('blob path escapes the data directory');
    return path;
  }

  async put(id: string, data: Buffer | Readable): Promise<number> {
    const path = this.#path(id);
    await mkdir(join(this.#root, id.slice(0, 2)), { recursive: true });
    const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
    let size = 0;
    try {
      if (Buffer.isBuffer(data)) {
        const handle = await open(temp, 'w');
        try {
          await handle.writeFile(data);
          if (this.#fsync) await handle.sync();
        } finally {
          await handle.close();
        }
        size = data.length;
      } else {
        // A deep buffer lets the digests of the next chunks run while the thread pool writes
        // the last ones; at the default 16 KiB the two took turns.
        const out = createWriteStream(temp, { highWaterMark: streamBufferBytes });
        data.on('data', (chunk: Buffer) => {
          size += chunk.length;
        });
        await pipeline(data, out);
        if (this.#fsync) {
          const handle = await open(temp, 'r+');
          try {
            await handle.sync();
          } finally {
            await handle.close();
          }
        }
      }
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return size;
  }

  async get(id: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.#path(id));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  stream(id: string, range?: { start: number; end: number }): Readable {
    return new FileRangeStream(this.#path(id), range);
  }

  async size(id: string): Promise<number | undefined> {
    try {
      return (await stat(this.#path(id))).size;
    } catch {
      return undefined;
    }
  }

  async delete(id: string): Promise<void> {
    await rm(this.#path(id), { force: true });
  }

  async ids(): Promise<string[]> {
    const out: string[] = [];
    let shards: string[] = [];
    try {
      shards = await readdir(this.#root);
    } catch {
      return out;
    }
    for (const shard of shards) {
      for (const name of await readdir(join(this.#root, shard))) {
        if (idPattern.test(name)) out.push(name);
      }
    }
    return out;
  }

  async sweep(keep: (id: string) => boolean, before: number): Promise<number> {
    let removed = 0;
    let shards: string[] = [];
    try {
      shards = await readdir(this.#root);
    } catch {
      return removed;
    }
    for (const shard of shards) {
      const dir = join(this.#root, shard);
      for (const name of await readdir(dir).catch(() => [] as string[])) {
        const id = name.slice(0, 32);
        const temporary = name.endsWith('.tmp');
        if (!temporary && (!idPattern.test(name) || keep(id))) continue;
        const path = join(dir, name);
        const info = await stat(path).catch(() => undefined);
        if (!info || info.mtimeMs >= before) continue;
        await rm(path, { force: true });
        removed++;
      }
    }
    return removed;
  }

  async clear(): Promise<void> {
    await rm(this.#root, { recursive: true, force: true });
  }
}
