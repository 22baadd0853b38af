/**
 * An SQS event source mapping's poller
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html): one receive loop per mapping,
 * in-process through SQS's long-poll waiters (never a timer that spins), that fills a batch of up
 * to BatchSize messages (more than one receive of ten when BatchSize > 10, for at most
 * MaximumBatchingWindowInSeconds by the Nimbus clock) and hands it to an invocation while fewer
 * than ScalingConfig.MaximumConcurrency batches (default 5, the pollers AWS starts with) are in
 * flight. A batch that succeeds is deleted; one that fails is left to come back after the queue's
 * visibility timeout, so that its redrive policy applies. With ReportBatchItemFailures the
 * function names the messages that failed and the rest are deleted
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html). Messages that no
 * filter matches are deleted unseen, as AWS does. FIFO order holds because SQS gives out no
 * message of a group while another of it is in flight.
 */
import { randomUUID } from 'node:crypto';
import type * as Q from '../../../generated/sqs/types.js';
import type { SqsFromServices } from '../../sqs/from-services.js';
import { runInvocation } from '../invoke.js';
import type { LambdaState } from '../state.js';
import { compileFilters, filterView, type RecordFilter } from './filters.js';
import type { StoredMapping } from './store.js';

const defaultConcurrency = 5;
/** A receive waits at most this long before it is asked again (SQS's longest long poll). */
const longPollMs = 20_000;
/** After an error the poller waits this long (real time) before it tries again. */
const errorPauseMs = 1_000;

function messageAttributes(message: Q.Message): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    const attribute: Record<string, unknown> = {};
    if (value.StringValue !== undefined) attribute.stringValue = value.StringValue;
    if (value.BinaryValue !== undefined) attribute.binaryValue = Buffer.from(value.BinaryValue).toString('base64');
    attribute.stringListValues = [];
    attribute.binaryListValues = [];
    attribute.dataType = value.DataType;
    out[name] = attribute;
  }
  return out;
}

