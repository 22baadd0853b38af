/**
 * Errors many services share and no model declares, in one catalogue. `code` is what JSON,
 * REST and CBOR responses name; `queryCode` what query (XML) responses name, where they differ.
 * Evidence: AWS's common errors, https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
 * and https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/CommonErrors.html.
 */
import { AwsError } from './aws-error.js';

/** Input that breaks a modelled constraint; the message lists each break (see protocol/validate.ts). */
export class ValidationException extends AwsError {
  constructor(message: string, code = 'ValidationException') {
    super(
      { code, queryCode: code === 'ValidationException' ? 'ValidationError' : code, status: 400, senderFault: true },
      message,
    );
  }
}

/** Temporary credentials used after their expiry (by the Nimbus clock). */
export class ExpiredToken extends AwsError {
  constructor() {
    super(
      { code: 'ExpiredTokenException', queryCode: 'ExpiredToken', status: 403, senderFault: true },
      'The security token included in the request is expired',
    );
  }
}

/** An access key that IAM knows but has deactivated or deleted. */
export class InvalidClientTokenId extends AwsError {
  constructor() {
    super(
      { code: 'UnrecognizedClientException', queryCode: 'InvalidClientTokenId', status: 403, senderFault: true },
      'The security token included in the request is invalid.',
    );
  }
}

/** A request signature that does not match (only with --verify-signatures). */
export class SignatureDoesNotMatch extends AwsError {
  constructor(
    message = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  ) {
    super(
      { code: 'InvalidSignatureException', queryCode: 'SignatureDoesNotMatch', status: 403, senderFault: true },
      message,
    );
  }
}

/**
 * A request parameter with a value AWS rejects outside model validation. Query responses name
 * it `InvalidParameterValue`; JSON services that kept their query codes (SQS) answer
 * `__type: InvalidParameterValueException` with `x-amzn-query-error: InvalidParameterValue;Sender`
 * (shared/aws-reference/recorded-responses/services/sqs/test_sqs.snapshot.json, QueryErrorCode).
 */
export class InvalidParameterValue extends AwsError {
  constructor(message: string) {
    super(
      { code: 'InvalidParameterValueException', queryCode: 'InvalidParameterValue', status: 400, senderFault: true },
      message,
    );
  }
}

/**
 * A required parameter that is missing (or, for SQS, empty): `MissingParameter` in query
 * responses, `MissingRequiredParameterException` in JSON ones (same evidence as above:
 * test_send_empty_message, test_posting_to_fifo_requires_deduplicationid_group_id).
 */
export class MissingParameter extends AwsError {
  constructor(parameter: string) {
    super(
      { code: 'MissingRequiredParameterException', queryCode: 'MissingParameter', status: 400, senderFault: true },
      `The request must contain the parameter ${parameter}.`,
    );
  }
}
