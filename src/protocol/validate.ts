/**
 * Validates an operation's input against its model before the provider sees it: required
 * members, length and value ranges, patterns and enums, in the words AWS's front ends use:
 *
 *   1 validation error detected: Value 'x' at 'userName' failed to satisfy constraint:
 *   Member must have length less than or equal to 64
 *
 * Paths name members with a lower-case first letter, list elements `name.N.member` (1-based),
 * map values `name.key.member`; a list or map of scalars reports its element failures on the
 * collection: `Member must satisfy constraint: [...]`, `Map value must satisfy constraint: [...]`.
 * Evidence: shared/aws-reference/recorded-responses (lambda, apigateway, cloudwatch, sns,
 * iam, kms snapshots) and dynalite's test suite. Each service's code and phrasing come from
 * the one table below.
 */
import { MissingParameter, ValidationException } from '../errors/common.js';
import type { Member, Shape } from './model-types.js';

export interface ValidationStyle {
  /** The error code: `ValidationException` (JSON, REST) or `ValidationError` (query). */
  code: string;
  /** IAM and sensitive members say `Value at 'x'` without the value. */
  showValues: boolean;
  /** IAM says `Member must satisfy enum value set` without the set. */
  showEnumValues: boolean;
  /** API Gateway names the input structure first: `createRestApiInput.name`. */
  rootPrefix: boolean;
  /**
   * SQS checks no enum in its front end: its provider answers unknown attribute names in its
   * own words (`InvalidAttributeName: Unknown Attribute X.`).
   */
  checkEnums: boolean;
  /**
   * SQS answers a missing required member with `MissingParameter: The request must contain the
   * parameter X.` instead of a validation error listing it.
   */
  missingAsParameter: boolean;
  /**
   * S3 validates its XML against a schema and says no more than that the document did not
   * validate: any failure is `MalformedXML` with this one message, no list (recorded:
   * s3/test_s3_api `test_bucket_versioning_crud`, a Status of `enabled`). Its enums are the
   * provider's to check (S3 takes filter rule names in any case; the model's ACL enum lacks
   * `log-delivery-write`).
   */
  wholeDocument?: { code: string; message: string };
  /**
   * S3's provider checks lengths, patterns and enums in its own words (InvalidTag,
   * InvalidArgument, InvalidRequest); only a missing required element of a document is the
   * front end's, and a missing string payload (a policy) is the provider's too.
   */
  requiredOnly?: boolean;
}

const defaultStyle: ValidationStyle = {
  code: 'ValidationException',
  showValues: true,
  showEnumValues: true,
  rootPrefix: false,
  checkEnums: true,
  missingAsParameter: false,
};

/**
 * Per-service phrasing. Evidence: iam `test_invalid_update_parameters` ("Value at 'status'
 * failed to satisfy constraint: Member must satisfy enum value set"), apigateway
 * `createRestApiInput.endpointConfiguration.types`.
 */
const styles: Record<string, Partial<ValidationStyle>> = {
  iam: { code: 'ValidationError', showValues: false, showEnumValues: false },
  sts: { code: 'ValidationError' },
  cloudwatch: { code: 'ValidationError' },
  apigateway: { rootPrefix: true },
  // CloudWatch Logs answers its model's constraint failures as InvalidParameterException
  // (logs/test_logs `test_get_log_events`: "1 validation error detected: Value '10001' at 'limit' ...").
  logs: { code: 'InvalidParameterException' },
  sqs: { checkEnums: false, missingAsParameter: true },
  'sqs-query': { checkEnums: false, missingAsParameter: true },
  s3: {
    checkEnums: false,
    requiredOnly: true,
    wholeDocument: {
      code: 'MalformedXML',
      message: 'The XML you provided was not well-formed or did not validate against our published schema',
    },
  },
};

const madeStyles = new Map<string, ValidationStyle>();

export function validationStyle(service: string, protocol: string): ValidationStyle {
  const key = `${service} ${protocol}`;
  let made = madeStyles.get(key);
  if (!made) {
    const code = protocol === 'query' ? 'ValidationError' : defaultStyle.code;
    made = { ...defaultStyle, code, ...styles[service] };
    madeStyles.set(key, made);
  }
  return made;
}

const maxListed = 10;

/**
 * The path of the value being checked, as segments joined only when a failure names it: most
 * requests break nothing, and building `records.7.member.data` for every member of every entry
 * cost a string each (500 entries of a PutRecords).
 */
const pathStack: string[] = [];

function currentPath(): string {
  return pathStack.join('.');
}

const memberNames = new WeakMap<Member, string>();

/** `tableName` for TableName, once per member. */
function pathName(member: Member): string {
  let name = memberNames.get(member);
  if (name === undefined) {
    name = lowerFirst(member.name);
    memberNames.set(member, name);
  }
  return name;
}

