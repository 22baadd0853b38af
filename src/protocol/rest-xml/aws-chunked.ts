/**
 * The `Content-Encoding: aws-chunked` request body of S3 uploads, decoded as it streams.
 *
 * Specs: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html and
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html. The
 * `x-amz-content-sha256` header names the framing:
 *
 * - `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`: `<hex size>;chunk-signature=<64 hex>\r\n<data>\r\n`
 *   per chunk, ending `0;chunk-signature=<64 hex>\r\n\r\n`.
 * - `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: `<hex size>\r\n<data>\r\n` per chunk, then `0\r\n`,
 *   trailer lines `name:value\r\n` (those `x-amz-trailer` names) and a closing `\r\n`.
 * - `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`: signed chunks, `0;chunk-signature=...\r\n`,
 *   the trailers, `x-amz-trailer-signature:<64 hex>\r\n` and `\r\n`.
 * - The SigV4a forms (`STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD[-TRAILER]`) have the same
 *   framing with ECDSA signatures, hex padded with `*` to 144 characters.
 *
 * Signatures are checked for shape and skipped: Nimbus verifies no signatures. The decoded
 * length must equal `x-amz-decoded-content-length` when the caller passes it.
 *
 * What clients send (recorded against a local capture server; the tests replay these bodies):
 * - SDK v3 (`@aws-sdk/client-s3` 3.1175, default `requestChecksumCalculation: WHEN_SUPPORTED`):
 *   a string, Buffer or Uint8Array body goes plain with `x-amz-checksum-crc32` in a header. A
 *   Node Readable goes aws-chunked, `STREAMING-UNSIGNED-PAYLOAD-TRAILER`, `x-amz-trailer:
 *   x-amz-checksum-crc32` (or the `ChecksumAlgorithm` asked for), `Transfer-Encoding: chunked`,
 *   one aws chunk per `data` event of the source: 64 KiB from `fs.createReadStream`, whatever the
 *   producer wrote otherwise (a 6-byte chunk is sent as one), so chunks under S3's 8 KiB minimum
 *   are common. `requestStreamBufferSize: 8192` (or more) merges them into chunks of at least
 *   that size. With no `ContentLength` and no file to stat, the SDK fails before sending (it
 *   sets `x-amz-decoded-content-length: undefined`); a Blob or web ReadableStream body fails
 *   too ("Unable to calculate hash for flowing readable stream"). With `WHEN_REQUIRED` a stream
 *   goes plain with `UNSIGNED-PAYLOAD`. lib-storage's `Upload` sends Buffers: plain parts with
 *   header checksums. SDK v3 never sends the signed framings.
 * - AWS CLI v1 (botocore 1.43): over https, aws-chunked `STREAMING-UNSIGNED-PAYLOAD-TRAILER` in
 *   1 MiB chunks with `Expect: 100-continue`; over plain http (as to Nimbus) the checksum goes in
 *   a header and the body plain, since botocore sends trailers only over TLS.
 * - The signed framings come from other SDKs (Java, .NET) and tools such as MinIO's mc
 *   (versity/versitygw#377).
 *
 * Leniency, where AWS's behaviour is not recorded here: the body may end at any line boundary
 * after the final `0` chunk's size line (a missing closing `\r\n`), and in trailer framings an
 * empty line may come between that line and the trailers: AWS's own trailer example is printed
 * that way and some implementations copy it.
 */
import { Transform, type TransformCallback } from 'node:stream';

export type StreamingPayload =
  | 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD'
  | 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER'
  | 'STREAMING-UNSIGNED-PAYLOAD-TRAILER'
  | 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD'
  | 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER';

interface Framing {
  /** The shape of a `chunk-signature`, or undefined when chunks carry none. */
  signature: RegExp | undefined;
  trailers: boolean;
}

const hmac = /^[0-9a-fA-F]{64}$/;
const ecdsa = /^[0-9a-fA-F]{1,144}\**$/;

