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
import { formatTimestamp, type TimestampStyle, timestampFormatOf } from '../values.js';
import { escapeXml, namespaceAttribute } from '../xml/writer.js';
import { XmlOut } from '../xml/xml-out.js';
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
  return asText((out) => structureInto(out, name, members, value, namespace, timestamps));
}

/** The child elements of the given members of a structure value (attributes left out). */
export function writeXmlMembers(
  members: readonly Member[],
  value: Record<string, unknown>,
  timestamps: TimestampStyle = 'iso8601',
): string {
  return asText((out) => membersInto(out, members, value, timestamps));
}

/** One element named `name` holding a member's value. */
export function writeElement(
  name: string,
  member: Member,
  value: unknown,
  namespace: XmlNamespace | undefined,
  timestamps: TimestampStyle = 'iso8601',
): string {
  return asText((out) => elementInto(out, name, member, value, namespace, timestamps));
}

/** What `write` writes, as a string: for the callers that put XML inside strings of their own. */
function asText(write: (out: XmlOut) => void): string {
  const out = new XmlOut();
  write(out);
  return out.finishText();
}

/** Opens `<name attributes>`, written as `<name attributes/>` if nothing comes inside. */
function openElement(out: XmlOut, name: string, attributes: string): void {
  out.open(`<${name}${attributes}>`, `<${name}${attributes}/>`);
}

/** writeStructureElement into a document being written. */
export function structureInto(
  out: XmlOut,
  name: string,
  members: readonly Member[],
  value: Record<string, unknown>,
  namespace: XmlNamespace | undefined,
  timestamps: TimestampStyle,
): void {
  let attributes = namespaceAttribute(namespace);
  for (const member of members) {
    if (!member.xmlAttribute) continue;
    const item = value[member.name];
    if (item === undefined || item === null) continue;
    attributes += ` ${member.locationName ?? member.name}="${escapeXml(writeText(member, item, timestamps))}"`;
  }
  openElement(out, name, attributes);
  membersInto(out, members, value, timestamps);
  out.close(`</${name}>`);
}

function membersInto(
  out: XmlOut,
  members: readonly Member[],
  value: Record<string, unknown>,
  timestamps: TimestampStyle,
): void {
  const plan = planOf(members, timestamps);
  for (let i = 0; i < plan.length; i++) {
    const step = plan[i] as Step;
    const item = value[step.key];
    if (item === undefined || item === null) continue;
    switch (step.kind) {
      case StepKind.String: {
        const text = typeof item === 'string' ? item : String(item);
        if (text === '') out.write(step.empty);
        else out.write(`${step.open}${stringText(text)}${step.close}`);
        break;
      }
      case StepKind.Timestamp:
        out.write(`${step.open}${timestampText(item, step.format as TimestampStyle)}${step.close}`);
        break;
      default:
        memberInto(out, step.member, item, timestamps);
    }
  }
}

/** What a Step writes: a string scalar, a timestamp, or anything else (by memberInto). */
const StepKind = { String: 0, Timestamp: 1, Other: 2 } as const;
type StepKind = (typeof StepKind)[keyof typeof StepKind];

/** How one member is written: scalars that need no dispatch get their element text made once. */
interface Step {
  key: string;
  member: Member;
  kind: StepKind;
  open: string;
  close: string;
  /** The element with no content: `<name/>`. */
  empty: string;
  format: TimestampStyle | undefined;
}

/**
 * The members of a structure as steps, made once per member list and timestamp style: a list of
 * a thousand structures (a ListObjectsV2 page) otherwise looks up each member's element name,
 * namespace and type a thousand times.
 */
const plans = new WeakMap<readonly Member[], Map<TimestampStyle, Step[]>>();

function planOf(members: readonly Member[], timestamps: TimestampStyle): Step[] {
  let byStyle = plans.get(members);
  if (!byStyle) {
    byStyle = new Map();
    plans.set(members, byStyle);
  }
  let plan = byStyle.get(timestamps);
  if (!plan) {
    plan = [];
    for (const member of members) {
      if (member.xmlAttribute) continue;
      const name = member.locationName ?? member.name;
      const attributes = namespaceAttribute(namespaceOf(member));
      const type = member.shape.type;
      const kind =
        (type === 'string' || type === 'character') && !member.jsonvalue
          ? StepKind.String
          : type === 'timestamp'
            ? StepKind.Timestamp
            : StepKind.Other;
      plan.push({
        key: member.name,
        member,
        kind,
        open: `<${name}${attributes}>`,
        close: `</${name}>`,
        empty: `<${name}${attributes}/>`,
        format: kind === StepKind.Timestamp ? timestampFormatOf(member, timestamps) : undefined,
      });
    }
    byStyle.set(timestamps, plan);
  }
  return plan;
}

/** The last timestamp written and its text: the entries of a listing often share their second. */
let lastTime = Number.NaN;
let lastFormat: TimestampStyle | undefined;
let lastText = '';

function timestampText(value: unknown, format: TimestampStyle): string {
  if (!(value instanceof Date)) return formatTimestamp(value, format);
  const time = value.getTime();
  if (time !== lastTime || format !== lastFormat) {
    lastText = isoFormats.has(format) ? isoText(time, format) : formatTimestamp(value, format);
    lastTime = time;
    lastFormat = format;
  }
  return lastText;
}

