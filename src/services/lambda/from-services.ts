/**
 * Invocations on behalf of other Nimbus services (SNS subscriptions now; SQS, DynamoDB Streams
 * and Kinesis event source mappings later): in-process, never over HTTP to ourselves.
 */
import type { InvokeAsyncRequest, InvokeAsyncResponse } from '../../generated/lambda/types.js';
import type { RequestContext } from '../service-types.js';
import { functionNotFound } from './errors.js';
import { type EventQueue, newInvocationId, runInvocation } from './invoke.js';
import { parseFunctionRef, requireLatest } from './names.js';
import { policyAllowsInvoke } from './permissions.js';
import type { LambdaState } from './state.js';
import type { StoredFunction } from './store.js';
import { resolveRef, type Target } from './versions.js';

export interface LambdaFromServices {
  /** Queues an asynchronous (Event) invocation; resolves once it is accepted. Rejects with ResourceNotFoundException for a function that does not exist. */
  invokeEventFromService(functionArn: string, payload: string): Promise<void>;
  /** Runs a RequestResponse invocation and resolves with its payload and whether it failed. */
  invokeSync(functionArn: string, payload: string): Promise<{ payload: string; functionError?: string }>;
  /**
   * Whether the resource policy of what `functionArn` names (function, version or alias) lets
   * `principal` (a service, `s3.amazonaws.com`) invoke it from `sourceArn` (and `sourceAccount`).
   */
  allowsInvoke(functionArn: string, principal: string, sourceArn?: string, sourceAccount?: string): boolean;
}

const arnPattern = /^arn:aws[\w-]*:lambda:([a-z0-9-]+):(\d{12}):function:([^:]+)(?::([^:]+))?$/;

/** What a (possibly qualified) ARN names and runs: an alias picks its version by weight. */
function targetOf(state: LambdaState, arn: string): Target {
  const match = arnPattern.exec(arn);
  if (!match) throw functionNotFound(arn);
  return resolveRef(
    state,
    { region: match[1] as string, account: match[2] as string, name: match[3] as string, qualifier: match[4] },
    true,
  );
}

/** What an event for `arn` runs: $LATEST, or the version the ARN (or its alias) names. */
function functionOf(state: LambdaState, arn: string): StoredFunction {
  return targetOf(state, arn).runnable;
}

export function fromServicesOperations(state: LambdaState, events: EventQueue) {
  async function queue(functionArn: string, payload: string): Promise<void> {
    const fn = functionOf(state, functionArn);
    state.store.transaction(() => events.enqueue(fn, newInvocationId(), Buffer.from(payload, 'utf8')));
  }

  return {
    invokeEventFromService: queue,

    allowsInvoke(functionArn: string, principal: string, sourceArn?: string, sourceAccount?: string): boolean {
      return policyAllowsInvoke(state, functionArn, principal, sourceArn, sourceAccount);
    },

    /** The deprecated InvokeAsync API operation. */
    invokeAsync(ctx: RequestContext, input: InvokeAsyncRequest): Promise<InvokeAsyncResponse> {
      return invokeAsyncOperation(state, events, ctx, input);
    },

    async invokeSync(functionArn: string, payload: string): Promise<{ payload: string; functionError?: string }> {
      const target = targetOf(state, functionArn);
      const result = await runInvocation(
        state,
        target.runnable,
        newInvocationId(),
        Buffer.from(payload, 'utf8'),
        undefined,
        true,
        target.arn,
      );
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
