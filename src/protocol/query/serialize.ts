/**
 * Response serialization for the awsQuery protocol, and the XML body writer the ec2 variant
 * shares. Spec: https://smithy.io/2.0/aws/protocols/aws-query-protocol.html
 *
 * Wire rules (Content-Type `text/xml`):
 * - success: `<OpResponse xmlns="ns"><OpResult>members</OpResult><ResponseMetadata><RequestId>id
 *   </RequestId></ResponseMetadata></OpResponse>`; the result element is the operation's
 *   resultWrapper (`OpResult` when the model names none) and is absent when the operation has
 *   no output; `ns` is the model's xmlNamespace, else `https://<endpointPrefix>.amazonaws.com/doc/<apiVersion>/`;
 * - members as elements named by locationName or member name, in model order; a member's
 *   xmlNamespace becomes an `xmlns` attribute, xmlAttribute members become attributes;
 * - lists `<Name><member>..</member></Name>` (the list member's locationName replaces `member`),
 *   flattened lists repeat `<Name>` itself (parse.ts flattenedItemName says which name);
 *   maps `<Name><entry><key/><value/></entry></Name>` (key/value locationNames apply),
 *   flattened maps repeat `<Name><key/><value/></Name>`;
 * - timestamps ISO 8601 unless a timestampFormat trait says otherwise, blobs base64, booleans
 *   `true` / `false`, floats `NaN` / `Infinity` / `-Infinity` by name;
 * - errors: `<ErrorResponse xmlns="ns"><Error><Type>Sender|Receiver</Type><Code>queryCode</Code>
 *   <Message>..</Message>modelled members</Error><RequestId>id</RequestId></ErrorResponse>`
 *   with the error's status.
 */
import type { AwsError } from '../../errors/aws-error.js';
import type { Member, Operation, ServiceModel, Shape } from '../model-types.js';
import type { HttpResponse } from '../types.js';
import { formatNumberText, formatTimestamp, timestampFormatOf, toBuffer } from '../values.js';
import { escapeXml, namespaceAttribute } from '../xml/writer.js';
import { flattenedItemName, isFlattened, memberName } from './parse.js';

/**
 * How one member is written as an element, its tags prebuilt: a structure member, a list's
 * item, a map's key or value. Item, key and value specs are built on first use, so that a
 * recursive shape builds a finite table.
 */
class ElementSpec {
  readonly open: string;
  readonly close: string;
  readonly empty: string;
  readonly flattened: boolean;
  private itemSpec: ElementSpec | undefined;
  private entrySpecs: [ElementSpec, ElementSpec] | undefined;

  constructor(
    readonly member: Member,
    readonly name: string,
    readonly attributes: string,
  ) {
    this.open = `<${name}${attributes}>`;
    this.close = `</${name}>`;
    this.empty = `<${name}${attributes}/>`;
    this.flattened = isFlattened(member);
  }

  /** A list's items: repeated under this name when flattened (with the item's namespace), else `<member>`. */
  get item(): ElementSpec | undefined {
    const element = this.member.shape.member;
    if (!element) return undefined;
    this.itemSpec ??= this.flattened
      ? new ElementSpec(element, this.name, this.attributes || namespaceAttribute(element.xmlNamespace))
      : new ElementSpec(element, element.locationName ?? 'member', namespaceAttribute(element.xmlNamespace));
    return this.itemSpec;
  }

  /** A map's key and value elements. */
  get entry(): [ElementSpec, ElementSpec] | undefined {
    const { key, value } = this.member.shape;
    if (!key || !value) return undefined;
    this.entrySpecs ??= [
      new ElementSpec(key, key.locationName ?? 'key', namespaceAttribute(key.xmlNamespace)),
      new ElementSpec(value, value.locationName ?? 'value', namespaceAttribute(value.xmlNamespace)),
    ];
    return this.entrySpecs;
  }
}

interface StructureSpec {
  elements: ElementSpec[];
  /** Members written as attributes of the structure's own element. */
  attributeMembers: ElementSpec[];
}

/**
 * escapeXml for element text, skipping text with nothing to escape (nearly all of it): a regex
 * test costs a third of escapeXml's replace. (A candidate for xml/writer.ts's escapeXml itself.)
 */
