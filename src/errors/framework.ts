/**
 * Errors of the framework itself, kept apart from the service catalogue: what a request gets
 * when it cannot reach a provider at all (unknown operation, a body that does not parse, an
 * operation not implemented yet, a bug of ours). Each protocol family renders them in its
 * own error shape; the codes follow what AWS answers in the same situations.
 */
import { AwsError, type AwsErrorSpec } from './aws-error.js';

class FrameworkError extends AwsError {
  constructor(spec: AwsErrorSpec, message: string) {
    super(spec, message);
  }
}

/** A body that is not valid JSON / XML / form / CBOR for the protocol. */
export class SerializationException extends FrameworkError {
  constructor(message: string, code = 'SerializationException') {
    super({ code, status: 400, senderFault: true }, message);
  }
}

/** An operation name the service's model does not have. */
export class UnknownOperationException extends FrameworkError {
  constructor(message = '', code = 'UnknownOperationException') {
    super({ code, status: 400, senderFault: true }, message);
  }
}

/** An operation the model has but no Nimbus provider implements (yet): 501, naming it. */
export class NotImplemented extends FrameworkError {
  constructor(service: string, operation: string) {
    super(
      { code: 'NotImplemented', status: 501, senderFault: false },
      `Nimbus does not implement ${service}.${operation} yet; see docs/coverage.md`,
    );
  }
}

/** A request body past the configured limit. */
export class RequestEntityTooLarge extends FrameworkError {
  constructor(limit: number) {
    super(
      { code: 'RequestEntityTooLarge', status: 413, senderFault: true },
      `Request body is larger than the limit of ${limit} bytes`,
    );
  }
}

/** A bug of ours: the client sees AWS's InternalFailure shape, the log keeps the stack. */
export class InternalFailure extends FrameworkError {
  constructor(message = 'The request processing has failed because of an unknown error, exception or failure.') {
    super({ code: 'InternalFailure', status: 500, senderFault: false }, message);
  }
}
