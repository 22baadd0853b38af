/**
 * The one base class of every error a client can see. Providers throw it (or a generated
 * subclass from `generated/<service>/errors.ts`, or a common error from common.ts); only the
 * protocol serializers turn it into bytes.
 */

export interface AwsErrorSpec {
  /** The error's name on the wire for JSON, REST and CBOR protocols: the shape name. */
  code: string;
  /** The awsQuery error code where the model gives one (`NoSuchEntity`, `AWS.SimpleQueueService.NonExistentQueue`). */
  queryCode?: string;
  status: number;
  senderFault: boolean;
}

export class AwsError extends Error {
  readonly code: string;
  readonly queryCode: string | undefined;
  readonly status: number;
  readonly senderFault: boolean;
  /** Modelled members beyond the message, serialized with the error shape. */
  readonly members: Record<string, unknown>;
  /** Extra response headers some errors carry (S3's x-amz-delete-marker, Retry-After). */
  headers: Record<string, string> | undefined;

  constructor(spec: AwsErrorSpec, message: string, members: object = {}) {
    super(message);
    this.name = spec.code;
    this.code = spec.code;
    this.queryCode = spec.queryCode;
    this.status = spec.status;
    this.senderFault = spec.senderFault;
    this.members = members as Record<string, unknown>;
  }

  /** The code an awsQuery (XML) response names. */
  get wireQueryCode(): string {
    return this.queryCode ?? this.code;
  }
}

/** An error class for one code, status and fault: `const NotFound = errorType('NotFound', 404)`. */
export function errorType(code: string, status = 400, senderFault = status < 500) {
  return class extends AwsError {
    constructor(message: string, members: object = {}) {
      super({ code, status, senderFault }, message, members);
    }
  };
}
