/**
 * Sends a body of known length from a ChunkSource (state/file-range-stream.ts) through a few
 * recycled 256 KiB buffers: each is read into, written to the socket, and taken again once the
 * socket has handed it to the kernel (the write's callback). A GET of a large object then
 * allocates nothing per chunk, where a file stream's fresh buffer per read kept V8's full
 * collector running (10-16% of the server's CPU on a 256 MiB GET).
 */
import type { ChunkSource } from '../state/file-range-stream.js';

/** What both a connection's socket and node:http's response offer. */
export interface PooledTarget {
  readonly writable: boolean;
  write(chunk: Buffer | string, callback?: (error?: Error | null) => void): boolean;
  cork(): void;
  uncork(): void;
  destroy(): unknown;
  on(event: 'drain' | 'close', listener: () => void): unknown;
  once(event: 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
}

const bufferBytes = 256 * 1024;
/** Buffers kept for reuse, across all answers (4 MiB at most). */
const keptBuffers = 16;
const free: Buffer[] = [];

function take(): Buffer {
  return free.pop() ?? Buffer.allocUnsafeSlow(bufferBytes);
}

function give(buffer: Buffer): void {
  if (free.length < keptBuffers) free.push(buffer);
}

/**
 * Writes `head` (latin1; none when node:http writes its own), then the source's bytes, pausing
 * while the target is full. `done` runs once, when the source is spent or the answer is
 * abandoned (the target closed, a read failed: the target is then destroyed, as a failed
 * stream's is).
 */
export function sendPooled(socket: PooledTarget, head: string, source: ChunkSource, done: () => void): void {
  let headPending = true;
  let closed = false;
  const onClose = (): void => {
    closed = true;
  };
  socket.once('close', onClose);
  const finish = (): void => {
    socket.off('close', onClose);
    source.destroy();
    done();
  };
  const drained = (): Promise<void> =>
    new Promise((resolve) => {
      const go = (): void => {
        socket.off('drain', go);
        socket.off('close', go);
        resolve();
      };
      socket.on('drain', go);
      socket.on('close', go);
    });
  (async () => {
    for (;;) {
      if (closed || !socket.writable) return;
      const buffer = take();
      let count: number;
      try {
        count = await source.readInto(buffer);
      } catch (error) {
        give(buffer);
        throw error;
      }
      if (count === 0 || closed || !socket.writable) {
        give(buffer);
        if (count === 0 && headPending && head && socket.writable) socket.write(Buffer.from(head, 'latin1'));
        return;
      }
      const chunk = count === buffer.length ? buffer : buffer.subarray(0, count);
      let flowing: boolean;
      if (headPending) {
        // The head goes out with the first chunk, in one write, as node:http sends it.
        headPending = false;
        socket.cork();
        if (head) socket.write(Buffer.from(head, 'latin1'));
        flowing = socket.write(chunk, () => give(buffer));
        socket.uncork();
      } else flowing = socket.write(chunk, () => give(buffer));
      if (!flowing) await drained();
    }
  })().then(finish, () => {
    socket.destroy();
    finish();
  });
}
