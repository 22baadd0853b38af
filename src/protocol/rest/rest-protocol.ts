/**
 * What rest-json and rest-xml share: routing by method, path and query, and the HTTP bindings
 * of input, output and error members (https://smithy.io/2.0/spec/http-bindings.html). A
 * family subclass supplies only its body format: how a body document and a structured payload
 * are read and written, and how an error body looks.
 *
 * Request: labels, query, headers, then the body: the payload member when the input has one (a
 * blob or string payload is the raw body, a streaming blob or an event stream is the unread
 * stream, a structure, union or document is a whole document), else the unbound members as one
 * document. Every failure to read is an AwsError (SerializationException or the family's
 * equivalent), never another exception.
 * Response: status from `http.responseCode` (or the statusCode member), header members, then
 * the payload or the document of unbound members, and the request id header on every response.
 */
import { Readable } from 'node:stream';
import { AwsError } from '../../errors/aws-error.js';
import type { Member, Operation, ServiceModel, Shape } from '../model-types.js';
import type { HttpRequest, HttpResponse, Input, ResponseContext, ServerProtocol } from '../types.js';
import { toBuffer } from '../values.js';
import {
  bindingsOf,
  isStreamingPayload,
  readHeaders,
  readLabels,
  readQuery,
  statusOf,
  writeHeaders,
} from './bindings.js';
import { ResponseHeaders } from './response-headers.js';
import { queryOf, RestRouter, type RouteMatch } from './router.js';

const noRouteKeys: ReadonlySet<string> = new Set();

export abstract class RestServerProtocol implements ServerProtocol {
  abstract readonly name: string;
  readonly operationInBody = false;
  /** The response header that carries the request id (`x-amzn-RequestId`, `x-amz-request-id`). */
  protected abstract readonly requestIdHeader: string;
  /** The media type of body documents (`application/json`, `application/xml`). */
  protected abstract readonly mediaType: string;
  /** The Content-Type of an output that binds nothing to the body, if any. */
  protected readonly emptyOutputContentType: string | undefined = undefined;
  /** Operations that win a tie between identical routes (a quirk subclass's choice). */
  protected readonly preferredOperations: readonly string[] = [];

  private readonly routers = new WeakMap<ServiceModel, RestRouter>();
  private readonly matches = new WeakMap<HttpRequest, RouteMatch>();

  /** Reads the document of a request's unbound members into `target`. */
  protected abstract readBody(members: readonly Member[], body: Buffer, target: Input): void;
  /** Reads a structure, union or document payload. */
  protected abstract readPayloadDocument(member: Member, body: Buffer): unknown;
  /** Writes the document of an output's unbound members; undefined for no body. */
  protected abstract writeBody(
    model: ServiceModel,
    shape: Shape,
    members: readonly Member[],
    value: Record<string, unknown>,
  ): string | Buffer | undefined;
  /** Writes a structure, union or document payload. */
  protected abstract writePayloadDocument(model: ServiceModel, member: Member, value: unknown): string;
  /** Writes an error body; `shape` is the error's modelled shape, when the model has one. */
  protected abstract writeErrorBody(
    model: ServiceModel,
    operation: Operation | undefined,
    error: AwsError,
    shape: Shape | undefined,
    ctx: ResponseContext,
  ): string;

  resolveOperation(model: ServiceModel, request: HttpRequest): Operation {
    const match = this.routerOf(model).resolve(request);
    this.matches.set(request, match);
    return match.operation;
  }

  parseRequest(model: ServiceModel, operation: Operation, request: HttpRequest): Input {
    const input: Input = {};
    const shape = operation.input;
    if (!shape) return input;
    const bindings = bindingsOf(shape);
    let match = this.matches.get(request);
    if (match?.operation !== operation) match = this.routerOf(model).matchOperation(operation, request);
    if (match) readLabels(bindings, match.labels, input);
    readQuery(bindings, queryOf(request), input, match?.routeKeys ?? noRouteKeys);
    readHeaders(bindings, request.headers, input);
    const payload = bindings.payload;
    if (payload) {
      const value = this.readPayload(payload, request);
      if (value !== undefined) input[payload.name] = value;
    } else if (bindings.body.length > 0 && request.body.length > 0) {
      this.readBody(bindings.body, request.body, input);
    }
    return input;
  }