const needsEscape = /[&<>"'\r\n\u0085\u2028]/;

export function escapeText(text: string): string {
  return needsEscape.test(text) ? escapeXml(text) : text;
}

const structureSpecs = new WeakMap<Shape, StructureSpec>();

function structureSpec(shape: Shape): StructureSpec {
  let spec = structureSpecs.get(shape);
  if (spec) return spec;
  spec = { elements: [], attributeMembers: [] };
  for (const member of shape.members) {
    const name = member.shape.type === 'list' && isFlattened(member) ? flattenedItemName(member) : memberName(member);
    const element = new ElementSpec(member, name, namespaceAttribute(member.xmlNamespace));
    if (member.xmlAttribute) spec.attributeMembers.push(element);
    else spec.elements.push(element);
  }
  structureSpecs.set(shape, spec);
  return spec;
}

/** The member elements of a structure value, without an enclosing element. */
export function writeMembers(shape: Shape, value: unknown, skip?: ReadonlySet<string>): string {
  if (typeof value !== 'object' || value === null) return '';
  const record = value as Record<string, unknown>;
  let out = '';
  for (const element of structureSpec(shape).elements) {
    const item = record[element.member.name];
    if (item === undefined || item === null || skip?.has(element.member.name)) continue;
    out += writeElement(element, item);
  }
  return out;
}

/** The ` name="value"` attributes that a structure's xmlAttribute members put on its element. */
function structureAttributes(shape: Shape, value: unknown): string {
  const members = structureSpec(shape).attributeMembers;
  if (members.length === 0 || typeof value !== 'object' || value === null) return '';
  let out = '';
  for (const attribute of members) {
    const item = (value as Record<string, unknown>)[attribute.member.name];
    if (item !== undefined && item !== null) {
      out += ` ${attribute.name}="${escapeText(scalarText(attribute.member, item))}"`;
    }
  }
  return out;
}

/** One value as its element; flattened lists and maps repeat the element instead. */
function writeElement(spec: ElementSpec, value: unknown): string {
  const shape = spec.member.shape;
  switch (shape.type) {
    case 'string':
      if (typeof value === 'string') return value === '' ? spec.empty : spec.open + escapeText(value) + spec.close;
      return text(spec, scalarText(spec.member, value));
    case 'structure': {
      const attributes = structureAttributes(shape, value);
      const content = writeMembers(shape, value);
      if (attributes === '') return content === '' ? spec.empty : spec.open + content + spec.close;
      const open = `<${spec.name}${spec.attributes}${attributes}`;
      return content === '' ? `${open}/>` : `${open}>${content}${spec.close}`;
    }
    case 'list': {
      const item = spec.item;
      if (!item || !Array.isArray(value)) return '';
      let items = '';
      for (const element of value) if (element !== undefined && element !== null) items += writeElement(item, element);
      if (spec.flattened) return items;
      return items === '' ? spec.empty : spec.open + items + spec.close;
    }
    case 'map': {
      const entry = spec.entry;
      if (!entry || typeof value !== 'object' || value === null) return '';
      const map = value as Record<string, unknown>;
      let entries = '';
      for (const key in map) {
        const item = map[key];
        if (item === undefined || item === null) continue;
        const pair = text(entry[0], key) + writeElement(entry[1], item);
        entries += spec.flattened ? spec.open + pair + spec.close : `<entry>${pair}</entry>`;
      }
      if (spec.flattened) return entries;
      return entries === '' ? spec.empty : spec.open + entries + spec.close;
    }
    default:
      return text(spec, scalarText(spec.member, value));
  }
}

function text(spec: ElementSpec, content: string): string {
  return content === '' ? spec.empty : spec.open + escapeText(content) + spec.close;
}

function wrap(name: string, attributes: string, content: string): string {
  return content === '' ? `<${name}${attributes}/>` : `<${name}${attributes}>${content}</${name}>`;
}

/** A scalar as element text (not yet escaped). */
export function scalarText(member: Member, value: unknown): string {
  switch (member.shape.type) {
    case 'boolean':
      return value === true || value === 'true' ? 'true' : 'false';
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
    case 'bigdecimal':
    case 'biginteger':
      return typeof value === 'number' ? formatNumberText(value) : String(value);
    case 'timestamp':
      return formatTimestamp(value, timestampFormatOf(member, 'iso8601'));
    case 'blob':
      return toBuffer(value).toString('base64');
    default:
      return String(value);
  }
}

const namespaces = new WeakMap<ServiceModel, string>();

/** ` xmlns="..."` for a model's responses, computed once per model. */
export function responseNamespace(model: ServiceModel): string {
  let attribute = namespaces.get(model);
  if (attribute !== undefined) return attribute;
  const { xmlNamespace, endpointPrefix, apiVersion } = model.metadata;
  const uri =
    xmlNamespace ?? (endpointPrefix ? `https://${endpointPrefix}.amazonaws.com/doc/${apiVersion}/` : undefined);
  attribute = uri === undefined ? '' : namespaceAttribute({ uri });
  namespaces.set(model, attribute);
  return attribute;
}

/** The error shape's members other than its message, which the envelope writes itself. */
export function errorMembers(model: ServiceModel, error: AwsError): string {
  const shape = model.errorShapes.get(error.code);
  if (!shape) return '';
  return writeMembers(shape, error.members, messageMembers);
}

const messageMembers: ReadonlySet<string> = new Set(['message', 'Message']);

export function xmlResponse(status: number, contentType: string, requestId: string, body: string): HttpResponse {
  return {
    status,
    headers: { 'content-type': contentType, 'x-amzn-requestid': requestId },
    body,
  };
}

/** The awsQuery success body. */
export function writeQueryOutput(
  model: ServiceModel,
  operation: Operation,
  output: unknown,
  requestId: string,
): string {
  const name = operation.name;
  let result = '';
  if (operation.output) {
    const wrapper = operation.resultWrapper ?? `${name}Result`;
    result = wrap(wrapper, '', writeMembers(operation.output, output));
  }
  return (
    `<${name}Response${responseNamespace(model)}>${result}` +
    `<ResponseMetadata><RequestId>${escapeText(requestId)}</RequestId></ResponseMetadata></${name}Response>`
  );
}

/** The awsQuery error body. */
export function writeQueryError(model: ServiceModel, error: AwsError, requestId: string): string {
  const message = error.message === '' ? '' : `<Message>${escapeText(error.message)}</Message>`;
  return (
    `<ErrorResponse${responseNamespace(model)}><Error><Type>${error.senderFault ? 'Sender' : 'Receiver'}</Type>` +
    `<Code>${escapeText(error.wireQueryCode)}</Code>${message}${errorMembers(model, error)}</Error>` +
    `<RequestId>${escapeText(requestId)}</RequestId></ErrorResponse>`
  );
}
