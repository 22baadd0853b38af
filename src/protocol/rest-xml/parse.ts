/**
 * rest-xml bodies, read (https://smithy.io/2.0/aws/protocols/aws-restxml-protocol.html):
 * - a structure is an element whose children are its members, each named by its
 *   `locationName` or member name; `xmlAttribute` members are attributes of the element;
 * - a list is an element of item elements (`member`, or the list member's locationName); a
 *   flattened list (member or shape trait) is instead the member element repeated, one per item;
 * - a map is an element of `entry` elements holding a key and a value element (`key`/`value`
 *   or their locationNames); a flattened map repeats the member element as the entry;
 * - scalars are element text: timestamps default to date-time, blobs are base64.
 * Names compare by local name (a prefix is ignored) and the root element's own name is not
 * checked: AWS's services take a body whose root is misnamed, and so do we. Unknown elements are
 * skipped. A body that is not XML is S3's MalformedXML.
 */
import { SerializationException } from '../../errors/framework.js';
import type { Member, Shape } from '../model-types.js';
import { readText } from '../rest/text-values.js';
import { newMap } from '../values.js';
import { localName, parseXml, type XmlNode } from '../xml/reader.js';

export const malformedXmlMessage =
  'The XML you provided was not well-formed or did not validate against our published schema';

/** Parses a request body to its root element; throws MalformedXML when it is not XML. */
export function parseXmlBody(body: Buffer): XmlNode {
  try {
    return parseXml(body.toString('utf8'));
  } catch (error) {
    if (error instanceof SerializationException) throw new SerializationException(malformedXmlMessage, 'MalformedXML');
    throw error;
  }
}

/** True when a list or map member is written flattened. */
export function isFlattened(member: Member): boolean {
  return member.flattened === true || member.shape.flattened === true;
}

interface ElementTable {
  elements: Map<string, Member>;
  attributes: Member[];
}

const tables = new WeakMap<readonly Member[], ElementTable>();

function tableOf(members: readonly Member[]): ElementTable {
  let table = tables.get(members);
  if (table) return table;
  table = { elements: new Map(), attributes: [] };
  for (const member of members) {
    if (member.xmlAttribute) table.attributes.push(member);
    else table.elements.set(localName(member.locationName ?? member.name), member);
  }
  // botocore names a flattened list's items by the list member's locationName; accept that too.
  for (const member of members) {
    const item = member.shape.member;
    if (member.shape.type === 'list' && isFlattened(member) && item?.locationName) {
      const name = localName(item.locationName);
      if (!table.elements.has(name)) table.elements.set(name, member);
    }
  }
  tables.set(members, table);
  return table;
}

/** Reads the given members of a structure from its element into `target`. */
export function readXmlMembers(members: readonly Member[], node: XmlNode, target: Record<string, unknown>): void {
  const table = tableOf(members);
  for (const member of table.attributes) {
    const text = attributeOf(node, member.locationName ?? member.name);
    if (text !== undefined) target[member.name] = readText(member, text, 'iso8601');
  }
  for (const child of node.children) {
    const member = table.elements.get(localName(child.name));
    if (!member) continue;
    const shape = member.shape;
    if (shape.type === 'list' && isFlattened(member)) {
      const items = (target[member.name] ??= []) as unknown[];
      items.push(readXmlValue(shape.member as Member, child));
    } else if (shape.type === 'map' && isFlattened(member)) {
      const map = (target[member.name] ??= newMap()) as Record<string, unknown>;
      readEntry(shape, child, map);
    } else {
      target[member.name] = readXmlValue(member, child);
    }
  }
}

/** Reads one member's value from its element. */
export function readXmlValue(member: Member, node: XmlNode): unknown {
  const shape = member.shape;
  switch (shape.type) {
    case 'structure': {
      const result: Record<string, unknown> = {};
      readXmlMembers(shape.members, node, result);
      return result;
    }
    case 'list': {
      const item = shape.member as Member;
      return node.children.map((child) => readXmlValue(item, child));
    }
    case 'map': {
      const map = newMap<unknown>();
      for (const entry of node.children) readEntry(shape, entry, map);
      return map;
    }
    default:
      return readText(member, node.text, 'iso8601');
  }
}

function readEntry(shape: Shape, entry: XmlNode, map: Record<string, unknown>): void {
  const keyMember = shape.key as Member;
  const valueMember = shape.value as Member;
  const keyName = localName(keyMember.locationName ?? 'key');
  const valueName = localName(valueMember.locationName ?? 'value');
  let key: string | undefined;
  let valueNode: XmlNode | undefined;
  for (const child of entry.children) {
    const name = localName(child.name);
    if (name === keyName) key = child.text;
    else if (name === valueName) valueNode = child;
  }
  if (key === undefined || valueNode === undefined) return;
  map[key] = readXmlValue(valueMember, valueNode);
}

function attributeOf(node: XmlNode, name: string): string | undefined {
  const exact = node.attributes[name];
  if (exact !== undefined) return exact;
  // The client may have bound the namespace to another prefix (`xsi:type` as `x:type`).
  const local = localName(name);
  if (local === name) return undefined;
  for (const [attribute, value] of Object.entries(node.attributes)) {
    if (localName(attribute) === local && attribute.includes(':')) return value;
  }
  return undefined;
}