/** Throws the service's validation error when `input` breaks its model's constraints. */
export function validateInput(shape: Shape | undefined, input: unknown, style: ValidationStyle): void {
  if (!shape || !hasConstraints(shape)) return;
  const failures: string[] = [];
  pathStack.length = 0;
  if (style.rootPrefix) pathStack.push(lowerFirst(shape.name));
  try {
    checkStructure(shape, input as Record<string, unknown>, style, failures);
  } finally {
    pathStack.length = 0;
  }
  if (failures.length === 0) return;
  if (style.wholeDocument) throw new ValidationException(style.wholeDocument.message, style.wholeDocument.code);
  const count = failures.length;
  const heading = `${count} validation error${count === 1 ? '' : 's'} detected: `;
  throw new ValidationException(heading + failures.slice(0, maxListed).join('; '), style.code);
}

function checkStructure(
  shape: Shape,
  value: Record<string, unknown> | undefined,
  style: ValidationStyle,
  failures: string[],
): void {
  for (const member of shape.members) {
    const memberValue = value?.[member.name];
    if (memberValue === undefined || memberValue === null) {
      if (member.required && style.missingAsParameter) throw new MissingParameter(member.name);
      if (style.requiredOnly && shape.payload === member.name && member.shape.type !== 'structure') continue;
      if (member.required) {
        pathStack.push(pathName(member));
        failures.push(`Value null at '${currentPath()}' failed to satisfy constraint: Member must not be null`);
        pathStack.pop();
      }
      continue;
    }
    if (!hasConstraints(member.shape)) continue;
    pathStack.push(pathName(member));
    checkValue(member.shape, memberValue, style, failures);
    pathStack.pop();
  }
}

/** Checks an element at `segments` below the current path (a list index or map key, then `member`). */
function checkElement(shape: Shape, value: unknown, segment: string, style: ValidationStyle, failures: string[]) {
  pathStack.push(segment, 'member');
  checkValue(shape, value, style, failures);
  pathStack.length -= 2;
}

function checkValue(shape: Shape, value: unknown, style: ValidationStyle, failures: string[]): void {
  const own = constraintFailures(shape, value, style);
  if (own.length > 0) failures.push(...own.map((text) => describe(shape, value, style, text)));
  switch (shape.type) {
    case 'structure':
      checkStructure(shape, value as Record<string, unknown>, style, failures);
      break;
    case 'list': {
      const element = shape.member?.shape;
      if (!element || !hasConstraints(element) || !Array.isArray(value)) break;
      if (element.type === 'structure' || element.type === 'list' || element.type === 'map') {
        value.forEach((item, index) => {
          if (item !== null && item !== undefined) checkElement(element, item, String(index + 1), style, failures);
        });
      } else {
        const inner = new Set<string>();
        for (const item of value) for (const text of constraintFailures(element, item, style)) inner.add(text);
        if (inner.size > 0) {
          failures.push(describe(shape, value, style, `Member must satisfy constraint: [${[...inner].join(', ')}]`));
        }
      }
      break;
    }
    case 'map': {
      if (typeof value !== 'object') break;
      const entries = Object.entries(value as Record<string, unknown>);
      const keyShape = shape.key?.shape;
      const valueShape = shape.value?.shape;
      if (keyShape && hasConstraints(keyShape)) {
        const inner = new Set<string>();
        for (const [key] of entries) for (const text of constraintFailures(keyShape, key, style)) inner.add(text);
        if (inner.size > 0) {
          failures.push(describe(shape, value, style, `Map keys must satisfy constraint: [${[...inner].join(', ')}]`));
        }
      }
      if (valueShape && hasConstraints(valueShape)) {
        if (valueShape.type === 'structure' || valueShape.type === 'list' || valueShape.type === 'map') {
          for (const [key, item] of entries) {
            if (item !== null && item !== undefined) checkElement(valueShape, item, key, style, failures);
          }
        } else {
          const inner = new Set<string>();
          for (const [, item] of entries)
            for (const text of constraintFailures(valueShape, item, style)) inner.add(text);
          if (inner.size > 0) {
            failures.push(
              describe(shape, value, style, `Map value must satisfy constraint: [${[...inner].join(', ')}]`),
            );
          }
        }
      }
      break;
    }
    default:
      break;
  }
}

function describe(shape: Shape, value: unknown, style: ValidationStyle, constraint: string): string {
  const shown = style.showValues && !shape.sensitive ? `Value '${javaString(value, shape)}' at` : 'Value at';
  return `${shown} '${currentPath()}' failed to satisfy constraint: ${constraint}`;
}

const none: string[] = [];

