/**
 * Publish's message attributes: AWS's checks, and the two forms deliveries use (SQS message
 * attributes for raw delivery, `{ Type, Value }` in the JSON envelope).
 * https://docs.aws.amazon.com/sns/latest/dg/sns-message-attributes.html
 * The messages are real AWS's (test_empty_or_wrong_message_attributes,
 * test_message_attributes_prefixes), answered as ParameterValueInvalid.
 */
import { InvalidParameterValueException } from '../../generated/sns/errors.js';
import type * as T from '../../generated/sns/types.js';

/** https://docs.aws.amazon.com/sns/latest/dg/sns-message-attributes.html: "up to 10 message attributes". */
const maxAttributes = 10;
const namePattern = /^[A-Za-z0-9_.-]+$/;
const typePattern = /^(String|Number|Binary)(\..+)?$/;

function invalid(message: string): InvalidParameterValueException {
  return new InvalidParameterValueException(message);
}

function checkName(name: string): void {
  if (Buffer.byteLength(name) >= 256) throw invalid('Length of message attribute name must be less than 256 bytes.');
  const bad = /[^A-Za-z0-9_.-]/.exec(name);
  if (bad || !namePattern.test(name)) {
    const code = (bad?.[0] ?? ' ').codePointAt(0) as number;
    throw invalid(
      `Invalid non-alphanumeric character '#x${code.toString(16).toUpperCase()}' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots.`,
    );
  }
  if (name.startsWith('.')) throw invalid(`Invalid message attribute name starting with character '.' was found.`);
  if (name.endsWith('.')) throw invalid(`Invalid message attribute name ending with character '.' was found.`);
  if (name.includes('..')) throw invalid(`Message attribute name can not have successive '.' character.`);
}

/** Checks a publish's attributes; returns them unchanged. */
export function checkMessageAttributes(
  attributes: T.MessageAttributeMap | undefined,
): T.MessageAttributeMap | undefined {
  if (!attributes) return undefined;
  const names = Object.keys(attributes);
  if (names.length === 0) return undefined;
  if (names.length > maxAttributes) {
    throw invalid(`Number of message attributes [${names.length}] exceeds the allowed maximum [${maxAttributes}].`);
  }
  for (const name of names) {
    checkName(name);
    const value = attributes[name] as T.MessageAttributeValue;
    const type = value.DataType ?? '';
    const kind = typePattern.exec(type)?.[1];
    if (!kind) {
      throw invalid(
        `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
      );
    }
    if (kind === 'Binary') {
      if (value.StringValue !== undefined && value.BinaryValue === undefined) {
        throw invalid(`The message attribute '${name}' with type 'Binary' must use field 'Binary'.`);
      }
      if (!value.BinaryValue || value.BinaryValue.length === 0) {
        throw invalid(
          `The message attribute '${name}' must contain non-empty message attribute value for message attribute type 'Binary'.`,
        );
      }
      continue;
    }
    if (value.BinaryValue !== undefined && value.StringValue === undefined) {
      throw invalid(`The message attribute '${name}' with type '${kind}' must use field 'String'.`);
    }
    if (value.StringValue === undefined || value.StringValue === '') {
      throw invalid(
        `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${kind}'.`,
      );
    }
    if (kind === 'Number' && !/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value.StringValue.trim())) {
      throw invalid(
        `An error occurred while parsing the message attribute '${name}' of type 'Number': value '${value.StringValue}' is not a valid number.`,
      );
    }
    if (type === 'String.Array') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value.StringValue);
      } catch {
        parsed = undefined;
      }
      if (!Array.isArray(parsed)) {
        throw invalid(
          `The message attribute '${name}' with type 'String.Array' has an invalid value: it must be a JSON array.`,
        );
      }
    }
  }
  return attributes;
}

/** The bytes attributes count toward the 256 KiB message limit: names, types and values. */
export function attributesSize(attributes: T.MessageAttributeMap | undefined): number {
  let size = 0;
  for (const [name, value] of Object.entries(attributes ?? {})) {
    size += Buffer.byteLength(name) + Buffer.byteLength(value.DataType);
    if (value.StringValue !== undefined) size += Buffer.byteLength(value.StringValue);
    if (value.BinaryValue !== undefined) size += value.BinaryValue.length;
  }
  return size;
}

/** The envelope's form: `{ "attr": { "Type": "Number", "Value": "1" } }`, binary as base64. */
export function envelopeAttributes(
  attributes: T.MessageAttributeMap | undefined,
): Record<string, { Type: string; Value: string }> | undefined {
  if (!attributes) return undefined;
  const out: Record<string, { Type: string; Value: string }> = {};
  for (const [name, value] of Object.entries(attributes)) {
    out[name] = {
      Type: value.DataType,
      Value: value.BinaryValue ? Buffer.from(value.BinaryValue).toString('base64') : (value.StringValue as string),
    };
  }
  return out;
}
