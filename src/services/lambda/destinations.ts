/**
 * Asynchronous invocation: the function's event invoke config (Put/Get/Update/Delete/List
 * FunctionEventInvokeConfig, https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-configuring.html),
 * its destinations and its dead-letter queue.
 *
 * - MaximumRetryAttempts (0..2, default 2) and MaximumEventAgeInSeconds (60..21600, default 6 h)
 *   bound the Event queue's retries (invoke.ts), one and then two minutes apart by the Nimbus clock.
 * - A finished event goes to OnSuccess or OnFailure (SQS, SNS or another function) as AWS's
 *   destination record, {version, timestamp, requestContext{requestId, functionArn, condition,
 *   approximateInvokeCount}, requestPayload, responseContext, responsePayload}
 *   (test_lambda_destinations.snapshot.json: test_assess_lambda_destination_invocation, test_retries,
 *   test_maxeventage), and a failed one also to the function's DeadLetterConfig: the request payload
 *   with RequestID, ErrorCode and ErrorMessage attributes (TestLambdaDLQ::test_dead_letter_queue).
 * - Deliveries run in the transaction that deletes the event: sent once the event is done, never lost.
 *
 * The texts are those of test_lambda_api.snapshot.json TestLambdaEventInvokeConfig::
 * test_lambda_eventinvokeconfig_exceptions unless a line says otherwise.
 */
import { ResourceNotFoundException } from '../../generated/lambda/errors.js';
import type { LambdaOperations } from '../../generated/lambda/operations.js';
import type * as T from '../../generated/lambda/types.js';
import type { RequestContext } from '../service-types.js';
import type { SnsFromServices } from '../sns/from-services.js';
import type { SqsFromServices } from '../sqs/from-services.js';
import type { InvocationResult } from './environments.js';
import { invalidParameter } from './errors.js';
import type { EventSourceStore } from './event-sources/store.js';
import { type EventOutcomes, type EventQueue, newInvocationId, retryDelaysMs } from './invoke.js';
import { functionArn, latest, parseFunctionRef } from './names.js';
import type { LambdaState } from './state.js';
import type { EventRow, StoredFunction } from './store.js';

const defaultRetries = 2;
const defaultMaxAgeSeconds = 21_600;

function noConfig(arn: string): ResourceNotFoundException {
  const message = `The function ${arn} doesn't have an EventInvokeConfig`;
  return new ResourceNotFoundException(message, { Type: 'User', Message: message });
}

function noFunction(): ResourceNotFoundException {
  const message = "The function doesn't exist.";
  return new ResourceNotFoundException(message, { Type: 'User', Message: message });
}

