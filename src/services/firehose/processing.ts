/**
 * What happens to buffered records before they are written: a Lambda transform, dynamic
 * partitioning's metadata extraction, a delimiter after each record.
 *
 * The Lambda contract (https://docs.aws.amazon.com/firehose/latest/dev/data-transformation.html):
 * the function gets `{invocationId, deliveryStreamArn, region, records: [{recordId,
 * approximateArrivalTimestamp, data}]}` with data in base64, and answers `{records: [{recordId,
 * result, data, metadata?: {partitionKeys}}]}`, result `Ok`, `Dropped` or `ProcessingFailed`.
 * An invocation that fails is retried NumberOfRetries times (3 by default); records that fail go
 * to the error output as `processing-failed`
 * (https://docs.aws.amazon.com/firehose/latest/dev/data-transformation-failure-handling.html).
 * The error codes are AWS's where its docs name them (Lambda.FunctionError, Lambda.MissingRecordId,
 * Lambda.DuplicatedRecordId, Lambda.JsonProcessingException); the others are guessed.
 */
import { randomUUID } from 'node:crypto';
import type * as T from '../../generated/firehose/types.js';
import type { LambdaFromServices } from '../lambda/from-services.js';
import { invalidArgument } from './errors.js';
import { extractPartitionKeys, PartitionError, parsePartitionQuery } from './partition-query.js';
import type { FirehoseState } from './state.js';
import type { RecordRow } from './store.js';

export interface Processed {
  record: RecordRow;
  data: Buffer;
  partitionKeys: Record<string, string>;
}

export interface Failed {
  record: RecordRow;
  outputType: 'processing-failed' | 'partitioning-failed' | 'http-endpoint-failed';
  errorCode: string;
  errorMessage: string;
  attempts: number;
  lambdaArn?: string;
}

type Parameters = Partial<Record<T.ProcessorParameterName, string>>;

function parametersOf(processor: T.Processor): Parameters {
  const out: Parameters = {};
  for (const parameter of processor.Parameters ?? []) out[parameter.ParameterName] = parameter.ParameterValue;
  return out;
}

function processorsOf(config: T.ProcessingConfiguration | undefined): T.Processor[] {
  return config?.Enabled === false ? [] : (config?.Processors ?? []);
}

/** Refuses, when a stream is created or updated, what delivery could not do. Texts guessed. */
export function checkProcessing(config: T.ProcessingConfiguration | undefined): void {
  for (const processor of processorsOf(config)) {
    const parameters = parametersOf(processor);
    switch (processor.Type) {
      case 'Lambda':
        if (!parameters.LambdaArn) throw invalidArgument('LambdaArn must be specified for a Lambda processor.');
        break;
      case 'MetadataExtraction':
        if (!parameters.MetadataExtractionQuery) {
          throw invalidArgument('MetadataExtractionQuery must be specified for a MetadataExtraction processor.');
        }
        parsePartitionQuery(parameters.MetadataExtractionQuery);
        break;
      case 'AppendDelimiterToRecord':
        break;
      default:
        throw invalidArgument(`Processor type ${processor.Type} is not supported by Nimbus.`);
    }
  }
}

interface LambdaAnswer {
  records?: Array<{
    recordId?: string;
    result?: string;
    data?: string;
    metadata?: { partitionKeys?: Record<string, unknown> };
  }>;
}

/** Runs the stream's processors over records in arrival order. */
export async function processRecords(
  state: FirehoseState,
  streamArn: string,
  region: string,
  s3: T.ExtendedS3DestinationConfiguration,
  records: RecordRow[],
): Promise<{ ok: Processed[]; failed: Failed[] }> {
  let ok: Processed[] = records.map((record) => ({ record, data: record.data, partitionKeys: {} }));
  const failed: Failed[] = [];
  const processors = processorsOf(s3.ProcessingConfiguration);
  const partitioned = s3.DynamicPartitioningConfiguration?.Enabled === true;
  for (const processor of processors.filter((p) => p.Type === 'Lambda')) {
    ok = await transform(state, streamArn, region, parametersOf(processor), ok, failed);
  }
  if (partitioned) {
    for (const processor of processors.filter((p) => p.Type === 'MetadataExtraction')) {
      const query = parsePartitionQuery(parametersOf(processor).MetadataExtractionQuery ?? '');
      ok = ok.filter((item) => {
        try {
          Object.assign(item.partitionKeys, extractPartitionKeys(query, item.data));
          return true;
        } catch (error) {
          const code =
            error instanceof PartitionError ? error.errorCode : 'DynamicPartitioning.MetadataExtractionFailed';
          failed.push({
            record: item.record,
            outputType: 'partitioning-failed',
            errorCode: code,
            errorMessage: String((error as Error).message),
            attempts: 1,
          });
          return false;
        }
      });
    }
  }
  for (const processor of processors.filter((p) => p.Type === 'AppendDelimiterToRecord')) {
    const delimiter = Buffer.from(unescapeDelimiter(parametersOf(processor).Delimiter ?? '\\n'), 'utf8');
    for (const item of ok) item.data = Buffer.concat([item.data, delimiter]);
  }
  return { ok, failed };
}

