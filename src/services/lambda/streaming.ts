/**
 * InvokeWithResponseStream (https://docs.aws.amazon.com/lambda/latest/api/API_InvokeWithResponseStream.html):
 * the answer is an AWS event stream (https://docs.aws.amazon.com/transcribe/latest/dg/event-stream.html
 * describes the framing) of `PayloadChunk` events and one `InvokeComplete`. Nimbus's runtimes
 * answer buffered, so the function's whole response is one chunk, as AWS streams a function
 * that does not stream its response. A failed invocation ends with InvokeComplete's
 * ErrorCode (`Unhandled`) and ErrorDetails (the error's JSON); the text of those two fields is
 * our reading, not a recording.
 */
import type { LambdaOperations } from '../../generated/lambda/operations.js';
import type * as T from '../../generated/lambda/types.js';
import { eventMessage } from '../../protocol/event-stream.js';
import type { RequestContext } from '../service-types.js';
import { runInvocation } from './invoke.js';
import type { LambdaState } from './state.js';
import { resolveTarget } from './versions.js';

function event(type: string, contentType: string, payload: Buffer): Buffer {
  return eventMessage({ ':event-type': type, ':content-type': contentType, ':message-type': 'event' }, payload);
}

export function streamingOperations(state: LambdaState) {
  return {
    async invokeWithResponseStream(ctx, input) {
      state.noteEndpoint(ctx.endpoint);
      const target = resolveTarget(state, ctx, input.FunctionName, input.Qualifier, true);
      const payload = input.Payload ? Buffer.from(input.Payload) : Buffer.alloc(0);
      if (input.InvocationType === 'DryRun') return { StatusCode: 204 };
      const result = await runInvocation(state, target.runnable, ctx.requestId, payload, undefined, true, target.arn);
      const complete: Record<string, string> = {};
      if (result.functionError) {
        complete.ErrorCode = result.functionError;
        complete.ErrorDetails = result.payload.toString('utf8');
      }
      // The last 4 KB of the log, as Invoke's X-Amz-Log-Result.
      if (input.LogType === 'Tail')
        complete.LogResult = Buffer.from(result.log, 'utf8').subarray(-4096).toString('base64');
      const frames: Buffer[] = [];
      if (!result.functionError && result.payload.length > 0) {
        frames.push(event('PayloadChunk', 'application/octet-stream', result.payload));
      }
      frames.push(event('InvokeComplete', 'application/json', Buffer.from(JSON.stringify(complete), 'utf8')));
      const out: T.InvokeWithResponseStreamResponse = {
        StatusCode: 200,
        ExecutedVersion: target.version,
        // The serializer writes framed bytes as they are (protocol/rest/rest-protocol.ts `writePayload`).
        EventStream: Buffer.concat(frames) as unknown as T.InvokeWithResponseStreamResponse['EventStream'],
      };
      return out;
    },
  } satisfies Partial<LambdaOperations<RequestContext>>;
}
