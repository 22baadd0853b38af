/**
 * ExportTableToPointInTime, DescribeExport and ListExports: a full export in DynamoDB JSON,
 * written into a bucket of Nimbus's S3 in-process (S3FromServices.putObjectFromService).
 *
 * The layout is AWS's (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/S3DataExport.Output.html,
 * and what scylladb's test/alternator/test_export.py observed of real AWS): under
 * `[prefix/]AWSDynamoDB/<exportId>/` an empty `_started`, `data/<name>.json.gz` (one
 * `{"Item":{...}}` line per item), `manifest-files.json` (one line per data file with its
 * itemCount, md5Checksum, etag and dataFileS3Key), `manifest-summary.json`, and beside each
 * manifest a `.md5` holding its base64 MD5.
 *
 * The items are read in the request's transaction (the table at ExportTime, through the
 * recovery history when that is earlier than now), then written to S3; the answer says
 * IN_PROGRESS, as AWS's does, and waits for the writes, so that DescribeExport says COMPLETED (or
 * FAILED: a missing bucket is S3NoSuchBucket, as test_export_nonexistent_bucket saw) at once.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { AwsError } from '../../../errors/aws-error.js';
import { ValidationException } from '../../../errors/common.js';
import {
  ExportConflictException,
  ExportNotFoundException,
  InvalidExportTimeException,
} from '../../../generated/dynamodb/errors.js';
import type * as T from '../../../generated/dynamodb/types.js';
import type { S3FromServices } from '../../s3/from-services.js';
import type { RequestContext } from '../../service-types.js';
import type { DynamodbState } from '../state.js';
import { timedId } from './backups.js';
import { pitrUnavailable, tableNotFoundByName } from './errors.js';
import { recoveryWindow } from './pitr.js';
import type { BackupStore } from './store.js';

const gzipAsync = promisify(gzip);
/** Items per data file (AWS writes one or more per partition). */
const itemsPerFile = 50_000;
/** A ClientToken binds its parameters for 8 hours (API_ExportTableToPointInTime.html#DDB-ExportTableToPointInTime-request-ClientToken). */
const tokenWindow = 8 * 3_600_000;

/** What dynamodb_exports' description column holds: the ExportDescription, times as epoch ms. */
interface StoredExport extends Omit<T.ExportDescription, 'StartTime' | 'EndTime' | 'ExportTime'> {
  StartTime: number;
  EndTime?: number;
  ExportTime: number;
}

function describeExport(stored: StoredExport): T.ExportDescription {
  const { StartTime, EndTime, ExportTime, ...rest } = stored;
  const out: T.ExportDescription = { ...rest, StartTime: new Date(StartTime), ExportTime: new Date(ExportTime) };
  if (EndTime !== undefined) out.EndTime = new Date(EndTime);
  return out;
}

/** A data file's name: 26 characters of lower-case base32, as AWS's look. */
function fileName(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return Array.from(randomBytes(26), (byte) => alphabet[byte % 32]).join('');
}

function md5Base64(bytes: Buffer | string): string {
  return createHash('md5').update(bytes).digest('base64');
}

function fingerprint(input: T.ExportTableToPointInTimeInput): string {
  const { ClientToken: _token, ...rest } = input;
  return JSON.stringify(rest, (_key, value) => (value instanceof Date ? value.getTime() : value));
}

interface Snapshot {
  files: string[][];
  itemCount: number;
  bytes: number;
}

