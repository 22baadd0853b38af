/**
 * The awsJson1_0 and awsJson1_1 protocols (DynamoDB, SQS, Kinesis, Cognito, Logs, Step
 * Functions...), and their awsQueryCompatible variant: `POST /` with the operation in
 * `X-Amz-Target`, JSON both ways. One class serves both versions; the model's jsonVersion picks
 * the Content-Type. Specs: https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html,
 * https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html; the wire rules are written
 * out in parse.ts and serialize.ts.
 *
 * An operation whose output has an event stream member (Kinesis SubscribeToShard) answers 200
 * with `application/vnd.amazon.eventstream`: first an `initial-response` event carrying the
 * output's other members as JSON (SDK v3's awsJson deserializer reads it into the output before
 * `send()` resolves: @smithy/core event-streams `deserializeEventStream`), then one `event`
 * message per value the provider's AsyncIterable yields (`{ MemberName: event }`, the union
 * member as `:event-type`, its structure as JSON), then an `exception` message for a modelled
 * AwsError the iterable throws (`:exception-type` the code, `{"message": ...}` and the error's
 * members), or an `error` message for anything else. A provider may instead hand over a
 * Readable or bytes already framed, as for the rest protocols.
 * https://smithy.io/2.0/spec/streaming.html#event-streams
 */
import { Readable } from 'node:stream';
import { AwsError } from '../../errors/aws-error.js';
import { InternalFailure } from '../../errors/framework.js';
import { errorFrame, eventFrame, eventMessage, eventStreamBody, exceptionFrame } from '../event-stream.js';
import type { Member, Operation, ServiceModel, Shape } from '../model-types.js';
import type { HttpRequest, HttpResponse, Input, ResponseContext, ServerProtocol } from '../types.js';
import { toBuffer } from '../values.js';
import { parseJsonInput, resolveTarget } from './parse.js';
import { jsonContentType, jsonErrorHeaders, writeJsonBody, writeJsonError, writeJsonOutput } from './serialize.js';

export class JsonProtocol implements ServerProtocol {
  readonly name: string = 'json';
  /** The operation is in a header. */
  readonly operationInBody = false;

  resolveOperation(model: ServiceModel, request: HttpRequest): Operation {
    return resolveTarget(model, request);
  }

  parseRequest(_model: ServiceModel, operation: Operation, request: HttpRequest): Input {
    return parseJsonInput(operation, request);
  }

  serializeOutput(model: ServiceModel, operation: Operation, output: unknown, ctx: ResponseContext): HttpResponse {
    const stream = eventStreamMember(operation);
    if (stream) return eventStreamOutput(operation, stream, output, ctx);
    return {
      status: 200,
      headers: { 'content-type': jsonContentType(model), 'x-amzn-requestid': ctx.requestId },
      body: writeJsonBody(operation, output),
    };
  }

  serializeError(
    model: ServiceModel,
    _operation: Operation | undefined,
    error: AwsError,
    ctx: ResponseContext,
  ): HttpResponse {
    return {
      status: error.status,
      headers: jsonErrorHeaders(model, error, ctx.requestId),
      body: writeJsonError(model, error),
    };
  }
}

const eventStreamMembers = new WeakMap<Operation, Member | null>();

/** The output member that is an event stream, if the operation has one. */
function eventStreamMember(operation: Operation): Member | undefined {
  let member = eventStreamMembers.get(operation);
  if (member === undefined) {
    member = operation.output?.members.find((candidate) => candidate.shape.eventstream) ?? null;
    eventStreamMembers.set(operation, member);
  }
  return member ?? undefined;
}

/** Event payloads are JSON documents of the event's structure. */
const eventContentType = 'application/json';

/** A structure value as JSON (writeJsonOutput writes the structure its operation stand-in names). */
function writeStructure(shape: Shape, value: unknown): Buffer {
  return Buffer.from(writeJsonOutput({ output: shape } as Operation, value), 'utf8');
}

function eventStreamOutput(operation: Operation, member: Member, output: unknown, ctx: ResponseContext): HttpResponse {
  const headers = { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': ctx.requestId };
  const record = (output ?? {}) as Record<string, unknown>;
  const events = record[member.name];
  if (events instanceof Readable || events instanceof Uint8Array) {
    return { status: 200, headers, body: events instanceof Readable ? events : Buffer.from(events) };
  }
  const source = (events as AsyncIterable<Record<string, unknown>> | undefined)?.[Symbol.asyncIterator]?.();
  if (!source) {
    throw new AwsError(
      { code: 'InternalFailure', status: 500, senderFault: false },
      `Event stream output ${member.shape.name} needs an AsyncIterable of events`,
    );
  }
  const { [member.name]: _stream, ...rest } = record;
  const union = member.shape;
  const initial = eventFrame('initial-response', eventContentType, writeJsonOutputOf(operation, rest));
  const body = eventStreamBody(initial, source, {
    event(value) {
      for (const name in value) {
        const eventMember = union.memberMap.get(name);
        if (eventMember && value[name] !== undefined) return writeEvent(name, eventMember.shape, value[name]);
      }
      return errorFrame('InternalFailure', `An event of ${union.name} names none of its members`);
    },
    failure(error) {
      // A provider's bug ends the stream as the request path ends one: InternalFailure.
      const failure = error instanceof AwsError ? error : new InternalFailure();
      const shape = union.memberMap.get(failure.code)?.shape;
      if (!shape?.exception) return errorFrame(failure.code, failure.message);
      const key = shape.memberMap.has('Message') && !shape.memberMap.has('message') ? 'Message' : 'message';
      return exceptionFrame(
        failure.code,
        eventContentType,
        writeStructure(shape, { ...failure.members, [key]: failure.message }),
      );
    },
  });
  return { status: 200, headers, body };
}

/**
 * One event: its structure as JSON, or, where a member is the event's payload (`eventpayload`),
 * that member alone (a blob as its bytes, a string as UTF-8, a structure as JSON), with the other
 * members as string headers (`eventheader`).
 */
function writeEvent(name: string, shape: Shape, value: unknown): Buffer {
  const payloadMember = shape.members.find((member) => member.eventpayload);
  if (!payloadMember) return eventFrame(name, eventContentType, writeStructure(shape, value));
  const record = value as Record<string, unknown>;
  const headers: Record<string, string> = { ':event-type': name, ':message-type': 'event' };
  for (const member of shape.members) {
    const item = record[member.name];
    if (member.eventheader && item !== undefined && item !== null) {
      headers[member.name] = item instanceof Date ? item.toISOString() : String(item);
    }
  }
  const item = record[payloadMember.name];
  let payload: Buffer;
  if (payloadMember.shape.type === 'blob') {
    headers[':content-type'] = 'application/octet-stream';
    payload = item === undefined ? Buffer.alloc(0) : toBuffer(item);
  } else if (payloadMember.shape.type === 'string') {
    headers[':content-type'] = 'text/plain';
    payload = Buffer.from(item === undefined ? '' : String(item), 'utf8');
  } else {
    headers[':content-type'] = eventContentType;
    payload = writeStructure(payloadMember.shape, item ?? {});
  }
  return eventMessage(headers, payload);
}

function writeJsonOutputOf(operation: Operation, value: unknown): Buffer {
  return Buffer.from(writeJsonOutput(operation, value), 'utf8');
}