/** The constraints of the value itself (not of its elements) that it breaks. */
function constraintFailures(shape: Shape, value: unknown, style: ValidationStyle): string[] {
  if (value === null || value === undefined || style.requiredOnly) return none;
  let out: string[] | undefined;
  let length: number | undefined;
  if (typeof value === 'string' && (shape.type === 'string' || shape.type === 'character')) length = value.length;
  else if (Array.isArray(value)) length = value.length;
  else if (shape.type === 'blob' && value instanceof Uint8Array) length = value.byteLength;
  else if (shape.type === 'map' && typeof value === 'object') length = Object.keys(value).length;

  if (length !== undefined) {
    if (shape.min !== undefined && length < shape.min)
      (out ??= []).push(`Member must have length greater than or equal to ${shape.min}`);
    if (shape.max !== undefined && length > shape.max)
      (out ??= []).push(`Member must have length less than or equal to ${shape.max}`);
  } else if (typeof value === 'number') {
    if (shape.min !== undefined && value < shape.min)
      (out ??= []).push(`Member must have value greater than or equal to ${shape.min}`);
    if (shape.max !== undefined && value > shape.max)
      (out ??= []).push(`Member must have value less than or equal to ${shape.max}`);
  }
  if (typeof value === 'string') {
    if (shape.pattern !== undefined) {
      const regex = compiledPattern(shape);
      if (regex && !regex.test(value))
        (out ??= []).push(`Member must satisfy regular expression pattern: ${shape.pattern}`);
    }
    if (shape.enum && style.checkEnums && !shape.enum.includes(value)) {
      (out ??= []).push(
        style.showEnumValues
          ? `Member must satisfy enum value set: [${shape.enum.join(', ')}]`
          : 'Member must satisfy enum value set',
      );
    }
  }
  return out ?? none;
}

const constrained = new WeakMap<Shape, boolean>();

/** Whether a shape or anything below it carries a constraint (cached; recursive shapes are safe). */
function hasConstraints(shape: Shape): boolean {
  const known = constrained.get(shape);
  if (known !== undefined) return known;
  constrained.set(shape, false);
  let result =
    shape.min !== undefined || shape.max !== undefined || shape.pattern !== undefined || shape.enum !== undefined;
  if (!result) {
    if (shape.type === 'structure') {
      result = shape.members.some((member) => member.required || hasConstraints(member.shape));
    } else if (shape.type === 'list') result = shape.member ? hasConstraints(shape.member.shape) : false;
    else if (shape.type === 'map') {
      result =
        (shape.key ? hasConstraints(shape.key.shape) : false) ||
        (shape.value ? hasConstraints(shape.value.shape) : false);
    }
  }
  constrained.set(shape, result);
  return result;
}

const patterns = new WeakMap<Shape, RegExp | null>();

/** Java's POSIX classes, which JavaScript lacks. */
const posixClasses: Record<string, string> = {
  Alpha: 'A-Za-z',
  Digit: '0-9',
  Alnum: 'A-Za-z0-9',
  Upper: 'A-Z',
  Lower: 'a-z',
  Punct: '!-\\/:-@\\[-`{-~',
  XDigit: '0-9A-Fa-f',
  Space: ' \\t\\n\\x0B\\f\\r',
  Print: '\\x20-\\x7E',
  Graph: '\\x21-\\x7E',
  ASCII: '\\x00-\\x7F',
};

/**
 * The model's pattern as a JavaScript regex matching the whole value, as AWS's (Java) front
 * ends match it. A pattern JavaScript cannot compile is not checked rather than guessed at.
 */
function compiledPattern(shape: Shape): RegExp | null {
  const cached = patterns.get(shape);
  if (cached !== undefined) return cached;
  const source = (shape.pattern ?? '').replace(/\\p\{(\w+)\}/g, (whole, name: string) => {
    const posix = posixClasses[name];
    return posix ? `[${posix}]` : whole;
  });
  let regex: RegExp | null = null;
  for (const flags of ['u', '']) {
    try {
      regex = new RegExp(`^(?:${source})$`, flags);
      break;
    } catch {
      regex = null;
    }
  }
  patterns.set(shape, regex);
  return regex;
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** A value as Java's toString would print it in AWS's messages (`2.0` for a double 2). */
function javaString(value: unknown, shape: Shape | undefined): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') {
    const floating = shape?.type === 'double' || shape?.type === 'float';
    return floating && Number.isInteger(value) ? `${value}.0` : String(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => javaString(item, shape?.member?.shape)).join(', ')}]`;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array)
    return `java.nio.HeapByteBuffer[pos=0 lim=${value.byteLength} cap=${value.byteLength}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => {
      const itemShape = shape?.type === 'map' ? shape.value?.shape : shape?.memberMap.get(key)?.shape;
      return `${shape?.type === 'map' ? key : lowerFirst(key)}=${javaString(item, itemShape)}`;
    });
    return `{${entries.join(', ')}}`;
  }
  return String(value);
}
