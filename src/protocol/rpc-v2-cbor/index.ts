/**
 * The smithy-rpc-v2-cbor protocol family on the server side
 * (https://smithy.io/2.0/additional-specs/protocols/smithy-rpc-v2.html): routing by the path
 * `{prefix?}/service/{serviceName}/operation/{operationName}` and the `smithy-protocol` header,
 * CBOR bodies both ways (RFC 8949, cbor.ts). The wire rules are written out in parse.ts and
 * serialize.ts.
 */
import type { AwsError } from '../../errors/aws-error.js';
import type { Operation, ServiceModel } from '../model-types.js';
import type { HttpRequest, HttpResponse, Input, ResponseContext, ServerProtocol } from '../types.js';
import { parseRequest, resolveOperation } from './parse.js';
import { serializeError, serializeOutput } from './serialize.js';

export { RpcV2RoutingError } from './parse.js';

export class RpcV2CborProtocol implements ServerProtocol {
  readonly name = 'smithy-rpc-v2-cbor';
  readonly operationInBody = false;

  resolveOperation(model: ServiceModel, request: HttpRequest): Operation {
    return resolveOperation(model, request);
  }

  parseRequest(_model: ServiceModel, operation: Operation, request: HttpRequest): Input {
    return parseRequest(operation, request);
  }

  serializeOutput(_model: ServiceModel, operation: Operation, output: unknown, ctx: ResponseContext): HttpResponse {
    return serializeOutput(operation, output, ctx);
  }

  serializeError(
    model: ServiceModel,
    _operation: Operation | undefined,
    error: AwsError,
    ctx: ResponseContext,
  ): HttpResponse {
    return serializeError(model, error, ctx);
  }
}
