/**
 * The awsQuery protocol (IAM, STS, SNS, SES, CloudFormation, and SQS for older clients):
 * form-encoded requests naming their operation in `Action`, XML responses.
 * Spec: https://smithy.io/2.0/aws/protocols/aws-query-protocol.html
 * The wire rules are written out in parse.ts (requests) and serialize.ts (responses).
 */
import type { AwsError } from '../../errors/aws-error.js';
import type { Operation, ServiceModel } from '../model-types.js';
import type { HttpRequest, HttpResponse, Input, ResponseContext, ServerProtocol } from '../types.js';
import { parseQueryInput, type QueryDialect, resolveAction } from './parse.js';
import { writeQueryError, writeQueryOutput, xmlResponse } from './serialize.js';

export class QueryProtocol implements ServerProtocol {
  readonly name: string = 'query';
  /** The operation is the `Action` form field, in the body of a POST. */
  readonly operationInBody = true;
  protected readonly dialect: QueryDialect = 'query';

  resolveOperation(model: ServiceModel, request: HttpRequest): Operation {
    return resolveAction(model, request);
  }

  parseRequest(_model: ServiceModel, operation: Operation, request: HttpRequest): Input {
    return parseQueryInput(operation, request, this.dialect);
  }

  serializeOutput(model: ServiceModel, operation: Operation, output: unknown, ctx: ResponseContext): HttpResponse {
    return xmlResponse(200, 'text/xml', ctx.requestId, writeQueryOutput(model, operation, output, ctx.requestId));
  }

  serializeError(
    model: ServiceModel,
    _operation: Operation | undefined,
    error: AwsError,
    ctx: ResponseContext,
  ): HttpResponse {
    const response = xmlResponse(error.status, 'text/xml', ctx.requestId, writeQueryError(model, error, ctx.requestId));
    if (error.headers) Object.assign(response.headers, error.headers);
    return response;
  }
}