const framings: Record<StreamingPayload, Framing> = {
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD': { signature: hmac, trailers: false },
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER': { signature: hmac, trailers: true },
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER': { signature: undefined, trailers: true },
  'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD': { signature: ecdsa, trailers: false },
  'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER': { signature: ecdsa, trailers: true },
};

/** Whether an `x-amz-content-sha256` value announces an aws-chunked body. */
export function isStreamingPayload(contentSha256: string | undefined): contentSha256 is StreamingPayload {
  return contentSha256 !== undefined && Object.hasOwn(framings, contentSha256);
}

/** The names an `x-amz-trailer` header declares, lowercased (a comma-separated list). */
export function parseTrailerHeader(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
}

/** S3's smallest chunk but the last ("Only the last chunk is allowed to have a size less than 8192 bytes"). */
export const s3MinChunkSize = 8192;

export interface AwsChunkedOptions {
  /** The `x-amz-content-sha256` value: which framing the body has. */
  payload: StreamingPayload;
  /** `x-amz-decoded-content-length`: the decoded body must be exactly this long. */
  decodedContentLength?: number;
  /**
   * The `x-amz-trailer` header (or its names). When given, the trailers must be exactly these;
   * when absent, any trailers are accepted.
   */
  trailer?: string | readonly string[];
  /**
   * Every chunk but the last must be at least this long (`s3MinChunkSize` is S3's rule, which
   * fails SDK v3 streams of small writes as AWS does); unchecked when absent.
   */
  minChunkSize?: number;
}

/**
 * Why a body was refused, for the caller to map to S3's errors:
 * - `IncompleteBody`: the body ended before its last chunk was complete (S3's IncompleteBody).
 * - `MalformedChunk`: a size line, chunk signature or chunk terminator is not as the framing says.
 * - `MalformedTrailer`: a trailer line is malformed, missing, undeclared, repeated or unsigned.
 * - `DecodedLengthMismatch`: the chunks hold more or fewer bytes than `x-amz-decoded-content-length`.
 * - `ChunkTooSmall`: a chunk but the last is under `minChunkSize` (S3's InvalidChunkSizeError).
 */
export type AwsChunkedErrorReason =
  | 'IncompleteBody'
  | 'MalformedChunk'
  | 'MalformedTrailer'
  | 'DecodedLengthMismatch'
  | 'ChunkTooSmall';

export interface AwsChunkedErrorDetails {
  /** DecodedLengthMismatch: the declared length, and the length decoded (so far, if more). */
  expected?: number;
  actual?: number;
  /**
   * ChunkTooSmall: S3's `Chunk` and `BadChunkSize`. S3 counts from 1 and names the chunk whose
   * arrival showed that the one before it was not the last, with that earlier chunk's size
   * ("hello" in chunks of 3 and 2 and a third chunk: Chunk 2, BadChunkSize 3; recorded in
   * versity/versitygw#1683 and #1665).
   */
  chunk?: number;
  badChunkSize?: number;
}

export class AwsChunkedError extends Error {
  override readonly name = 'AwsChunkedError';

  constructor(
    readonly reason: AwsChunkedErrorReason,
    message: string,
    readonly details: AwsChunkedErrorDetails = {},
  ) {
    super(message);
  }
}

export interface AwsChunkedResult {
  /** Bytes of decoded data. */
  decodedLength: number;
  /** Trailers by lowercased name, without `x-amz-trailer-signature`. */
  trailers: ReadonlyMap<string, string>;
  /** The `x-amz-trailer-signature` value, in the signed trailer framings. */
  trailerSignature: string | undefined;
}

/** Longest size or trailer line accepted: a SigV4a size line is under 170 characters. */
const maxLineLength = 4096;
/** Most trailer bytes accepted (S3 sends one checksum; the limit only bounds memory). */
const maxTrailerBytes = 16384;
/** Longest hex size: 13 digits stay exact in a double (S3's largest object is 5 TiB). */
const hexSize = /^[0-9a-fA-F]{1,13}$/;
const chunkSignaturePrefix = 'chunk-signature=';
const trailerSignatureName = 'x-amz-trailer-signature';
const trailerName = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

