/**
 * Invocations on behalf of other Nimbus services (SNS subscriptions now; SQS, DynamoDB Streams
 * and Kinesis event source mappings later): in-process, never over HTTP to ourselves.
 */
import type { InvokeAsyncRequest, InvokeAsyncResponse } from '../../generated/lambda/types.js';
import type { RequestContext } from '../service-types.js';
import { functionNotFound } from './errors.js';
import { type EventQueue, newInvocationId, runInvocation } from './invoke.js';
import { latest, parseFunctionRef, requireLatest } from './names.js';
import type { LambdaState } from './state.js';
import type { StoredFunction } from './store.js';

export interface LambdaFromServices {
  /** Queues an asynchronous (Event) invocation; resolves once it is accepted. Rejects with ResourceNotFoundException for a function that does not exist. */
  invokeEventFromService(functionArn: string, payload: string): Promise<void>;
  /** Runs a RequestResponse invocation and resolves with its payload and whether it failed. */
  invokeSync(functionArn: string, payload: string): Promise<{ payload: string; functionError?: string }>;
}

const arnPattern = /^arn:aws[\w-]*:lambda:([a-z0-9-]+):(\d{12}):function:([^:]+)(?::([^:]+))?$/;

function functionOf(state: LambdaState, arn: string): StoredFunction {
  const match = arnPattern.exec(arn);
  const qualifier = match?.[4];
  const fn = match ? state.store.get(match[2] as string, match[1] as string, match[3] as string) : undefined;
  if (!fn || (qualifier !== undefined && qualifier !== latest)) throw functionNotFound(arn);
  return fn;
}

export function fromServicesOperations(state: LambdaState, events: EventQueue) {
  async function queue(functionArn: string, payload: string): Promise<void> {
    const fn = functionOf(state, functionArn);
    state.store.transaction(() => events.enqueue(fn, newInvocationId(), Buffer.from(payload, 'utf8')));
  }

  return {
    invokeEventFromService: queue,

    /** The deprecated InvokeAsync API operation. */
    invokeAsync(ctx: RequestContext, input: InvokeAsyncRequest): Promise<InvokeAsyncResponse> {
      return invokeAsyncOperation(state, events, ctx, input);
    },

    async invokeSync(functionArn: string, payload: string): Promise<{ payload: string; functionError?: string }> {
      const fn = functionOf(state, functionArn);
      const result = await runInvocation(state, fn, newInvocationId(), Buffer.from(payload, 'utf8'), undefined, true);
      const out: { payload: string; functionError?: string } = { payload: result.payload.toString('utf8') };
      if (result.functionError) out.functionError = result.functionError;
      return out;
    },
  };
}

/** InvokeAsync (deprecated): an Event invocation that answers `Status: 202`. */
async function invokeAsyncOperation(
  state: LambdaState,
  events: EventQueue,
  ctx: RequestContext,
  input: InvokeAsyncRequest,
): Promise<InvokeAsyncResponse> {
  state.noteEndpoint(ctx.endpoint);
  const ref = parseFunctionRef(ctx, input.FunctionName);
  const fn = state.store.get(ref.account, ref.region, ref.name);
  requireLatest(ref, fn !== undefined);
  const body = input.InvokeArgs as unknown;
  let payload: Buffer;
  if (body instanceof Uint8Array) payload = Buffer.from(body);
  else {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk);
    payload = Buffer.concat(chunks);
  }
  state.store.transaction(() => events.enqueue(fn as StoredFunction, ctx.requestId, payload));
  return { Status: 202 };
}
