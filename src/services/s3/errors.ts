/**
 * S3's errors in AWS's words: code, status, message and the fields S3 adds to its `<Error>`
 * document (BucketName, Key, Condition, ...). Texts: AWS's error code list
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList) and
 * shared/aws-reference/recorded-responses/services/s3/*.snapshot.json.
 */
import { type AwsError, errorType } from '../../errors/aws-error.js';

export function s3Error(code: string, status: number, message: string, fields: Record<string, unknown> = {}): AwsError {
  const Type = errorType(code, status);
  return new Type(message, fields);
}

export const noSuchBucket = (bucket: string) =>
  s3Error('NoSuchBucket', 404, 'The specified bucket does not exist', { BucketName: bucket });

export const noSuchKey = (key: string) => s3Error('NoSuchKey', 404, 'The specified key does not exist.', { Key: key });

export const noSuchVersion = (key: string, versionId: string) =>
  s3Error('NoSuchVersion', 404, 'The specified version does not exist.', { Key: key, VersionId: versionId });

export const invalidVersionId = (versionId: string) =>
  s3Error('InvalidArgument', 400, 'Invalid version id specified', {
    ArgumentName: 'versionId',
    ArgumentValue: versionId,
  });

export const noSuchUpload = (uploadId: string) =>
  s3Error(
    'NoSuchUpload',
    404,
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
    { UploadId: uploadId },
  );

export const bucketAlreadyExists = (bucket: string) =>
  s3Error(
    'BucketAlreadyExists',
    409,
    'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
    { BucketName: bucket },
  );

export const bucketAlreadyOwnedByYou = (bucket: string) =>
  s3Error(
    'BucketAlreadyOwnedByYou',
    409,
    'Your previous request to create the named bucket succeeded and you already own it.',
    { BucketName: bucket },
  );

export const bucketNotEmpty = (bucket: string) =>
  s3Error('BucketNotEmpty', 409, 'The bucket you tried to delete is not empty', { BucketName: bucket });

export const invalidBucketName = (bucket: string) =>
  s3Error('InvalidBucketName', 400, 'The specified bucket is not valid.', { BucketName: bucket });

export const invalidRange = (range: string, size: number) =>
  s3Error('InvalidRange', 416, 'The requested range is not satisfiable', {
    RangeRequested: range,
    ActualObjectSize: size,
  });

export const preconditionFailed = (condition: string) =>
  s3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold', {
    Condition: condition,
  });

/** A conditional GET or HEAD that matched nothing new: 304, no body. */
export const notModified = () => s3Error('NotModified', 304, '');

export const badDigest = (expected: string, calculated: string) =>
  s3Error('BadDigest', 400, 'The Content-MD5 you specified did not match what we received.', {
    ExpectedDigest: expected,
    CalculatedDigest: calculated,
  });

export const invalidDigest = (contentMd5: string) =>
  s3Error('InvalidDigest', 400, 'The Content-MD5 you specified was invalid.', { 'Content-MD5': contentMd5 });

export const checksumMismatch = (algorithm: string) =>
  s3Error('BadDigest', 400, `The ${algorithm} you specified did not match the calculated checksum.`);

export const methodNotAllowed = (method: string, resourceType: string) =>
  s3Error('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.', {
    Method: method,
    ResourceType: resourceType,
  });

export const entityTooSmall = (size: number, minimum: number, partNumber: number, etag: string) =>
  s3Error('EntityTooSmall', 400, 'Your proposed upload is smaller than the minimum allowed size', {
    ProposedSize: size,
    MinSizeAllowed: minimum,
    PartNumber: partNumber,
    ETag: etag,
  });

export const entityTooLarge = (size: number, maximum: number) =>
  s3Error('EntityTooLarge', 400, 'Your proposed upload exceeds the maximum allowed size', {
    ProposedSize: size,
    MaxSizeAllowed: maximum,
  });

export const invalidPart = (uploadId: string, partNumber: number, etag: string) =>
  s3Error(
    'InvalidPart',
    400,
    "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
    { UploadId: uploadId, PartNumber: partNumber, ETag: etag },
  );

export const invalidPartOrder = (uploadId: string) =>
  s3Error(
    'InvalidPartOrder',
    400,
    'The list of parts was not in ascending order. Parts must be ordered by part number.',
    { UploadId: uploadId },
  );

export const malformedXml = () =>
  s3Error(
    'MalformedXML',
    400,
    'The XML you provided was not well-formed or did not validate against our published schema',
  );

export const invalidArgument = (message: string, name?: string, value?: string) =>
  s3Error('InvalidArgument', 400, message, name === undefined ? {} : { ArgumentName: name, ArgumentValue: value });

export const invalidRequest = (message: string) => s3Error('InvalidRequest', 400, message);

export const accessDenied = (message = 'Access Denied', fields: Record<string, unknown> = {}) =>
  s3Error('AccessDenied', 403, message, fields);

export const incompleteBody = () =>
  s3Error('IncompleteBody', 400, 'You did not provide the number of bytes specified by the Content-Length HTTP header');

export const missingContentLength = () =>
  s3Error('MissingContentLength', 411, 'You must provide the Content-Length HTTP header.');

/** A bucket configuration that was never set: each kind has its own code and text. */
export const configNotFound = (code: string, message: string, bucket: string) =>
  s3Error(code, 404, message, { BucketName: bucket });

export const invalidObjectState = (storageClass: string) =>
  s3Error('InvalidObjectState', 403, "The operation is not valid for the object's storage class", {
    StorageClass: storageClass,
  });

export const invalidStorageClass = (requested: string) =>
  s3Error('InvalidStorageClass', 400, 'The storage class you specified is not valid', {
    StorageClassRequested: requested,
  });

export const invalidPartNumber = (partNumber: number, partCount: number) =>
  s3Error('InvalidPartNumber', 416, 'The requested partnumber is not satisfiable', {
    PartNumberRequested: partNumber,
    ActualPartCount: partCount,
  });

/** A conditional CompleteMultipartUpload whose key changed after the upload began. */
export const conditionalRequestConflict = (condition: string, key: string) =>
  s3Error(
    'ConditionalRequestConflict',
    409,
    'The conditional request cannot succeed due to a conflicting operation against this resource.',
    { Condition: condition, Key: key },
  );

/** A header S3 knows but does not serve here (x-amz-if-match-size on a general purpose bucket, ...). */
export const headerNotImplemented = (header: string, additionalMessage?: string) =>
  s3Error(
    'NotImplemented',
    501,
    'A header you provided implies functionality that is not implemented',
    additionalMessage === undefined ? { Header: header } : { Header: header, additionalMessage },
  );

export const invalidTag = (message: string, fields: Record<string, unknown> = {}) =>
  s3Error('InvalidTag', 400, message, fields);

/** A delete or retention change that a version's retention or legal hold forbids (test_s3 TestS3ObjectLockRetention). */
export const objectLocked = () => accessDenied('Access Denied because object protected by object lock.');

/** An Object Lock request on a bucket made without Object Lock (test_s3 test_s3_object_retention_exc, test_put_object_legal_hold_exc). */
export const missingObjectLock = () => invalidRequest('Bucket is missing Object Lock Configuration');