const CR = 0x0d;
const LF = 0x0a;

/**
 * Where the parser is: in a `<hex size>[;chunk-signature=...]` line; in a chunk's data; at the
 * CR or the LF after the data; in the trailer lines after the final chunk's size line; or past
 * the closing empty line, where nothing more may come (but trailers, once, in a trailer framing).
 */
type State = 'size-line' | 'data' | 'data-cr' | 'data-lf' | 'trailers' | 'done';

/**
 * The decoder's state machine, synchronous and stream-free: feed it the body's bytes in pieces
 * split anywhere, then `end()`. Decoded data comes out as views of the input, never copies.
 */
export class AwsChunkedParser {
  private readonly framing: Framing;
  private readonly expectedLength: number | undefined;
  private readonly declared: ReadonlySet<string> | undefined;
  private readonly minChunkSize: number;

  private state: State = 'size-line';
  /** The start of a line split across writes (latin1: the framing is ASCII). */
  private pendingLine = '';
  /** Data bytes left in the current chunk. */
  private remaining = 0;
  private decoded = 0;
  private chunks = 0;
  private lastChunkSize = 0;
  private trailerBytes = 0;
  /** In a trailer framing, the empty line came before any trailer: trailers may still follow. */
  private emptyLineBeforeTrailers = false;
  private readonly trailerMap = new Map<string, string>();
  private signatureOfTrailers: string | undefined;

  constructor(options: AwsChunkedOptions) {
    if (!isStreamingPayload(options.payload)) throw new TypeError(`not an aws-chunked payload: ${options.payload}`);
    this.framing = framings[options.payload];
    const expected = options.decodedContentLength;
    // NaN (Number of an absent header) would refuse every body: parsing the header is the caller's.
    if (expected !== undefined && !(Number.isSafeInteger(expected) && expected >= 0)) {
      throw new TypeError(`decodedContentLength must be a non-negative integer, not ${expected}`);
    }
    this.expectedLength = expected;
    this.declared =
      options.trailer === undefined
        ? undefined
        : new Set(typeof options.trailer === 'string' ? parseTrailerHeader(options.trailer) : options.trailer);
    this.minChunkSize = options.minChunkSize ?? 0;
  }

  get decodedLength(): number {
    return this.decoded;
  }

  /** Data chunks seen so far, not counting the final empty one. */
  get chunkCount(): number {
    return this.chunks;
  }

  get trailers(): ReadonlyMap<string, string> {
    return this.trailerMap;
  }

  get trailerSignature(): string | undefined {
    return this.signatureOfTrailers;
  }

  /**
   * Feeds the next piece of the body; `onData` gets each run of decoded bytes. Throws
   * AwsChunkedError, after which the parser is spent.
   */
  write(input: Buffer, onData: (data: Buffer) => void): void {
    const length = input.length;
    let at = 0;
    while (at < length) {
      switch (this.state) {
        case 'data': {
          const end = Math.min(length, at + this.remaining);
          onData(input.subarray(at, end));
          this.remaining -= end - at;
          this.decoded += end - at;
          at = end;
          if (this.remaining === 0) this.state = 'data-cr';
          break;
        }
        case 'data-cr':
        case 'data-lf': {
          const expected = this.state === 'data-cr' ? CR : LF;
          if (input[at] !== expected) {
            throw new AwsChunkedError('MalformedChunk', `chunk ${this.chunks} is not followed by CRLF`);
          }
          at++;
          this.state = this.state === 'data-cr' ? 'data-lf' : 'size-line';
          break;
        }
        case 'size-line':
        case 'trailers':
        case 'done': {
          const lf = input.indexOf(LF, at);
          const end = lf === -1 ? length : lf;
          if (this.state === 'done' && !this.emptyLineBeforeTrailers) {
            throw new AwsChunkedError('MalformedChunk', 'data follows the end of the aws-chunked body');
          }
          if (this.pendingLine.length + (end - at) > maxLineLength) {
            throw new AwsChunkedError(
              this.state === 'size-line' ? 'MalformedChunk' : 'MalformedTrailer',
              `a line of the aws-chunked body is longer than ${maxLineLength} bytes`,
            );
          }
          const piece = input.toString('latin1', at, end);
          if (lf === -1) {
            this.pendingLine += piece;
            at = length;
            break;
          }
          const line = this.pendingLine + piece;
          this.pendingLine = '';
          at = lf + 1;
          if (!line.endsWith('\r')) {
            throw new AwsChunkedError(
              this.state === 'size-line' ? 'MalformedChunk' : 'MalformedTrailer',
              'a line of the aws-chunked body ends in LF without CR',
            );
          }
          if (this.state === 'size-line') this.sizeLine(line.slice(0, -1));
          else this.trailerLine(line.slice(0, -1));
          break;
        }
      }
    }
  }

