/**
 * XML input (rest-xml request bodies, S3 configuration documents) as a small ordered tree.
 * fast-xml-parser does the parsing; this file only gives its output a stable shape.
 * Documents with a DTD are refused: AWS accepts none, and entity expansion is an attack.
 */
import { XMLParser } from 'fast-xml-parser';
import { SerializationException } from '../../errors/framework.js';

export interface XmlNode {
  /** The element name as written, prefix included (`xsi:type`). */
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
  /** The element's own text, concatenated (CDATA included), untrimmed. */
  text: string;
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

type RawNode = Record<string, unknown> & { ':@'?: Record<string, string> };

function convert(raw: RawNode): XmlNode | undefined {
  for (const [name, value] of Object.entries(raw)) {
    if (name === ':@' || name === '#text') continue;
    const node: XmlNode = { name, attributes: raw[':@'] ?? {}, children: [], text: '' };
    for (const child of (value as RawNode[]) ?? []) {
      if ('#text' in child) node.text += String(child['#text']);
      else {
        const converted = convert(child);
        if (converted) node.children.push(converted);
      }
    }
    return node;
  }
  return undefined;
}

/** Parses a whole document to its root element; throws SerializationException when it is not XML. */
export function parseXml(text: string): XmlNode {
  if (/<!DOCTYPE/i.test(text)) throw new SerializationException('XML documents with a DTD are not accepted');
  let raw: RawNode[];
  try {
    raw = parser.parse(text, true) as RawNode[];
  } catch (error) {
    throw new SerializationException(`The XML you provided was not well-formed: ${(error as Error).message}`);
  }
  for (const item of raw) {
    const node = convert(item);
    if (node) return node;
  }
  throw new SerializationException('The XML you provided was not well-formed: no root element');
}

/** The local part of a name: `xsi:type` -> `type`. */
export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon >= 0 ? name.slice(colon + 1) : name;
}
