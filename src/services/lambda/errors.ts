/**
 * Lambda's errors in AWS's words. The classes are the generated ones; the texts are what real
 * AWS answered, from shared/aws-reference/recorded-responses/services/lambda_/*.snapshot.json
 * (the test id is named where one text comes from one test), unless a line says otherwise.
 * Every Lambda error body carries `Type: User` (a sender fault) beside its message.
 */
import { AwsError } from '../../errors/aws-error.js';
import {
  InvalidParameterValueException,
  PreconditionFailedException,
  RequestTooLargeException,
  ResourceConflictException,
  ResourceNotFoundException,
  TooManyRequestsException,
} from '../../generated/lambda/errors.js';

/** `Function not found: <arn>` (test_ops_on_nonexisting_fn, test_invoke_exceptions). */
export function functionNotFound(arn: string): ResourceNotFoundException {
  const message = `Function not found: ${arn}`;
  return new ResourceNotFoundException(message, { Type: 'User', Message: message });
}

/** test_get_function_wrong_region, test_function_arns `function_arn_other_region_exc`. */
export function otherRegion(arnRegion: string, region: string): ResourceNotFoundException {
  const message = `Functions from '${arnRegion}' are not reachable in this region ('${region}')`;
  return new ResourceNotFoundException(message, { Type: 'User', Message: message });
}

/** test_function_arns `function_arn_other_account_exc`: a 403 with no message at all. */
export function otherAccount(): AwsError {
  return new AwsError({ code: 'AccessDeniedException', status: 403, senderFault: true }, '');
}

export function invalidParameter(message: string): InvalidParameterValueException {
  return new InvalidParameterValueException(message, { Type: 'User' });
}

/** test_ops_with_arn_qualifier_mismatch. */
export function qualifierMismatch(): InvalidParameterValueException {
  return invalidParameter('The derived qualifier from the function name does not match the specified qualifier.');
}

/**
 * Not recorded: the text AWS's CreateFunction answers for a name in use, as the AWS CLI shows it
 * (`An error occurred (ResourceConflictException) when calling the CreateFunction operation:
 * Function already exist: my-function`).
 */
export function functionExists(name: string): ResourceConflictException {
  return new ResourceConflictException(`Function already exist: ${name}`, { Type: 'User' });
}

/** test_lambda_concurrent_code_updates `update-during-in-progress-update-exc`. */
export function updateInProgress(arn: string): ResourceConflictException {
  return new ResourceConflictException(
    `The operation cannot be performed at this time. An update is in progress for resource: ${arn}`,
    { Type: 'User' },
  );
}

/** test_publish_with_wrong_revisionid and test_function_revisions_basic. */
export function revisionMismatch(): PreconditionFailedException {
  return new PreconditionFailedException(
    'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
    { Type: 'User' },
  );
}

/** test_create_lambda_exceptions `invalid_runtime_exc`: the set in AWS's own order. */
const runtimeEnumText =
  '[nodejs20.x, python3.14, provided.al2023, python3.12, python3.13, nodejs24.x, nodejs22.x, java25, python3.10, python3.11, java21, ruby3.3, ruby3.4, ruby3.2, python3.8, python3.9, java17, nodejs16.x, dotnet10, dotnet8, java11, dotnet6, nodejs18.x, provided.al2, java8.al2]';

export function unknownRuntime(runtime: string): InvalidParameterValueException {
  return invalidParameter(
    `Value ${runtime} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: ${runtimeEnumText} or be a valid ARN`,
  );
}

/** TestRuntimeValidation `deprecation_error`. */
export function deprecatedRuntime(runtime: string): InvalidParameterValueException {
  return invalidParameter(
    `The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime while creating or updating functions.`,
  );
}

/** test_large_environment_variables_fails: the measured string is the variables' JSON. */
export function environmentTooLarge(measured: string): InvalidParameterValueException {
  return invalidParameter(
    `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${measured}`,
  );
}

/** test_create_lambda_exceptions `invalid_zip_exc`. */
export function invalidZip(): InvalidParameterValueException {
  return invalidParameter('Could not unzip uploaded file. Please check your file, then try to upload again.');
}

/** test_oversized_unzipped_lambda. */
export function unzippedTooLarge(limit: number): InvalidParameterValueException {
  return invalidParameter(`Unzipped size must be smaller than ${limit} bytes`);
}

/** test_oversized_zipped_create_lambda: a 413 with no Type. */
export function zippedTooLarge(limit: number): AwsError {
  return new AwsError(
    { code: 'RequestEntityTooLargeException', status: 413, senderFault: true },
    `Zipped size must be smaller than ${limit} bytes`,
  );
}

/** test_lambda_code_location_s3_errors: S3's code and message, wrapped. */
export function s3CodeError(code: string, message: string): InvalidParameterValueException {
  return invalidParameter(`Error occurred while GetObject. S3 Error Code: ${code}. S3 Error Message: ${message}`);
}

/** test_lambda_concurrency_block and test_reserved_concurrency: reserved concurrency used up. */
export function rateExceeded(): TooManyRequestsException {
  return new TooManyRequestsException('Rate Exceeded.', {
    Type: 'User',
    Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
  });
}

/**
 * Not recorded: the documented limit of a synchronous payload (6 MB,
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html) in the wording of the
 * CreateFunction limit above.
 */
export function payloadTooLarge(limit: number): RequestTooLargeException {
  return new RequestTooLargeException(`Request must be smaller than ${limit} bytes for the Invoke operation`, {
    Type: 'User',
  });
}
