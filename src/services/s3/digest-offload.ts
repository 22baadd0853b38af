/**
 * The digests of a large upload, taken on a worker thread (digest-thread.ts) while the event loop
 * goes on reading the socket and handing the bytes to the file. Taken on the event loop, the MD5
 * (about 0.7 GB/s here) and S3's default CRC64NVME (about 1.2 GB/s) made it the bottleneck of a
 * large PUT: it read a megabyte, digested it while the file writer waited, then waited while the
 * writer drained, and a 1 GB put ran at 0.5 of a raw loopback copy to disk. Each chunk is copied
 * once (a transferable copy: the original goes on to the file) and digested in order; while more
 * than `maxWaitingBytes` wait on the worker the upload holds off, so memory stays bounded.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { streamBufferBytes } from '../../state/blob-store.js';
import type { ChecksumAlgorithm } from './checksums.js';
import type { DigestReply, DigestRequest } from './digest-thread.js';

export interface Digests {
  md5Hex: string;
  checksum: string | undefined;
}

/** How much of an upload may wait on the worker before the upload waits for it. */
const maxWaitingBytes = 8 * 1024 * 1024;

class DigestThread {
  readonly #worker: Worker;
  readonly #open = new Map<number, OffloadedDigest>();
  readonly #results = new Map<number, { resolve: (digests: Digests) => void; reject: (error: Error) => void }>();
  #next = 1;
  failed = false;

  constructor() {
    this.#worker = new Worker(new URL('./digest-thread.js', import.meta.url));
    this.#worker.on('message', (reply: DigestReply) => {
      if (reply.kind === 'taken') this.#open.get(reply.id)?.taken(reply.bytes);
      else {
        const result = this.#results.get(reply.id);
        this.#results.delete(reply.id);
        this.#hold();
        result?.resolve({ md5Hex: reply.md5Hex, checksum: reply.checksum });
      }
    });
    this.#worker.on('error', (error) => this.#fail(error));
    this.#worker.on('exit', () => this.#fail(new Error('the digest worker exited')));
    // Uploads keep the process alive while they last (`#hold`); an idle worker never does.
    this.#worker.unref();
  }

  /** Every upload in progress fails with the worker; the next one starts a new worker. */
  #fail(error: Error): void {
    this.failed = true;
    for (const digest of this.#open.values()) digest.destroy(error);
    this.#open.clear();
    for (const result of this.#results.values()) result.reject(error);
    this.#results.clear();
  }

  /** Refs the worker while an upload is open or its digests are awaited. */
  #hold(): void {
    if (this.#open.size + this.#results.size === 0) this.#worker.unref();
    else this.#worker.ref();
  }

  #post(request: DigestRequest, transfer?: ArrayBuffer[]): void {
    this.#worker.postMessage(request, transfer);
  }

  open(digest: OffloadedDigest, algorithm: ChecksumAlgorithm | undefined): number {
    const id = this.#next++;
    this.#open.set(id, digest);
    this.#hold();
    this.#post({ kind: 'open', id, algorithm });
    return id;
  }

  data(id: number, data: Uint8Array): void {
    this.#post({ kind: 'data', id, data }, [data.buffer as ArrayBuffer]);
  }

  close(id: number): Promise<Digests> {
    this.#open.delete(id);
    if (this.failed) return Promise.reject(new Error('the digest worker exited'));
    return new Promise((resolve, reject) => {
      this.#results.set(id, { resolve, reject });
      this.#post({ kind: 'close', id });
    });
  }

  drop(id: number): void {
    if (!this.#open.delete(id) || this.failed) return;
    this.#hold();
    this.#post({ kind: 'drop', id });
  }
}

let shared: DigestThread | undefined;

function digestThread(): DigestThread | undefined {
  if (shared && !shared.failed) return shared;
  try {
    shared = new DigestThread();
    return shared;
  } catch {
    return undefined;
  }
}

/** Counts what passes through and has it digested on the worker; `digests()` once it ended. */
export class OffloadedDigest extends Transform {
  size = 0;
  readonly #thread: DigestThread;
  readonly #id: number;
  #waiting = 0;
  #held: TransformCallback | undefined;
  #result: Promise<Digests> | undefined;

  constructor(thread: DigestThread, algorithm: ChecksumAlgorithm | undefined) {
    super({ highWaterMark: streamBufferBytes });
    this.#thread = thread;
    this.#id = thread.open(this, algorithm);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    this.#thread.data(this.#id, new Uint8Array(chunk));
    this.#waiting += chunk.length;
    this.push(chunk);
    if (this.#waiting > maxWaitingBytes) this.#held = done;
    else done();
  }

  /** The worker has digested `bytes` more. */
  taken(bytes: number): void {
    this.#waiting -= bytes;
    if (this.#held && this.#waiting <= maxWaitingBytes / 2) {
      const done = this.#held;
      this.#held = undefined;
      done();
    }
  }

  override _flush(done: TransformCallback): void {
    this.#result = this.#thread.close(this.#id);
    // A worker that fails now fails this upload through `digests()`; nobody must see it unhandled.
    this.#result.catch(() => {});
    done();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    if (!this.#result) this.#thread.drop(this.#id);
    done(error);
  }

  digests(): Promise<Digests> {
    return this.#result ?? Promise.reject(new Error('the upload has not ended'));
  }
}

/** A digest on the worker thread, or undefined where no worker can start. */
export function offloadedDigest(algorithm: ChecksumAlgorithm | undefined): OffloadedDigest | undefined {
  const thread = digestThread();
  return thread ? new OffloadedDigest(thread, algorithm) : undefined;
}
