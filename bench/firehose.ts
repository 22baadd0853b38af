/**
 * The Firehose figure, against a Nimbus that keeps its state on disk: PutRecordBatch of 500 1 KB
 * records a request at 8 connections into a DirectPut stream with an S3 destination, and the
 * sustained rate at which those bytes reach S3 (from the first put to the last delivered object,
 * counted back from the bucket's listing). Buffering: 16 MiB or 1 s, whichever comes first.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type autocannon from 'autocannon';
import {
  type BenchSettings,
  call,
  emit,
  load,
  nimbusPattern,
  nimbusScript,
  type Request,
  round,
  signed,
  startProcess,
  stopProcess,
} from './lib.js';

const record1k = Buffer.alloc(1023, 'f').toString('base64');
const recordsPerRequest = 500;

function firehose(operation: string, input: unknown): Request {
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `Firehose_20150804.${operation}`,
      authorization: signed('firehose'),
      'x-amz-date': '20260101T000000Z',
    },
    body: JSON.stringify(input),
  };
}

function s3Headers(): Record<string, string> {
  return {
    authorization: signed('s3'),
    'x-amz-date': '20260101T000000Z',
    'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
  };
}

/** The total size of a bucket's objects, through ListObjectsV2 pages. */
async function bucketBytes(port: number, bucket: string): Promise<{ bytes: number; objects: number }> {
  let bytes = 0;
  let objects = 0;
  let token = '';
  for (;;) {
    const query = `list-type=2${token ? `&continuation-token=${encodeURIComponent(token)}` : ''}`;
    const response = await fetch(`http://127.0.0.1:${port}/${bucket}?${query}`, { headers: s3Headers() });
    const xml = await response.text();
    for (const match of xml.matchAll(/<Size>(\d+)<\/Size>/g)) {
      bytes += Number(match[1]);
      objects++;
    }
    const next = /<NextContinuationToken>([^<]+)<\/NextContinuationToken>/.exec(xml)?.[1];
    if (!next) return { bytes, objects };
    token = next;
  }
}

export async function benchFirehose(settings: BenchSettings): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nimbus-bench-'));
  const nimbus = await startProcess(
    [nimbusScript, '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'],
    nimbusPattern,
  );
  const { port } = nimbus;
  try {
    await fetch(`http://127.0.0.1:${port}/landing`, { method: 'PUT', headers: s3Headers() });
    await call(
      port,
      firehose('CreateDeliveryStream', {
        DeliveryStreamName: 'bench',
        DeliveryStreamType: 'DirectPut',
        ExtendedS3DestinationConfiguration: {
          BucketARN: 'arn:aws:s3:::landing',
          RoleARN: 'arn:aws:iam::000000000000:role/firehose',
          BufferingHints: { SizeInMBs: 16, IntervalInSeconds: 1 },
        },
      }),
    );
    const batch = firehose('PutRecordBatch', {
      DeliveryStreamName: 'bench',
      Records: Array.from({ length: recordsPerRequest }, () => ({ Data: record1k })),
    });
    const started = performance.now();
    const result = await load(port, settings, { requests: [batch as autocannon.Request] }, 8);
    const putSeconds = (performance.now() - started) / 1000;
    const sentBytes = Math.round(result.rps * settings.seconds) * recordsPerRequest * 1023;
    // Wait until the bucket holds what was put (or stops growing), then time the whole.
    let delivered = { bytes: 0, objects: 0 };
    let last = -1;
    let finished = performance.now();
    for (let i = 0; i < 600; i++) {
      delivered = await bucketBytes(port, 'landing');
      if (delivered.bytes !== last) finished = performance.now();
      if (delivered.bytes >= sentBytes * 0.99 || (delivered.bytes === last && i > 20)) break;
      last = delivered.bytes;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const seconds = (finished - started) / 1000;
    emit({
      figure: 'firehose_to_s3_mb_per_second',
      record_bytes: 1023,
      records_per_request: recordsPerRequest,
      connections: 8,
      put_seconds: round(putSeconds),
      put_requests_per_second: result.rps,
      delivered_mb: round(delivered.bytes / 1048576),
      objects: delivered.objects,
      seconds: round(seconds),
      mb_per_second: round(delivered.bytes / 1048576 / seconds),
      errors: result.errors,
      goal: '>= 20 MB/s',
    });
  } finally {
    await stopProcess(nimbus.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