export function exportOperations(state: DynamodbState, store: BackupStore, s3: () => Promise<S3FromServices>) {
  function snapshot(tableId: number, at: number): Snapshot {
    const files: string[][] = [[]];
    let itemCount = 0;
    let bytes = 0;
    for (const row of store.itemsAt(tableId, at)) {
      let file = files[files.length - 1] as string[];
      if (file.length >= itemsPerFile) {
        file = [];
        files.push(file);
      }
      file.push(`{"Item":${row.item}}\n`);
      itemCount++;
      bytes += row.size;
    }
    return { files, itemCount, bytes };
  }

  async function write(stored: StoredExport, base: string, taken: Snapshot): Promise<StoredExport> {
    const bucket = stored.S3Bucket as string;
    try {
      const target = await s3();
      await target.putObjectFromService(bucket, `${base}/_started`, new Uint8Array(), 'application/octet-stream');
      const manifestLines: string[] = [];
      for (const lines of taken.files) {
        const key = `${base}/data/${fileName()}.json.gz`;
        const gz = await gzipAsync(lines.join(''));
        const put = await target.putObjectFromService(bucket, key, gz, 'application/x-gzip');
        manifestLines.push(
          `${JSON.stringify({ itemCount: lines.length, md5Checksum: md5Base64(gz), etag: put.ETag.replace(/"/g, ''), dataFileS3Key: key })}\n`,
        );
      }
      const manifestFiles = manifestLines.join('');
      const manifestFilesKey = `${base}/manifest-files.json`;
      await target.putObjectFromService(bucket, manifestFilesKey, Buffer.from(manifestFiles), 'application/json');
      await target.putObjectFromService(
        bucket,
        `${base}/manifest-files.md5`,
        Buffer.from(md5Base64(manifestFiles)),
        'text/plain',
      );
      const end = state.now();
      const summary = JSON.stringify({
        version: '2020-06-30',
        exportArn: stored.ExportArn,
        startTime: new Date(stored.StartTime).toISOString(),
        endTime: new Date(end).toISOString(),
        tableArn: stored.TableArn,
        tableId: stored.TableId,
        exportTime: new Date(stored.ExportTime).toISOString(),
        s3Bucket: bucket,
        s3Prefix: stored.S3Prefix ?? null,
        s3SseAlgorithm: stored.S3SseAlgorithm ?? 'AES256',
        s3SseKmsKeyId: stored.S3SseKmsKeyId ?? null,
        manifestFilesS3Key: manifestFilesKey,
        billedSizeBytes: taken.bytes,
        itemCount: taken.itemCount,
        outputFormat: 'DYNAMODB_JSON',
      });
      const summaryKey = `${base}/manifest-summary.json`;
      await target.putObjectFromService(bucket, summaryKey, Buffer.from(summary), 'application/json');
      await target.putObjectFromService(
        bucket,
        `${base}/manifest-summary.md5`,
        Buffer.from(md5Base64(summary)),
        'text/plain',
      );
      return {
        ...stored,
        ExportStatus: 'COMPLETED',
        EndTime: end,
        ExportManifest: summaryKey,
        ItemCount: taken.itemCount,
        BilledSizeBytes: taken.bytes,
      };
    } catch (error) {
      if (!(error instanceof AwsError)) state.logger.warn(`dynamodb: export ${stored.ExportArn} failed: ${error}`);
      const failed: StoredExport = { ...stored, ExportStatus: 'FAILED', EndTime: state.now() };
      if (error instanceof AwsError && error.code === 'NoSuchBucket') {
        failed.FailureCode = 'S3NoSuchBucket';
        failed.FailureMessage = 'The specified bucket does not exist';
      } else {
        failed.FailureCode = error instanceof AwsError ? `S3${error.code}` : 'UnknownError';
        failed.FailureMessage = error instanceof Error ? error.message : String(error);
      }
      return failed;
    }
  }

  return {
    async exportTableToPointInTime(
      ctx: RequestContext,
      input: T.ExportTableToPointInTimeInput,
    ): Promise<T.ExportTableToPointInTimeOutput> {
      if (!input.TableArn.startsWith('arn:')) {
        // Not on record: AWS answers a ValidationException that names TableArn (test_export.py).
        throw new ValidationException(`Invalid TableArn: ${input.TableArn}`);
      }
      const table = state.findTable(ctx, input.TableArn);
      if (!table) throw tableNotFoundByName(ctx, input.TableArn);
      if (input.ExportFormat === 'ION') {
        throw new ValidationException('ExportFormat ION is not supported by Nimbus; use DYNAMODB_JSON');
      }
      if (input.ExportType === 'INCREMENTAL_EXPORT' || input.IncrementalExportSpecification) {
        throw new ValidationException('ExportType INCREMENTAL_EXPORT is not supported by Nimbus; use FULL_EXPORT');
      }
      const pitr = store.pitr(table.id);
      if (!pitr) throw pitrUnavailable(table.name);
      const now = state.now();
      if (input.ClientToken !== undefined) {
        const previous = store.exportByToken(ctx.account, ctx.region, input.ClientToken);
        const previousExport = previous ? (JSON.parse(previous.description) as StoredExport) : undefined;
        if (previous && previousExport && previousExport.StartTime > now - tokenWindow) {
          // Not on record beyond its start, "Duplicate request detected" (test_export.py).
          if (previous.fingerprint !== fingerprint(input)) {
            throw new ExportConflictException(
              `Duplicate request detected with different parameters for ClientToken ${input.ClientToken}`,
            );
          }
          return { ExportDescription: describeExport(previousExport) };
        }
      }
      const window = recoveryWindow(pitr, now);
      const at = input.ExportTime?.getTime() ?? now;
      if (at < window.earliest || at > window.latest) {
        // Not on record: AWS's text (test_export.py matches only "ExportTime").
        throw new InvalidExportTimeException('ExportTime must be within the point in time recovery window');
      }
      store.trimLog(table.id, window.earliest);
      const arn = `${table.arn}/export/${timedId(now)}`;
      const exportId = arn.slice(arn.lastIndexOf('/') + 1);
      const prefix = input.S3Prefix?.replace(/\/+$/, '');
      const base = prefix ? `${prefix}/AWSDynamoDB/${exportId}` : `AWSDynamoDB/${exportId}`;
      const token = input.ClientToken ?? randomUUID();
      // AWS leaves ExportType out of the description unless the request named it (test_export_basic).
      const stored: StoredExport = {
        ExportArn: arn,
        ExportStatus: 'IN_PROGRESS',
        StartTime: now,
        TableArn: table.arn,
        TableId: table.definition.TableId,
        ExportTime: at,
        ClientToken: token,
        S3Bucket: input.S3Bucket,
        ExportFormat: 'DYNAMODB_JSON',
      };
      if (input.S3BucketOwner !== undefined) stored.S3BucketOwner = input.S3BucketOwner;
      if (input.S3Prefix !== undefined) stored.S3Prefix = input.S3Prefix;
      if (input.S3SseAlgorithm !== undefined) stored.S3SseAlgorithm = input.S3SseAlgorithm;
      if (input.S3SseKmsKeyId !== undefined) stored.S3SseKmsKeyId = input.S3SseKmsKeyId;
      if (input.ExportType !== undefined) stored.ExportType = input.ExportType;
      const taken = snapshot(table.id, at);
      store.insertExport(table.account, table.region, {
        arn,
        table_arn: table.arn,
        client_token: token,
        fingerprint: fingerprint(input),
        description: JSON.stringify(stored),
      });
      const answer = describeExport(stored);
      const finished = await write(stored, base, taken);
      state.db.transaction(() => store.updateExport(arn, JSON.stringify(finished)));
      return { ExportDescription: answer };
    },

    describeExport(ctx: RequestContext, input: T.DescribeExportInput): T.DescribeExportOutput {
      // Not on record beyond its start: a table ARN is "Invalid Export ARN" (test_describe_export_nonexistent).
      if (!/^arn:aws[\w-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[^/]+\/export\/[^/]+$/.test(input.ExportArn)) {
        throw new ValidationException('Invalid Export ARN');
      }
      const row = store.exportByArn(input.ExportArn);
      const stored = row ? (JSON.parse(row.description) as StoredExport) : undefined;
      if (!stored || !input.ExportArn.includes(`:${ctx.account}:`)) {
        // Not on record: the text follows BackupNotFoundException's.
        throw new ExportNotFoundException(`Export not found: ${input.ExportArn}`);
      }
      return { ExportDescription: describeExport(stored) };
    },

    listExports(ctx: RequestContext, input: T.ListExportsInput): T.ListExportsOutput {
      let before = Number.MAX_SAFE_INTEGER;
      if (input.NextToken !== undefined) {
        before = Number.parseInt(Buffer.from(input.NextToken, 'base64url').toString(), 10);
        // Not on record: AWS's text for a token it did not give.
        if (!Number.isSafeInteger(before)) throw new ValidationException('Invalid NextToken');
      }
      const limit = input.MaxResults ?? 25;
      const rows = store.listExports(ctx.account, ctx.region, input.TableArn, before, limit + 1);
      const page = rows.slice(0, limit);
      const out: T.ListExportsOutput = {
        ExportSummaries: page.map((row) => {
          const stored = JSON.parse(row.description) as StoredExport;
          return {
            ExportArn: row.arn,
            ExportStatus: stored.ExportStatus,
            ExportType: stored.ExportType ?? 'FULL_EXPORT',
          };
        }),
      };
      const last = page[page.length - 1];
      if (rows.length > limit && last) out.NextToken = Buffer.from(String(last.id)).toString('base64url');
      return out;
    },
  };
}
