/**
 * The reverse of vectors.ts's `normalise`: turns a value in the vectors' notation (timestamps as
 * epoch seconds, blobs as text, NaN and the infinities as strings) into the runtime values a
 * provider returns (Dates, Buffers, numbers, null-prototype maps), walking the model.
 * Also the error a vector's error case describes, built the way a generated error class is.
 */
import { AwsError } from '../../../src/errors/aws-error.js';
import type { Operation, ServiceModel, Shape } from '../../../src/protocol/model-types.js';
import { newMap } from '../../../src/protocol/values.js';
import type { VectorCase } from '../vectors.js';

export function toRuntime(shape: Shape, value: unknown): unknown {
  if (value === null || value === undefined || shape.document) return value;
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        const member = shape.memberMap.get(key);
        out[key] = member ? toRuntime(member.shape, item) : item;
      }
      return out;
    }
    case 'list':
      return (value as unknown[]).map((item) => (shape.member ? toRuntime(shape.member.shape, item) : item));
    case 'map': {
      const out = newMap();
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        out[key] = shape.value ? toRuntime(shape.value.shape, item) : item;
      }
      return out;
    }
    case 'timestamp':
      return typeof value === 'number' ? new Date(Math.round(value * 1000)) : value;
    case 'blob':
      return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    case 'float':
    case 'double':
      return typeof value === 'string' ? Number(value) : value;
    default:
      return value;
  }
}

/** The error shape a case's `errorCode` names: by shape name, or by its legacy query code. */
export function errorShapeOf(model: ServiceModel, operation: Operation, code: string): Shape | undefined {
  const candidates = [...operation.errors, ...model.errorShapes.values()];
  return candidates.find((shape) => shape.name === code) ?? candidates.find((shape) => shape.error?.code === code);
}

const messageKeys = new Set(['message', 'Message']);

/**
 * The AwsError a provider would throw for an error case. `jsonStatus` applies the awsJson rule
 * for query-compatible models: the shape's httpStatusCode there is the legacy query status
 * (awsQueryError), not the JSON one, which botocore's model does not carry.
 */
export function errorOf(model: ServiceModel, operation: Operation, testCase: VectorCase, jsonStatus = false): AwsError {
  const code = testCase.errorCode ?? 'UnknownError';
  const shape = errorShapeOf(model, operation, code);
  const fields = testCase.error ?? {};
  const message = testCase.errorMessage ?? String(fields.Message ?? fields.message ?? '');
  const members: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(fields)) {
    if (messageKeys.has(key)) continue;
    const member = shape?.memberMap.get(key);
    if (member) members[key] = toRuntime(member.shape, item);
  }
  const senderFault = shape?.error?.senderFault ?? !shape?.fault;
  const queryCompatible = jsonStatus && model.metadata.awsQueryCompatible !== undefined;
  const status = queryCompatible
    ? senderFault
      ? 400
      : 500
    : (shape?.error?.httpStatusCode ?? testCase.response?.status_code ?? 400);
  const spec = { code: shape?.name ?? code, status, senderFault };
  const queryCode = shape?.error?.code;
  return new AwsError(queryCode === undefined ? spec : { ...spec, queryCode }, message, members);
}