function parsedOrText(payload: Buffer | undefined): unknown {
  if (!payload || payload.length === 0) return null;
  const text = payload.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Sends a message to an SQS queue, an SNS topic or a function (asynchronously), by its ARN. */
export class Destinations {
  readonly #state: LambdaState;
  readonly #events: EventQueue;

  constructor(state: LambdaState, events: EventQueue) {
    this.#state = state;
    this.#events = events;
  }

  /** Loads what a delivery to `arn` needs; the function it returns sends, in the caller's transaction. */
  async prepare(
    arn: string,
    body: string,
    attributes?: Record<string, { DataType: string; StringValue: string }>,
  ): Promise<() => void> {
    const service = /^arn:aws[\w-]*:([a-z]+):/.exec(arn)?.[1];
    if (service === 'sqs') {
      const sqs = (await this.#state.deps.provider('sqs')) as unknown as SqsFromServices;
      const message = attributes ? { MessageBody: body, MessageAttributes: attributes } : { MessageBody: body };
      const sender = /:(\d{12}):/.exec(arn)?.[1] ?? '';
      return () => sqs.sendFromService(arn, [message], sender);
    }
    if (service === 'sns') {
      const sns = (await this.#state.deps.provider('sns')) as unknown as SnsFromServices;
      await sns.ready();
      return () => {
        sns.publishFromService(arn, body);
      };
    }
    if (service === 'lambda') {
      return () => {
        const match = /^arn:aws[\w-]*:lambda:([a-z0-9-]+):(\d{12}):function:([^:]+)/.exec(arn);
        const fn = match
          ? this.#state.store.get(match[2] as string, match[1] as string, match[3] as string)
          : undefined;
        if (fn) this.#events.enqueue(fn, newInvocationId(), Buffer.from(body, 'utf8'));
      };
    }
    throw new Error(`no destination service for ${arn}`);
  }

  /** Sends now, in a transaction of its own. */
  async deliver(arn: string, body: string, _account: string): Promise<void> {
    const send = await this.prepare(arn, body);
    this.#state.store.transaction(send);
  }
}

/** The Event queue's hooks: retries and deliveries as the function's config asks. */
export function eventOutcomes(state: LambdaState, store: EventSourceStore, destinations: Destinations): EventOutcomes {
  function configOf(fn: StoredFunction): T.FunctionEventInvokeConfig | undefined {
    return store.invokeConfig(fn.account, fn.region, fn.name, latest)?.config;
  }
  return {
    retry(fn, row, attempts) {
      const config = configOf(fn);
      const retries = config?.MaximumRetryAttempts ?? defaultRetries;
      if (attempts > retries) return 'RetriesExhausted';
      const at = state.now() + (retryDelaysMs[attempts - 1] ?? 120_000);
      const maxAgeMs = (config?.MaximumEventAgeInSeconds ?? defaultMaxAgeSeconds) * 1000;
      if (at - row.enqueued_at >= maxAgeMs) return 'EventAgeExceeded';
      return at;
    },

    async finish(fn, row, result, condition, attempts) {
      const config = configOf(fn);
      const target =
        condition === 'Success' ? config?.DestinationConfig?.OnSuccess : config?.DestinationConfig?.OnFailure;
      const sends: Array<() => void> = [];
      if (target?.Destination) {
        const record = destinationRecord(state, fn, row, result, condition, attempts);
        sends.push(await destinations.prepare(target.Destination, JSON.stringify(record)));
      }
      const deadLetter = (fn.config as { DeadLetterConfig?: T.DeadLetterConfig }).DeadLetterConfig?.TargetArn;
      if (condition !== 'Success' && deadLetter) {
        const error = parsedOrText(result?.payload) as { errorMessage?: string } | null;
        const attributes = {
          RequestID: { DataType: 'String', StringValue: row.id },
          ErrorCode: { DataType: 'Number', StringValue: '200' },
          ErrorMessage: { DataType: 'String', StringValue: String(error?.errorMessage ?? 'Unhandled') },
        };
        sends.push(await destinations.prepare(deadLetter, row.payload.toString('utf8'), attributes));
      }
      if (sends.length === 0) return undefined;
      return () => {
        for (const send of sends) {
          try {
            send();
          } catch (error) {
            state.deps.logger.warn(`lambda: event ${row.id} for ${fn.name} could not be delivered: ${error}`);
          }
        }
      };
    },
  };
}

function destinationRecord(
  state: LambdaState,
  fn: StoredFunction,
  row: EventRow,
  result: InvocationResult | undefined,
  condition: string,
  attempts: number,
): Record<string, unknown> {
  const responseContext: Record<string, unknown> = { statusCode: 200, executedVersion: latest };
  if (result?.functionError || !result) responseContext.functionError = result?.functionError ?? 'Unhandled';
  return {
    version: '1.0',
    timestamp: new Date(state.now()).toISOString(),
    requestContext: {
      requestId: row.id,
      functionArn: functionArn(fn.account, fn.region, fn.name, latest),
      condition,
      approximateInvokeCount: attempts,
    },
    requestPayload: parsedOrText(row.payload),
    responseContext,
    responsePayload: parsedOrText(result?.payload),
  };
}

/** A destination's ARN must name SQS, SNS, Lambda (or EventBridge, S3): anything else is refused in AWS's words. */
function checkDestinations(state: LambdaState, fn: StoredFunction, config: T.DestinationConfig | undefined): void {
  const pairs = [
    ['onSuccess', 'OnSuccess', config?.OnSuccess?.Destination],
    ['onFailure', 'OnFailure', config?.OnFailure?.Destination],
  ] as const;
  const self = functionArn(fn.account, fn.region, fn.name);
  for (const [, , arn] of pairs) {
    if (!arn) continue;
    const service = /^arn:aws[\w-]*:([a-z0-9-]+):/.exec(arn)?.[1];
    if (service === 'lambda') {
      const match = /^arn:aws[\w-]*:lambda:([a-z0-9-]+):(\d{12}):function:([^:]+)/.exec(arn);
      if (match && `arn:aws:lambda:${match[1]}:${match[2]}:function:${match[3]}` === self) {
        throw invalidParameter("You can't specify the function as a destination for itself.");
      }
      if (!match || !state.store.get(match[2] as string, match[1] as string, match[3] as string)) {
        throw invalidParameter(`The destination ARN ${arn} is invalid.`);
      }
    } else if (!['sqs', 'sns', 'events', 's3'].includes(service ?? '')) {
      const shown = pairs
        .map(([member, shape, each]) => `${member}=${each ? `${shape}(destination=${each})` : 'null'}`)
        .join(', ');
      throw invalidParameter(`The provided destination config DestinationConfig(${shown}) is invalid.`);
    }
  }
}

function view(
  fn: StoredFunction,
  qualifier: string,
  stored: { config: T.FunctionEventInvokeConfig; lastModified: number },
) {
  const config = stored.config;
  const out: T.FunctionEventInvokeConfig = {
    DestinationConfig: {
      OnFailure: config.DestinationConfig?.OnFailure ?? {},
      OnSuccess: config.DestinationConfig?.OnSuccess ?? {},
    },
    FunctionArn: functionArn(fn.account, fn.region, fn.name, qualifier),
    LastModified: new Date(stored.lastModified),
  };
  if (config.MaximumEventAgeInSeconds !== undefined) out.MaximumEventAgeInSeconds = config.MaximumEventAgeInSeconds;
  if (config.MaximumRetryAttempts !== undefined) out.MaximumRetryAttempts = config.MaximumRetryAttempts;
  return out;
}

export function invokeConfigOperations(state: LambdaState, store: EventSourceStore) {
  /** The function and qualifier a request names; `$LATEST` only (no versions or aliases yet). */
  function target(ctx: RequestContext, name: string, qualifier: string | undefined) {
    const ref = parseFunctionRef(ctx, name, qualifier);
    const fn = state.store.get(ref.account, ref.region, ref.name);
    const resolved = ref.qualifier ?? latest;
    return {
      fn: resolved === latest ? fn : undefined,
      qualifier: resolved,
      arn: functionArn(ref.account, ref.region, ref.name, resolved),
    };
  }

  function write(
    ctx: RequestContext,
    input: T.PutFunctionEventInvokeConfigRequest,
    merge: boolean,
  ): T.FunctionEventInvokeConfig {
    const { fn, qualifier, arn } = target(ctx, input.FunctionName, input.Qualifier);
    if (!fn) throw noFunction();
    const current = store.invokeConfig(fn.account, fn.region, fn.name, qualifier);
    if (merge && !current) throw noConfig(arn);
    if (
      input.MaximumRetryAttempts === undefined &&
      input.MaximumEventAgeInSeconds === undefined &&
      input.DestinationConfig === undefined
    ) {
      throw invalidParameter('You must specify at least one of error handling or destination setting.');
    }
    checkDestinations(state, fn, input.DestinationConfig);
    const config: T.FunctionEventInvokeConfig = merge ? { ...current?.config } : {};
    if (input.MaximumRetryAttempts !== undefined) config.MaximumRetryAttempts = input.MaximumRetryAttempts;
    if (input.MaximumEventAgeInSeconds !== undefined) config.MaximumEventAgeInSeconds = input.MaximumEventAgeInSeconds;
    if (input.DestinationConfig !== undefined) {
      config.DestinationConfig = {
        ...(merge ? config.DestinationConfig : {}),
        ...(input.DestinationConfig.OnSuccess !== undefined ? { OnSuccess: input.DestinationConfig.OnSuccess } : {}),
        ...(input.DestinationConfig.OnFailure !== undefined ? { OnFailure: input.DestinationConfig.OnFailure } : {}),
      };
    }
    const stored = { qualifier, config, lastModified: state.now() };
    store.transaction(() => store.putInvokeConfig(fn.account, fn.region, fn.name, stored));
    return view(fn, qualifier, stored);
  }

  return {
    putFunctionEventInvokeConfig(ctx, input) {
      return write(ctx, input, false);
    },

    updateFunctionEventInvokeConfig(ctx, input) {
      return write(ctx, input, true);
    },

    getFunctionEventInvokeConfig(ctx, input) {
      const { fn, qualifier, arn } = target(ctx, input.FunctionName, input.Qualifier);
      const stored = fn ? store.invokeConfig(fn.account, fn.region, fn.name, qualifier) : undefined;
      if (!fn || !stored) throw noConfig(arn);
      return view(fn, qualifier, stored);
    },

    deleteFunctionEventInvokeConfig(ctx, input) {
      const { fn, qualifier, arn } = target(ctx, input.FunctionName, input.Qualifier);
      const stored = fn ? store.invokeConfig(fn.account, fn.region, fn.name, qualifier) : undefined;
      if (!fn || !stored) throw noConfig(arn);
      store.transaction(() => store.deleteInvokeConfig(fn.account, fn.region, fn.name, qualifier));
    },

    listFunctionEventInvokeConfigs(ctx, input) {
      const { fn } = target(ctx, input.FunctionName, undefined);
      if (!fn) throw noFunction();
      const all = store.invokeConfigs(fn.account, fn.region, fn.name);
      const start = input.Marker !== undefined ? Math.max(0, Number(input.Marker) || 0) : 0;
      const limit = input.MaxItems ?? 50;
      const out: T.ListFunctionEventInvokeConfigsResponse = {
        FunctionEventInvokeConfigs: all.slice(start, start + limit).map((each) => view(fn, each.qualifier, each)),
      };
      if (start + limit < all.length) out.NextMarker = String(start + limit);
      return out;
    },
  } satisfies Partial<LambdaOperations<RequestContext>>;
}
