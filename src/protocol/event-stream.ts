/**
 * The AWS event stream encoding (`application/vnd.amazon.eventstream`), as SDK v3's
 * @smithy/eventstream-codec reads it and https://docs.aws.amazon.com/transcribe/latest/dg/event-stream.html
 * describes it: each message is a prelude (total length, headers length, CRC32 of those 8
 * bytes), the headers (name length, name, type 7 = string, value length, value), the payload, and
 * a CRC32 of everything before it. Integers are big-endian.
 *
 * Message kinds, by the `:message-type` header: `event` (with `:event-type`, the union member
 * it carries, and `:content-type`), `exception` (with `:exception-type`, a modelled error the
 * stream's union lists; the payload is the error's members) and `error` (with `:error-code` and
 * `:error-message`, anything else). An exception or error ends the stream.
 *
 * `eventStreamBody` turns a provider's events into a Readable of framed messages, reading the
 * next event only when the reader wants more bytes (HTTP/2 flow control reaches the provider),
 * and giving the source's `return()` at once when the body is destroyed, so that a waiting
 * provider can let go of what it holds.
 */
import { Readable } from 'node:stream';

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

/** An `event` message carrying the union member `type`. */
export function eventFrame(type: string, contentType: string, payload: Buffer): Buffer {
  return eventMessage({ ':event-type': type, ':content-type': contentType, ':message-type': 'event' }, payload);
}

/** An `exception` message: a modelled error of the stream's union, its members as the payload. */
export function exceptionFrame(code: string, contentType: string, payload: Buffer): Buffer {
  return eventMessage({ ':exception-type': code, ':content-type': contentType, ':message-type': 'exception' }, payload);
}

/** An `error` message: a failure the stream's union does not model. */
export function errorFrame(code: string, message: string): Buffer {
  return eventMessage({ ':error-code': code, ':error-message': message, ':message-type': 'error' }, Buffer.alloc(0));
}

export interface EventFramer<T> {
  /** The message for one event the source yielded. */
  event(value: T): Buffer;
  /** The last message, for what the source threw. */
  failure(error: unknown): Buffer;
}

/**
 * A Readable of framed messages: `first` (an initial-response), then one message per event of
 * `source`, then the message for what it threw, if it threw. Destroying the Readable (the client
 * went away) calls the source's `return()` without waiting for a pending `next()`.
 */
export function eventStreamBody<T>(
  first: Buffer | undefined,
  source: AsyncIterator<T>,
  framer: EventFramer<T>,
): Readable {
  let pending = false;
  let finished = false;
  const finish = (): void => {
    if (finished) return;
    finished = true;
    source.return?.()?.catch(() => {});
  };
  const body = new Readable({
    read() {
      if (pending || finished) return;
      pending = true;
      source.next().then(
        (result) => {
          pending = false;
          if (finished) return;
          if (result.done) {
            finished = true;
            body.push(null);
            return;
          }
          body.push(framer.event(result.value));
        },
        (error: unknown) => {
          pending = false;
          if (finished) return;
          finished = true;
          body.push(framer.failure(error));
          body.push(null);
        },
      );
    },
    destroy(error, callback) {
      finish();
      callback(error);
    },
  });
  if (first) body.push(first);
  return body;
}
