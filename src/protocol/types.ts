/**
 * What a protocol family is to the server: two methods, as in smithy-typescript's
 * `ServerProtocol`: parse a request into an operation's input, serialize an output or an error
 * into a response. Nothing else in Nimbus reads or writes wire bytes.
 *
 * Values on both sides are plain JavaScript, shaped as the generated types say: structures and
 * maps are objects (maps with a null prototype, so that no key can reach Object.prototype),
 * lists are arrays, timestamps are Dates, blobs are Buffers, streaming blobs are Readables,
 * numbers are numbers (NaN and the infinities included), documents are JSON values.
 * Serializers also accept a timestamp as epoch seconds or an ISO string, and a blob as a string.
 */
import type { Readable } from 'node:stream';
import type { AwsError } from '../errors/aws-error.js';
import type { Operation, ServiceModel } from './model-types.js';

export interface HttpRequest {
  /** Upper-case method. */
  method: string;
  /** The path as received, still percent-encoded, without the query string. */
  path: string;
  /** The raw query string without the leading `?` (empty when none). */
  query: string;
  /** Header names in lower case; repeated headers joined with `, ` as node:http does. */
  headers: Record<string, string | undefined>;
  /** The whole body, for operations that are not streaming (empty when there is none). */
  body: Buffer;
  /** The body still unread, for an operation whose input payload is a streaming blob. */
  stream?: Readable;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body?: Buffer | string | Readable;
  /** The service answered CORS itself (S3 by its bucket rules): the edge adds no CORS headers. */
  corsDecided?: boolean;
}

/** What a serializer needs beyond the value: the ids AWS puts in every response. */
export interface ResponseContext {
  requestId: string;
}

export type Input = Record<string, unknown>;

export interface ServerProtocol {
  /** The family name, as `metadata.protocols` spells it: `query`, `json`, `rest-json`... */
  readonly name: string;
  /** True when `resolveOperation` needs the body (query: the `Action` is a form field). */
  readonly operationInBody: boolean;
  /**
   * Finds the operation a request asks for. Throws the protocol's unknown-operation error
   * (`InvalidAction`, `UnknownOperationException`) when the model has none that matches.
   */
  resolveOperation(model: ServiceModel, request: HttpRequest): Operation;
  /** Turns a request into the operation's input; throws SerializationException-like errors on malformed bodies. */
  parseRequest(model: ServiceModel, operation: Operation, request: HttpRequest): Input;
  serializeOutput(model: ServiceModel, operation: Operation, output: unknown, ctx: ResponseContext): HttpResponse;
  /** `operation` is undefined when the request never reached one (unknown operation, bad body). */
  serializeError(
    model: ServiceModel,
    operation: Operation | undefined,
    error: AwsError,
    ctx: ResponseContext,
  ): HttpResponse;
}
