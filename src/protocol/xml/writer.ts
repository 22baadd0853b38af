/**
 * XML output for query, ec2 and rest-xml responses, written as strings: responses are small
 * and flat, and string building is the fastest way to write them.
 */

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#xD;',
  '\n': '&#xA;',
  '\u0085': '&#x85;',
  '\u2028': '&#x2028;',
};

/**
 * Escapes text for element content and attribute values. Line breaks are written as character
 * references, as AWS does, so that they survive a parser's normalisation of CR LF.
 */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r\n\u0085\u2028]/g, (c) => escapes[c] ?? c);
}

/** `<name attrs>content</name>`, or `<name attrs/>` when content is empty. */
export function element(name: string, content: string, attributes = ''): string {
  return content === '' ? `<${name}${attributes}/>` : `<${name}${attributes}>${content}</${name}>`;
}

/** ` xmlns="uri"` or ` xmlns:prefix="uri"`. */
export function namespaceAttribute(namespace: { prefix?: string; uri: string } | undefined): string {
  if (!namespace) return '';
  const name = namespace.prefix ? `xmlns:${namespace.prefix}` : 'xmlns';
  return ` ${name}="${escapeXml(namespace.uri)}"`;
}

export const xmlDeclaration = '<?xml version="1.0" encoding="UTF-8"?>';