const isoFormats: ReadonlySet<TimestampStyle> = new Set(['iso8601', 'iso8601Milliseconds']);
const dayMs = 86_400_000;
/** 10000-01-01: from there on toISOString writes a six-digit year. */
const lastIsoMs = 253_402_300_800_000;
let isoDay = Number.NaN;
let isoDayText = '';

function twoDigits(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

/**
 * What formatTimestamp writes for the ISO formats, four times as fast as Date#toISOString: the
 * date part once per day, the time by arithmetic (a page of 1,000 keys writes 1,000 of them).
 */
function isoText(time: number, format: TimestampStyle): string {
  if (!(time >= 0 && time < lastIsoMs)) return formatTimestamp(new Date(time), format);
  const day = Math.floor(time / dayMs);
  if (day !== isoDay) {
    isoDay = day;
    isoDayText = new Date(day * dayMs).toISOString().slice(0, 11);
  }
  let rest = time - day * dayMs;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  const clock = `${isoDayText}${twoDigits(hours)}:${twoDigits(minutes)}:${twoDigits(seconds)}`;
  // ISO 8601 without milliseconds drops them when they are zero, as formatTimestamp does.
  if (millis === 0 && format === 'iso8601') return `${clock}Z`;
  return `${clock}.${millis < 10 ? `00${millis}` : millis < 100 ? `0${millis}` : millis}Z`;
}

/**
 * Element text of a string: most need no escape, and most that do hold only `"` (an ETag),
 * which a replaceAll handles faster than escapeXml's pattern and callback.
 */
function stringText(text: string): string {
  if (!needsEscape.test(text)) return text;
  return quoteOnly.test(text) ? text.replaceAll('"', '&quot;') : escapeXml(text);
}

const quoteOnly = /^[^&<>'\r\n\u0085\u2028]*$/;

function memberInto(out: XmlOut, member: Member, value: unknown, timestamps: TimestampStyle): void {
  const name = member.locationName ?? member.name;
  const shape = member.shape;
  if (shape.type === 'list' && isFlattened(member)) {
    const item = shape.member as Member;
    const namespace = namespaceOf(item);
    for (const entry of value as unknown[]) {
      if (entry !== undefined && entry !== null) elementInto(out, name, item, entry, namespace, timestamps);
    }
    return;
  }
  if (shape.type === 'map' && isFlattened(member)) {
    const attributes = namespaceAttribute(namespaceOf(member));
    for (const key of Object.keys(value as object)) {
      const entry = (value as Record<string, unknown>)[key];
      if (entry === undefined || entry === null) continue;
      openElement(out, name, attributes);
      entryInto(out, shape, key, entry, timestamps);
      out.close(`</${name}>`);
    }
    return;
  }
  elementInto(out, name, member, value, namespaceOf(member), timestamps);
}

function elementInto(
  out: XmlOut,
  name: string,
  member: Member,
  value: unknown,
  namespace: XmlNamespace | undefined,
  timestamps: TimestampStyle,
): void {
  const shape = member.shape;
  if (shape.type === 'structure') {
    structureInto(out, name, shape.members, value as Record<string, unknown>, namespace, timestamps);
    return;
  }
  const attributes = namespaceAttribute(namespace);
  openElement(out, name, attributes);
  switch (shape.type) {
    case 'list': {
      const item = shape.member as Member;
      const itemName = item.locationName ?? 'member';
      const itemNamespace = namespaceOf(item);
      for (const entry of value as unknown[]) {
        if (entry !== undefined && entry !== null) elementInto(out, itemName, item, entry, itemNamespace, timestamps);
      }
      break;
    }
    case 'map':
      for (const key of Object.keys(value as object)) {
        const entry = (value as Record<string, unknown>)[key];
        if (entry === undefined || entry === null) continue;
        openElement(out, 'entry', '');
        entryInto(out, shape, key, entry, timestamps);
        out.close('</entry>');
      }
      break;
    default: {
      const text = scalarText(member, value, timestamps);
      if (text !== '') out.write(text);
    }
  }
  out.close(`</${name}>`);
}

const needsEscape = /[&<>"'\r\n\u0085\u2028]/;

/** A scalar as element text; only strings can hold characters that need escaping. */
function scalarText(member: Member, value: unknown, timestamps: TimestampStyle): string {
  const text = writeText(member, value, timestamps);
  if (member.shape.type !== 'string' && member.shape.type !== 'character') return text;
  return needsEscape.test(text) ? escapeXml(text) : text;
}

function entryInto(out: XmlOut, shape: Shape, key: string, value: unknown, timestamps: TimestampStyle): void {
  const keyMember = shape.key as Member;
  const valueMember = shape.value as Member;
  const keyName = keyMember.locationName ?? 'key';
  const keyAttributes = namespaceAttribute(namespaceOf(keyMember));
  openElement(out, keyName, keyAttributes);
  const keyText = escapeXml(key);
  if (keyText !== '') out.write(keyText);
  out.close(`</${keyName}>`);
  elementInto(out, valueMember.locationName ?? 'value', valueMember, value, namespaceOf(valueMember), timestamps);
}