  private readPayload(member: Member, request: HttpRequest): unknown {
    if (isStreamingPayload(member)) {
      // A small body the edge read whole stays a Buffer: providers take either.
      if (request.stream) return request.stream;
      return request.body.length > 0 ? request.body : undefined;
    }
    const body = request.body;
    if (body.length === 0) return undefined;
    const shape = member.shape;
    if (shape.type === 'blob') return body;
    if (shape.type === 'string') return body.toString('utf8');
    return this.readPayloadDocument(member, body);
  }

  serializeOutput(model: ServiceModel, operation: Operation, output: unknown, ctx: ResponseContext): HttpResponse {
    const headers = new ResponseHeaders();
    headers.set(this.requestIdHeader, ctx.requestId);
    let status = operation.http.responseCode ?? 200;
    const shape = operation.output;
    if (!shape) return { status, headers: headers.toRecord() };
    const value = typeof output === 'object' && output !== null ? (output as Record<string, unknown>) : {};
    const bindings = bindingsOf(shape);
    writeHeaders(bindings, value, headers);
    status = statusOf(bindings, value, status);
    let body: Buffer | string | Readable | undefined;
    if (bindings.payload) {
      body = this.writePayload(model, bindings.payload, value[bindings.payload.name], headers);
    } else {
      body = this.writeBody(model, shape, bindings.outputBody, value);
      const contentType = body !== undefined ? this.mediaType : this.emptyOutputContentType;
      if (contentType) headers.setDefault('Content-Type', contentType);
    }
    const response: HttpResponse = { status, headers: headers.toRecord() };
    if (body !== undefined) response.body = body;
    return response;
  }

  private writePayload(
    model: ServiceModel,
    member: Member,
    value: unknown,
    headers: ResponseHeaders,
  ): Buffer | string | Readable | undefined {
    if (value === undefined || value === null) return undefined;
    const shape = member.shape;
    if (shape.eventstream) {
      // Event streams are framed by their own encoder; a provider hands over the framed bytes.
      if (value instanceof Readable || value instanceof Uint8Array) {
        headers.setDefault('Content-Type', 'application/vnd.amazon.eventstream');
        return value instanceof Readable ? value : toBuffer(value);
      }
      throw new AwsError(
        { code: 'InternalFailure', status: 500, senderFault: false },
        `Event stream output ${shape.name} needs an encoded stream`,
      );
    }
    if (shape.type === 'blob') {
      headers.setDefault('Content-Type', 'application/octet-stream');
      return value instanceof Readable ? value : toBuffer(value);
    }
    if (shape.type === 'string') {
      headers.setDefault('Content-Type', 'text/plain');
      return String(value);
    }
    headers.setDefault('Content-Type', this.mediaType);
    return this.writePayloadDocument(model, member, value);
  }

  serializeError(
    model: ServiceModel,
    operation: Operation | undefined,
    error: AwsError,
    ctx: ResponseContext,
  ): HttpResponse {
    const headers = new ResponseHeaders();
    headers.set(this.requestIdHeader, ctx.requestId);
    const shape = model.errorShapes.get(error.code);
    if (shape) writeHeaders(bindingsOf(shape), error.members, headers);
    if (error.headers) for (const [name, value] of Object.entries(error.headers)) headers.set(name, value);
    this.writeErrorHeaders(error, headers);
    const body = this.writeErrorBody(model, operation, error, shape, ctx);
    headers.setDefault('Content-Type', this.mediaType);
    return { status: error.status, headers: headers.toRecord(), body };
  }

  /** Headers a family adds to every error (rest-json's X-Amzn-ErrorType). */
  protected writeErrorHeaders(_error: AwsError, _headers: ResponseHeaders): void {}

  protected routerOf(model: ServiceModel): RestRouter {
    let router = this.routers.get(model);
    if (!router) {
      router = new RestRouter(model, this.preferredOperations);
      this.routers.set(model, router);
    }
    return router;
  }
}

/** The message member of an error shape: `message` or `Message`, whichever the shape has. */
export function messageMemberOf(shape: Shape | undefined): Member | undefined {
  return shape?.memberMap.get('message') ?? shape?.memberMap.get('Message');
}