/** The Delimiter parameter is written with escapes (`\n`, the default). */
function unescapeDelimiter(text: string): string {
  return text.replace(/\\([nrt\\])/g, (_m, c: string) => ({ n: '\n', r: '\r', t: '\t', '\\': '\\' })[c] ?? c);
}

async function transform(
  state: FirehoseState,
  streamArn: string,
  region: string,
  parameters: Parameters,
  items: Processed[],
  failed: Failed[],
): Promise<Processed[]> {
  const lambdaArn = parameters.LambdaArn as string;
  const retries = Number(parameters.NumberOfRetries ?? 3);
  const chunkBytes = Number(parameters.BufferSizeInMBs ?? 1) * 1024 * 1024;
  const out: Processed[] = [];
  let chunk: Processed[] = [];
  let bytes = 0;
  const chunks: Processed[][] = [];
  for (const item of items) {
    if (chunk.length > 0 && bytes + item.data.length > chunkBytes) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(item);
    bytes += item.data.length;
  }
  if (chunk.length > 0) chunks.push(chunk);
  const lambda = (await state.deps.provider('lambda')) as unknown as LambdaFromServices;
  for (const part of chunks) {
    const event = JSON.stringify({
      invocationId: randomUUID(),
      deliveryStreamArn: streamArn,
      region,
      records: part.map((item) => ({
        recordId: item.record.record_id,
        approximateArrivalTimestamp: item.record.arrived_at,
        data: item.data.toString('base64'),
      })),
    });
    let answer: LambdaAnswer | undefined;
    let failure = { code: '', message: '' };
    let attempts = 0;
    for (; attempts <= retries && !answer; attempts++) {
      try {
        const result = await lambda.invokeSync(lambdaArn, event);
        if (result.functionError) {
          failure = {
            code: 'Lambda.FunctionError',
            message: 'The Lambda function was successfully invoked but it returned an error result.',
          };
          continue;
        }
        const parsed = JSON.parse(result.payload) as LambdaAnswer;
        if (!parsed || !Array.isArray(parsed.records)) throw new SyntaxError('no records array');
        answer = parsed;
      } catch (error) {
        const code = (error as { code?: string }).code;
        failure =
          error instanceof SyntaxError
            ? {
                code: 'Lambda.JsonProcessingException',
                message: 'The Lambda function returned output that is not valid JSON.',
              }
            : { code: `Lambda.${code ?? 'InvokeFailed'}`, message: String((error as Error).message) };
      }
    }
    if (!answer) {
      for (const item of part)
        failed.push({
          record: item.record,
          outputType: 'processing-failed',
          errorCode: failure.code,
          errorMessage: failure.message,
          attempts,
          lambdaArn,
        });
      continue;
    }
    const byId = new Map<string, NonNullable<LambdaAnswer['records']>[number]>();
    const duplicated = new Set<string>();
    for (const entry of answer.records ?? []) {
      if (typeof entry.recordId !== 'string') continue;
      if (byId.has(entry.recordId)) duplicated.add(entry.recordId);
      byId.set(entry.recordId, entry);
    }
    for (const item of part) {
      const entry = byId.get(item.record.record_id);
      const fail = (errorCode: string, errorMessage: string) =>
        failed.push({
          record: item.record,
          outputType: 'processing-failed',
          errorCode,
          errorMessage,
          attempts,
          lambdaArn,
        });
      if (!entry) fail('Lambda.MissingRecordId', 'One or more record Ids were not returned.');
      else if (duplicated.has(item.record.record_id))
        fail('Lambda.DuplicatedRecordId', 'Multiple records were returned with the same record Id.');
      else if (entry.result === 'Dropped') continue;
      else if (entry.result === 'Ok') {
        const keys: Record<string, string> = { ...item.partitionKeys };
        for (const [key, value] of Object.entries(entry.metadata?.partitionKeys ?? {})) keys[key] = String(value);
        out.push({ record: item.record, data: Buffer.from(entry.data ?? '', 'base64'), partitionKeys: keys });
      } else if (entry.result === 'ProcessingFailed') {
        fail('Lambda.ProcessingFailedStatus', 'The Lambda function marked the record as ProcessingFailed.');
      } else
        fail(
          'Lambda.InvalidReturnedStatus',
          `The Lambda function returned an invalid result: ${String(entry.result)}.`,
        );
    }
  }
  return out;
}
