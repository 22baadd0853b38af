/**
 * The worker that digests large uploads (digest-offload.ts): per upload, the MD5 of the ETag
 * and the checksum S3 keeps, fed chunk by chunk in order. Each chunk it has taken is reported
 * back, so that the upload can hold off while too much waits here.
 */
import { createHash, type Hash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { type Checksum, type ChecksumAlgorithm, createChecksum } from './checksums.js';

export type DigestRequest =
  | { kind: 'open'; id: number; algorithm: ChecksumAlgorithm | undefined }
  | { kind: 'data'; id: number; data: Uint8Array }
  | { kind: 'close'; id: number }
  | { kind: 'drop'; id: number };

export type DigestReply =
  | { kind: 'taken'; id: number; bytes: number }
  | { kind: 'digest'; id: number; md5Hex: string; checksum: string | undefined };

interface Job {
  md5: Hash;
  checksum: Checksum | undefined;
}

const jobs = new Map<number, Job>();
const port = parentPort;

port?.on('message', (message: DigestRequest) => {
  switch (message.kind) {
    case 'open':
      jobs.set(message.id, {
        md5: createHash('md5'),
        checksum: message.algorithm ? createChecksum(message.algorithm) : undefined,
      });
      break;
    case 'data': {
      const job = jobs.get(message.id);
      if (!job) break;
      job.md5.update(message.data);
      job.checksum?.update(message.data);
      port.postMessage({ kind: 'taken', id: message.id, bytes: message.data.length } satisfies DigestReply);
      break;
    }
    case 'close': {
      const job = jobs.get(message.id);
      if (!job) break;
      jobs.delete(message.id);
      port.postMessage({
        kind: 'digest',
        id: message.id,
        md5Hex: job.md5.digest('hex'),
        checksum: job.checksum?.digest(),
      } satisfies DigestReply);
      break;
    }
    case 'drop':
      jobs.delete(message.id);
      break;
  }
});
