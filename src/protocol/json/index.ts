/**
 * The awsJson1_0 and awsJson1_1 protocols (DynamoDB, SQS, Kinesis, Cognito, Logs, Step
 * Functions...), and their awsQueryCompatible variant: `POST /` with the operation in
 * `X-Amz-Target`, JSON both ways. One class serves both versions; the model's jsonVersion picks
 * the Content-Type. Specs: https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html,
 * https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html; the wire rules are written
 * out in parse.ts and serialize.ts.
 */
import type { AwsError } from '../../errors/aws-error.js';
import type { Operation, ServiceModel } from '../model-types.js';
import type { HttpRequest, HttpResponse, Input, ResponseContext, ServerProtocol } from '../types.js';
import { parseJsonInput, resolveTarget } from './parse.js';
import { jsonContentType, jsonErrorHeaders, writeJsonError, writeJsonOutput } from './serialize.js';

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
    return {
      status: 200,
      headers: { 'content-type': jsonContentType(model), 'x-amzn-requestid': ctx.requestId },
      body: writeJsonOutput(operation, output),
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
