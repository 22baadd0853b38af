/**
 * The ec2Query protocol: awsQuery's form encoding with EC2's spellings.
 * Spec: https://smithy.io/2.0/aws/protocols/aws-ec2-query-protocol.html
 *
 * Wire rules that differ from awsQuery:
 * - request keys use the member's queryName, else its locationName or member name with the
 *   first letter capitalised; lists are always `Name.N` (no `.member`), and an empty list is
 *   not sent at all (parse.ts, dialect `ec2`);
 * - success responses have no result wrapper and carry the request id first:
 *   `<OpResponse xmlns="ns"><requestId>id</requestId>members</OpResponse>`;
 * - errors: `<Response><Errors><Error><Code>..</Code><Message>..</Message>members</Error></Errors>
 *   <RequestID>id</RequestID></Response>`, without Type;
 * - Content-Type `text/xml;charset=UTF-8`, as EC2 sends it.
 */
import type { AwsError } from '../../errors/aws-error.js';
import type { Operation, ServiceModel } from '../model-types.js';
import type { HttpResponse, ResponseContext } from '../types.js';
import { QueryProtocol } from './index.js';
import type { QueryDialect } from './parse.js';
import { errorMembers, escapeText, responseNamespace, writeMembers, xmlResponse } from './serialize.js';

const contentType = 'text/xml;charset=UTF-8';

export class Ec2Protocol extends QueryProtocol {
  override readonly name: string = 'ec2';
  protected override readonly dialect: QueryDialect = 'ec2';

  override serializeOutput(
    model: ServiceModel,
    operation: Operation,
    output: unknown,
    ctx: ResponseContext,
  ): HttpResponse {
    const name = operation.name;
    const members = operation.output ? writeMembers(operation.output, output) : '';
    const body =
      `<${name}Response${responseNamespace(model)}><requestId>${escapeText(ctx.requestId)}</requestId>` +
      `${members}</${name}Response>`;
    return xmlResponse(200, contentType, ctx.requestId, body);
  }

  override serializeError(
    model: ServiceModel,
    _operation: Operation | undefined,
    error: AwsError,
    ctx: ResponseContext,
  ): HttpResponse {
    const message = error.message === '' ? '' : `<Message>${escapeText(error.message)}</Message>`;
    const body =
      `<Response><Errors><Error><Code>${escapeText(error.wireQueryCode)}</Code>${message}` +
      `${errorMembers(model, error)}</Error></Errors><RequestID>${escapeText(ctx.requestId)}</RequestID></Response>`;
    const response = xmlResponse(error.status, contentType, ctx.requestId, body);
    if (error.headers) Object.assign(response.headers, error.headers);
    return response;
  }
}
