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
import type { RequestContext } from '../service-types.js';
import { runInvocation } from './invoke.js';
import type { LambdaState } from './state.js';
import { resolveTarget } from './versions.js';

const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (crcTable[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** One event-stream message: prelude (lengths, CRC), string headers, payload, message CRC. */
export function eventMessage(headers: Record<string, string>, payload: Buffer): Buffer {
  const headerParts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const nameBytes = Buffer.from(name, 'utf8');
    const valueBytes = Buffer.from(value, 'utf8');
    const part = Buffer.alloc(1 + nameBytes.length + 1 + 2 + valueBytes.length);
    part.writeUInt8(nameBytes.length, 0);
    nameBytes.copy(part, 1);
    part.writeUInt8(7, 1 + nameBytes.length); // 7: a string value
    part.writeUInt16BE(valueBytes.length, 2 + nameBytes.length);
    valueBytes.copy(part, 4 + nameBytes.length);
    headerParts.push(part);
  }
  const headerBytes = Buffer.concat(headerParts);
  const total = 12 + headerBytes.length + payload.length + 4;
  const message = Buffer.alloc(total);
  message.writeUInt32BE(total, 0);
  message.writeUInt32BE(headerBytes.length, 4);
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8);
  headerBytes.copy(message, 12);
  payload.copy(message, 12 + headerBytes.length);
  message.writeUInt32BE(crc32(message.subarray(0, total - 4)), total - 4);
  return message;
}

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