  /** The body has ended: throws unless it ended where an aws-chunked body may. */
  end(): AwsChunkedResult {
    const atLineBoundary = this.pendingLine === '';
    const afterFinalChunk = this.state === 'trailers' || this.state === 'done';
    if (afterFinalChunk && atLineBoundary) {
      this.checkTrailers();
      return { decodedLength: this.decoded, trailers: this.trailerMap, trailerSignature: this.signatureOfTrailers };
    }
    if (afterFinalChunk) {
      throw new AwsChunkedError('IncompleteBody', 'the body ended inside a trailer line');
    }
    const where =
      this.state === 'size-line'
        ? this.chunks === 0 && atLineBoundary
          ? 'before its first chunk'
          : `after chunk ${this.chunks}, before the final chunk`
        : `inside chunk ${this.chunks}, ${this.remaining} bytes short`;
    throw new AwsChunkedError('IncompleteBody', `the aws-chunked body ended ${where}`);
  }

  private sizeLine(line: string): void {
    const semicolon = line.indexOf(';');
    const sizeText = semicolon === -1 ? line : line.slice(0, semicolon);
    if (!hexSize.test(sizeText)) {
      throw new AwsChunkedError('MalformedChunk', `invalid chunk size line: ${JSON.stringify(line.slice(0, 80))}`);
    }
    const { signature } = this.framing;
    if (signature === undefined) {
      if (semicolon !== -1) {
        throw new AwsChunkedError('MalformedChunk', 'a chunk of an unsigned payload carries a chunk extension');
      }
    } else {
      const extension = semicolon === -1 ? '' : line.slice(semicolon + 1);
      if (
        !extension.startsWith(chunkSignaturePrefix) ||
        !signature.test(extension.slice(chunkSignaturePrefix.length))
      ) {
        throw new AwsChunkedError('MalformedChunk', `chunk ${this.chunks + 1} has no valid chunk-signature`);
      }
    }
    const size = Number.parseInt(sizeText, 16);
    if (size === 0) {
      if (this.expectedLength !== undefined && this.decoded !== this.expectedLength) {
        throw this.lengthMismatch(this.decoded);
      }
      this.state = 'trailers';
      return;
    }
    if (this.chunks > 0 && this.lastChunkSize < this.minChunkSize) {
      throw new AwsChunkedError(
        'ChunkTooSmall',
        `Only the last chunk is allowed to have a size less than ${this.minChunkSize} bytes`,
        { chunk: this.chunks + 1, badChunkSize: this.lastChunkSize },
      );
    }
    // Refuse at once a body that will be too long, rather than after storing it.
    if (this.expectedLength !== undefined && this.decoded + size > this.expectedLength) {
      throw this.lengthMismatch(this.decoded + size);
    }
    this.chunks++;
    this.lastChunkSize = size;
    this.remaining = size;
    this.state = 'data';
  }

