/**
 * The rest-json protocol (Smithy's aws.protocols#restJson1) on the server side:
 * https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html
 *
 * Routing and HTTP bindings are RestServerProtocol's; this class adds JSON bodies:
 * - a response document is always written when the operation has an output (`{}` when no
 *   member is bound to the body), with Content-Type `application/json`;
 * - errors carry `X-Amzn-ErrorType: <shape name>` (what every SDK reads first) and a JSON body
 *   of the error's body members, the message under the shape's own `message` or `Message`
 *   member (`message` when the error is not modelled). No `__type` in the body: Lambda and API
 *   Gateway send none, and the error type header is authoritative for the SDKs;
 * - a request id in `x-amzn-RequestId`.
 */
import type { AwsError } from '../../errors/aws-error.js';
import { SerializationException } from '../../errors/framework.js';
import type { Member, Operation, ServiceModel, Shape } from '../model-types.js';
import { bindingsOf } from '../rest/bindings.js';
import type { ResponseHeaders } from '../rest/response-headers.js';
import { messageMemberOf, RestServerProtocol } from '../rest/rest-protocol.js';
import type { Input } from '../types.js';
import { isJsonObject, parseJsonBody, readJsonMembers, readJsonValue } from './parse.js';
import { stringifyJsonValue, writeJsonMembers } from './serialize.js';

export class RestJsonProtocol extends RestServerProtocol {
  readonly name: string = 'rest-json';
  protected readonly requestIdHeader = 'x-amzn-RequestId';
  protected readonly mediaType = 'application/json';

  protected readBody(members: readonly Member[], body: Buffer, target: Input): void {
    const document = parseJsonBody(body);
    if (document === undefined || document === null) return;
    if (!isJsonObject(document)) throw new SerializationException('The request body must be a JSON object');
    readJsonMembers(members, document, target);
  }

  protected readPayloadDocument(member: Member, body: Buffer): unknown {
    const document = parseJsonBody(body);
    if (document === null || document === undefined) return undefined;
    // Clients send `{}` for an unset structure or union payload (RestJsonHttpWithEmptyStructurePayload).
    if (!member.shape.document && isJsonObject(document) && Object.keys(document).length === 0) return undefined;
    return readJsonValue(member, document);
  }

  protected writeBody(
    _model: ServiceModel,
    _shape: Shape,
    members: readonly Member[],
    value: Record<string, unknown>,
  ): string {
    return JSON.stringify(writeJsonMembers(members, value));
  }

  protected writePayloadDocument(_model: ServiceModel, member: Member, value: unknown): string {
    return stringifyJsonValue(member, value);
  }

  protected override writeErrorHeaders(error: AwsError, headers: ResponseHeaders): void {
    headers.set('X-Amzn-ErrorType', error.code);
  }

  protected writeErrorBody(
    _model: ServiceModel,
    _operation: Operation | undefined,
    error: AwsError,
    shape: Shape | undefined,
  ): string {
    const document = shape ? writeJsonMembers(bindingsOf(shape).outputBody, error.members) : {};
    const messageMember = messageMemberOf(shape);
    const messageKey = messageMember ? (messageMember.locationName ?? messageMember.name) : 'message';
    if (error.message !== '' && document[messageKey] === undefined) document[messageKey] = error.message;
    return JSON.stringify(document);
  }
}
