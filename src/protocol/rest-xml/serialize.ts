/**
 * rest-xml bodies, written (https://smithy.io/2.0/aws/protocols/aws-restxml-protocol.html):
 * the mirror of parse.ts. Element names come from `locationName` or the member name; an
 * `xmlNamespace` on a member (or else on its target shape) becomes an `xmlns` attribute of its
 * element; a flattened list repeats the member element with the list member's namespace, a
 * flattened map repeats it with the member's; `xmlAttribute` members are attributes of their
 * structure's element. Unset (undefined or null) members are left out.
 */
import type { Member, Shape, XmlNamespace } from '../model-types.js';
import { writeText } from '../rest/text-values.js';
import type { TimestampStyle } from '../values.js';
import { element, escapeXml, namespaceAttribute } from '../xml/writer.js';
import { isFlattened } from './parse.js';

function namespaceOf(member: Member): XmlNamespace | undefined {
  return member.xmlNamespace ?? member.shape.xmlNamespace;
}

/** A structure element holding the given members of a value. */
export function writeStructureElement(
  name: string,
  members: readonly Member[],
  value: Record<string, unknown>,
  namespace: XmlNamespace | undefined,
  timestamps: TimestampStyle = 'iso8601',
): string {
  let attributes = namespaceAttribute(namespace);
  for (const member of members) {
    if (!member.xmlAttribute) continue;
    const item = value[member.name];
    if (item === undefined || item === null) continue;
    attributes += ` ${member.locationName ?? member.name}="${escapeXml(writeText(member, item, timestamps))}"`;
  }
  return element(name, writeXmlMembers(members, value, timestamps), attributes);
}

/** The child elements of the given members of a structure value (attributes left out). */
export function writeXmlMembers(
  members: readonly Member[],
  value: Record<string, unknown>,
  timestamps: TimestampStyle = 'iso8601',
): string {
  let content = '';
  for (const member of members) {
    if (member.xmlAttribute) continue;
    const item = value[member.name];
    if (item === undefined || item === null) continue;
    content += writeMember(member, item, timestamps);
  }
  return content;
}

function writeMember(member: Member, value: unknown, timestamps: TimestampStyle): string {
  const name = member.locationName ?? member.name;
  const shape = member.shape;
  if (shape.type === 'list' && isFlattened(member)) {
    const item = shape.member as Member;
    const namespace = namespaceOf(item);
    let content = '';
    for (const entry of value as unknown[]) {
      if (entry !== undefined && entry !== null) content += writeElement(name, item, entry, namespace, timestamps);
    }
    return content;
  }
  if (shape.type === 'map' && isFlattened(member)) {
    const attributes = namespaceAttribute(namespaceOf(member));
    let content = '';
    for (const key of Object.keys(value as object)) {
      const entry = (value as Record<string, unknown>)[key];
      if (entry !== undefined && entry !== null)
        content += element(name, writeEntry(shape, key, entry, timestamps), attributes);
    }
    return content;
  }
  return writeElement(name, member, value, namespaceOf(member), timestamps);
}

/** One element named `name` holding a member's value. */
export function writeElement(
  name: string,
  member: Member,
  value: unknown,
  namespace: XmlNamespace | undefined,
  timestamps: TimestampStyle = 'iso8601',
): string {
  const shape = member.shape;
  switch (shape.type) {
    case 'structure':
      return writeStructureElement(name, shape.members, value as Record<string, unknown>, namespace, timestamps);
    case 'list': {
      const item = shape.member as Member;
      const itemName = item.locationName ?? 'member';
      const itemNamespace = namespaceOf(item);
      let content = '';
      for (const entry of value as unknown[]) {
        if (entry !== undefined && entry !== null)
          content += writeElement(itemName, item, entry, itemNamespace, timestamps);
      }
      return element(name, content, namespaceAttribute(namespace));
    }
    case 'map': {
      let content = '';
      for (const key of Object.keys(value as object)) {
        const entry = (value as Record<string, unknown>)[key];
        if (entry !== undefined && entry !== null)
          content += element('entry', writeEntry(shape, key, entry, timestamps));
      }
      return element(name, content, namespaceAttribute(namespace));
    }
    default:
      return element(name, scalarText(member, value, timestamps), namespaceAttribute(namespace));
  }
}

const needsEscape = /[&<>"'\r\n\u0085\u2028]/;

/** A scalar as element text; only strings can hold characters that need escaping. */
function scalarText(member: Member, value: unknown, timestamps: TimestampStyle): string {
  const text = writeText(member, value, timestamps);
  if (member.shape.type !== 'string' && member.shape.type !== 'character') return text;
  return needsEscape.test(text) ? escapeXml(text) : text;
}

function writeEntry(shape: Shape, key: string, value: unknown, timestamps: TimestampStyle): string {
  const keyMember = shape.key as Member;
  const valueMember = shape.value as Member;
  return (
    element(keyMember.locationName ?? 'key', escapeXml(key), namespaceAttribute(namespaceOf(keyMember))) +
    writeElement(valueMember.locationName ?? 'value', valueMember, value, namespaceOf(valueMember), timestamps)
  );
}