/** A message as Lambda's SQS event shows it (test_message_body_and_attributes_passed_correctly). */
export function sqsRecord(message: Q.Message, queueArn: string, region: string): Record<string, unknown> {
  return {
    messageId: message.MessageId,
    receiptHandle: message.ReceiptHandle,
    body: message.Body,
    attributes: message.Attributes ?? {},
    messageAttributes: messageAttributes(message),
    md5OfMessageAttributes: message.MD5OfMessageAttributes ?? null,
    md5OfBody: message.MD5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/**
 * The messages a ReportBatchItemFailures answer names as failed, or undefined when the whole
 * batch failed: an answer that is not JSON, or an item identifier that is empty, null, missing
 * or not one of the batch's. Null, `{}` and an empty or null list are a full success.
 */
export function failedItems(payload: Buffer, ids: ReadonlySet<string>): Set<string> | undefined {
  let answer: unknown;
  const text = payload.toString('utf8').trim();
  if (text === '' || text === 'null') return new Set();
  try {
    answer = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (answer === null || typeof answer !== 'object') return undefined;
  const failures = (answer as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return undefined;
  const out = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !ids.has(id)) return undefined;
    out.add(id);
  }
  return out;
}

export class SqsPoller {
  readonly #state: LambdaState;
  readonly #mapping: StoredMapping;
  readonly #sqs: () => Promise<SqsFromServices>;
  readonly #abort = new AbortController();
  readonly #filter: RecordFilter | undefined;
  #inFlight = 0;
  #slotFree: (() => void) | undefined;

  constructor(state: LambdaState, mapping: StoredMapping, sqs: () => Promise<SqsFromServices>) {
    this.#state = state;
    this.#mapping = mapping;
    this.#sqs = sqs;
    this.#filter = compileFilters(mapping.config.FilterCriteria);
  }

  start(): void {
    void this.#run();
  }

  stop(): void {
    this.#abort.abort();
    this.#slotFree?.();
  }

  get #stopped(): boolean {
    return this.#abort.signal.aborted;
  }

  async #run(): Promise<void> {
    const limit = this.#mapping.config.ScalingConfig?.MaximumConcurrency ?? defaultConcurrency;
    let sqs: SqsFromServices;
    try {
      sqs = await this.#sqs();
    } catch (error) {
      this.#state.deps.logger.warn(`lambda: mapping ${this.#mapping.uuid} cannot reach SQS: ${error}`);
      return;
    }
    while (!this.#stopped) {
      if (this.#inFlight >= limit) {
        await new Promise<void>((resolve) => {
          this.#slotFree = resolve;
        });
        this.#slotFree = undefined;
        continue;
      }
      try {
        const batch = await this.#gather(sqs);
        if (batch.length === 0 || this.#stopped) continue;
        this.#inFlight++;
        void this.#handle(sqs, batch).finally(() => {
          this.#inFlight--;
          this.#slotFree?.();
        });
      } catch (error) {
        if (this.#stopped) return;
        this.#state.deps.logger.warn(`lambda: mapping ${this.#mapping.uuid} could not receive: ${error}`);
        await new Promise((resolve) => setTimeout(resolve, errorPauseMs).unref());
      }
    }
  }

  async #gather(sqs: SqsFromServices): Promise<Q.Message[]> {
    const config = this.#mapping.config;
    const batchSize = config.BatchSize ?? 10;
    const arn = this.#mapping.sourceArn;
    const clock = this.#state.deps.clock;
    const batch = await sqs.receiveForService(arn, batchSize, clock.now() + longPollMs, this.#abort.signal);
    if (batch.length === 0) return batch;
    const windowEnd = clock.now() + (config.MaximumBatchingWindowInSeconds ?? 0) * 1000;
    while (batch.length < batchSize && clock.now() < windowEnd && !this.#stopped) {
      batch.push(...(await sqs.receiveForService(arn, batchSize - batch.length, windowEnd, this.#abort.signal)));
    }
    return batch;
  }

  async #handle(sqs: SqsFromServices, batch: Q.Message[]): Promise<void> {
    const state = this.#state;
    const mapping = this.#mapping;
    const records = batch.map((message) => sqsRecord(message, mapping.sourceArn, mapping.region));
    const filter = this.#filter;
    const passing = filter
      ? records.filter((record) => filter(filterView(record, 'body', String(record.body))))
      : records;
    const handles = new Map(records.map((record) => [record.messageId as string, record.receiptHandle as string]));
    let done: string[] = [...handles.keys()];
    if (passing.length > 0) {
      const fn = state.store.get(mapping.account, mapping.region, mapping.functionName);
      let failed: Set<string> | undefined;
      if (!fn) failed = undefined;
      else {
        try {
          const payload = Buffer.from(JSON.stringify({ Records: passing }));
          const result = await runInvocation(state, fn, randomUUID(), payload, undefined, false);
          if (result.functionError) failed = undefined;
          else if (mapping.config.FunctionResponseTypes?.includes('ReportBatchItemFailures')) {
            failed = failedItems(result.payload, new Set(passing.map((record) => record.messageId as string)));
          } else failed = new Set();
        } catch (error) {
          state.deps.logger.warn(`lambda: mapping ${mapping.uuid} could not invoke ${mapping.functionName}: ${error}`);
          failed = undefined;
        }
      }
      const passed = new Set(passing.map((record) => record.messageId as string));
      // What failed stays in flight until the visibility timeout ends.
      done = done.filter((id) => !passed.has(id) || (failed !== undefined && !failed.has(id)));
    }
    if (done.length === 0) return;
    try {
      sqs.deleteForService(
        mapping.sourceArn,
        done.map((id) => handles.get(id) as string),
      );
    } catch (error) {
      state.deps.logger.warn(`lambda: mapping ${mapping.uuid} could not delete its batch: ${error}`);
    }
  }
}
