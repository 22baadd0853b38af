/**
 * The rest-xml protocol (Smithy's aws.protocols#restXml) on the server side:
 * https://smithy.io/2.0/aws/protocols/aws-restxml-protocol.html
 *
 * Routing and HTTP bindings are RestServerProtocol's; this class adds XML bodies:
 * - a response document's root element is named after the output shape (its locationName or
 *   shape name) and written only when the output has members bound to the body; a structure
 *   payload's root is the payload member's own xmlName when it has one, else its shape's
 *   locationName or name (the vectors' HttpPayloadWithMemberXmlName and HttpPayloadWithXmlName);
 * - the root carries the shape's xmlNamespace, else the service's (from the model metadata or
 *   the namespace its operations' inputs declare), as Route 53 and CloudFront answer;
 * - errors are `<ErrorResponse><Error><Type>Sender|Receiver</Type><Code/><Message/>(members)
 *   </Error><RequestId/></ErrorResponse>`; S3's bare `<Error><Code/><Message/>...<RequestId/>
 *   </Error>` is a subclass that overrides `writeErrorBody` and reuses `errorFields`;
 * - a request id in `x-amz-request-id`, the name S3 uses.
 */
import type { AwsError } from '../../errors/aws-error.js';
import type { Member, Operation, ServiceModel, Shape, XmlNamespace } from '../model-types.js';
import { bindingsOf } from '../rest/bindings.js';
import { messageMemberOf, RestServerProtocol } from '../rest/rest-protocol.js';
import type { Input, ResponseContext } from '../types.js';
import type { TimestampStyle } from '../values.js';
import { element, escapeXml, namespaceAttribute, xmlDeclaration } from '../xml/writer.js';
import { XmlOut } from '../xml/xml-out.js';
import { parseXmlBody, readXmlMembers, readXmlValue } from './parse.js';
import { structureInto, writeElement, writeXmlMembers } from './serialize.js';

const serviceNamespaces = new WeakMap<ServiceModel, { namespace: XmlNamespace | undefined }>();

/** The namespace of a service's documents: the metadata's, else the one its operations' inputs declare. */
export function serviceNamespaceOf(model: ServiceModel): XmlNamespace | undefined {
  let cached = serviceNamespaces.get(model);
  if (!cached) {
    let namespace: XmlNamespace | undefined = model.metadata.xmlNamespace
      ? { uri: model.metadata.xmlNamespace }
      : undefined;
    for (const operation of model.operations.values()) {
      if (namespace) break;
      namespace = operation.inputRef?.xmlNamespace;
      const payload = operation.input ? bindingsOf(operation.input).payload : undefined;
      if (!namespace && payload?.shape.type === 'structure') namespace = payload.xmlNamespace;
    }
    cached = { namespace };
    serviceNamespaces.set(model, cached);
  }
  return cached.namespace;
}

/** The root element name of a structure payload. */
export function payloadRootName(member: Member): string {
  // botocore's form gives every payload member a locationName, often just its member name; only
  // a different name is an explicit xmlName, which outranks the shape's own.
  if (member.locationName !== undefined && member.locationName !== member.name) return member.locationName;
  return member.shape.locationName ?? member.shape.name;
}

export class RestXmlProtocol extends RestServerProtocol {
  readonly name: string = 'rest-xml';
  protected readonly requestIdHeader: string = 'x-amz-request-id';
  protected readonly mediaType = 'application/xml';
  // Smithy's RestXmlHttpResponseCode: an output with nothing in the body still names XML.
  protected override readonly emptyOutputContentType: string | undefined = 'application/xml';

  /** How body timestamps without a model format are written; S3 keeps the milliseconds. */
  protected readonly bodyTimestamps: TimestampStyle = 'iso8601';

  protected readBody(members: readonly Member[], body: Buffer, target: Input): void {
    readXmlMembers(members, parseXmlBody(body), target);
  }

  protected readPayloadDocument(member: Member, body: Buffer): unknown {
    return readXmlValue(member, parseXmlBody(body));
  }

  protected writeBody(
    model: ServiceModel,
    shape: Shape,
    members: readonly Member[],
    value: Record<string, unknown>,
  ): string | Buffer | undefined {
    if (members.length === 0) return undefined;
    const namespace = shape.xmlNamespace ?? serviceNamespaceOf(model);
    const out = new XmlOut();
    out.write(xmlDeclaration);
    structureInto(out, shape.locationName ?? shape.name, members, value, namespace, this.bodyTimestamps);
    return out.finish();
  }

  protected writePayloadDocument(model: ServiceModel, member: Member, value: unknown): string {
    const namespace = member.xmlNamespace ?? member.shape.xmlNamespace ?? serviceNamespaceOf(model);
    return xmlDeclaration + writeElement(payloadRootName(member), member, value, namespace, this.bodyTimestamps);
  }

  protected writeErrorBody(
    model: ServiceModel,
    _operation: Operation | undefined,
    error: AwsError,
    shape: Shape | undefined,
    ctx: ResponseContext,
  ): string {
    const type = element('Type', error.senderFault ? 'Sender' : 'Receiver');
    const content =
      element('Error', type + this.errorFields(error, shape)) + element('RequestId', escapeXml(ctx.requestId));
    return xmlDeclaration + element('ErrorResponse', content, namespaceAttribute(serviceNamespaceOf(model)));
  }

  /** What every rest-xml error says: Code, Message, then the error shape's other body members. */
  protected errorFields(error: AwsError, shape: Shape | undefined): string {
    let content = element('Code', escapeXml(error.code));
    const messageMember = messageMemberOf(shape);
    const messageValue = messageMember ? error.members[messageMember.name] : undefined;
    const message = error.message !== '' ? error.message : typeof messageValue === 'string' ? messageValue : '';
    if (message !== '') content += element('Message', escapeXml(message));
    if (shape) {
      const members = bindingsOf(shape).outputBody.filter((member) => member !== messageMember);
      content += writeXmlMembers(members, error.members, this.bodyTimestamps);
    }
    return content;
  }
}