  private trailerLine(line: string): void {
    if (line === '') {
      // An empty line straight after the final chunk's size line, in a trailer framing, may
      // be AWS's printed layout with the trailers still to come; any later empty line ends.
      this.emptyLineBeforeTrailers =
        this.framing.trailers && this.state === 'trailers' && this.trailerMap.size === 0 && !this.signatureOfTrailers;
      this.state = 'done';
      return;
    }
    if (!this.framing.trailers) {
      throw new AwsChunkedError('MalformedChunk', 'the final chunk is not followed by an empty line');
    }
    this.emptyLineBeforeTrailers = false;
    this.state = 'trailers';
    this.trailerBytes += line.length + 2;
    if (this.trailerBytes > maxTrailerBytes) {
      throw new AwsChunkedError('MalformedTrailer', `the trailers are longer than ${maxTrailerBytes} bytes`);
    }
    const colon = line.indexOf(':');
    const name = colon === -1 ? '' : line.slice(0, colon).trim().toLowerCase();
    if (!trailerName.test(name)) {
      throw new AwsChunkedError('MalformedTrailer', `invalid trailer line: ${JSON.stringify(line.slice(0, 80))}`);
    }
    const value = line.slice(colon + 1).trim();
    if (name === trailerSignatureName) {
      const { signature } = this.framing;
      if (signature === undefined || !signature.test(value) || this.signatureOfTrailers !== undefined) {
        throw new AwsChunkedError('MalformedTrailer', `unexpected or invalid ${trailerSignatureName}`);
      }
      this.signatureOfTrailers = value;
      return;
    }
    if (this.trailerMap.has(name)) throw new AwsChunkedError('MalformedTrailer', `the trailer ${name} is repeated`);
    if (this.declared !== undefined && !this.declared.has(name)) {
      throw new AwsChunkedError('MalformedTrailer', `the trailer ${name} is not declared in x-amz-trailer`);
    }
    this.trailerMap.set(name, value);
  }

  private checkTrailers(): void {
    if (this.declared !== undefined) {
      for (const name of this.declared) {
        if (!this.trailerMap.has(name)) {
          throw new AwsChunkedError('MalformedTrailer', `the trailer ${name} declared in x-amz-trailer is missing`);
        }
      }
    }
    if (this.framing.trailers && this.framing.signature && this.trailerMap.size > 0 && !this.signatureOfTrailers) {
      throw new AwsChunkedError('MalformedTrailer', `the trailers carry no ${trailerSignatureName}`);
    }
  }

  private lengthMismatch(actual: number): AwsChunkedError {
    return new AwsChunkedError(
      'DecodedLengthMismatch',
      `x-amz-decoded-content-length is ${this.expectedLength} but the chunks hold ${actual > this.decoded ? 'at least ' : ''}${actual} bytes`,
      { expected: this.expectedLength, actual },
    );
  }
}

/**
 * A Transform from an aws-chunked body to its data, for `pipeline(request, decoder, ...)`. It
 * fails (and so the pipeline rejects) with an AwsChunkedError; once it has ended, the length and
 * trailers are on it.
 */
export class AwsChunkedDecoder extends Transform {
  private readonly parser: AwsChunkedParser;
  private readonly forward = (data: Buffer) => {
    this.push(data);
  };

  constructor(options: AwsChunkedOptions) {
    super();
    this.parser = new AwsChunkedParser(options);
  }

  get decodedLength(): number {
    return this.parser.decodedLength;
  }

  get chunkCount(): number {
    return this.parser.chunkCount;
  }

  get trailers(): ReadonlyMap<string, string> {
    return this.parser.trailers;
  }

  get trailerSignature(): string | undefined {
    return this.parser.trailerSignature;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.parser.write(chunk, this.forward);
    } catch (error) {
      callback(error as Error);
      return;
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.parser.end();
    } catch (error) {
      callback(error as Error);
      return;
    }
    callback();
  }
}

/** Decodes a whole aws-chunked body held in memory. Throws AwsChunkedError. */
export function decodeAwsChunked(body: Buffer, options: AwsChunkedOptions): AwsChunkedResult & { data: Buffer } {
  const parser = new AwsChunkedParser(options);
  const parts: Buffer[] = [];
  parser.write(body, (data) => parts.push(data));
  const result = parser.end();
  return { ...result, data: parts.length === 1 ? parts[0] : Buffer.concat(parts) };
}
