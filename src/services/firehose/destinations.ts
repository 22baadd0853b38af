/**
 * A delivery stream's configuration as stored, and as DescribeDeliveryStream shows it. Both S3
 * forms (the older S3DestinationConfiguration and ExtendedS3DestinationConfiguration) are kept
 * as one extended configuration, and described both ways, as AWS describes an S3 destination
 * (https://docs.aws.amazon.com/firehose/latest/APIReference/API_DestinationDescription.html).
 */
import type * as T from '../../generated/firehose/types.js';
import { invalidArgument } from './errors.js';

export const defaultSizeInMBs = 5;
export const defaultIntervalInSeconds = 300;

export interface StoredDestination {
  /** `destinationId-000000000001`, as AWS numbers them. */
  id: string;
  /** The S3 destination, or for an HTTP endpoint its S3 backup (S3Configuration). */
  s3: T.ExtendedS3DestinationConfiguration;
  /** An HTTP endpoint destination, without its S3Configuration (kept as `s3`). */
  http?: Omit<T.HttpEndpointDestinationConfiguration, 'S3Configuration'>;
}

export interface StreamConfig {
  destinations: StoredDestination[];
  directPut?: T.DirectPutSourceConfiguration;
  kinesisSource?: T.KinesisStreamSourceConfiguration;
}

/** The destination members of CreateDeliveryStream that Nimbus does not deliver to. */
const unsupported = [
  'RedshiftDestinationConfiguration',
  'ElasticsearchDestinationConfiguration',
  'AmazonopensearchserviceDestinationConfiguration',
  'SplunkDestinationConfiguration',
  'AmazonOpenSearchServerlessDestinationConfiguration',
  'SnowflakeDestinationConfiguration',
  'IcebergDestinationConfiguration',
] as const;

/** The one destination a CreateDeliveryStream names, as stored. */
export function destinationOf(input: T.CreateDeliveryStreamInput): StoredDestination {
  const named = [
    input.S3DestinationConfiguration && 'S3DestinationConfiguration',
    input.ExtendedS3DestinationConfiguration && 'ExtendedS3DestinationConfiguration',
    input.HttpEndpointDestinationConfiguration && 'HttpEndpointDestinationConfiguration',
    ...unsupported.filter((member) => input[member] !== undefined),
  ].filter((member): member is string => typeof member === 'string');
  // "You must specify only one of the following destination configuration parameters"
  // (https://docs.aws.amazon.com/firehose/latest/APIReference/API_CreateDeliveryStream.html); the text is guessed.
  if (named.length !== 1) {
    throw invalidArgument('Exactly one destination configuration must be specified.');
  }
  const member = named[0] as string;
  if (member === 'HttpEndpointDestinationConfiguration') {
    const { S3Configuration, ...http } =
      input.HttpEndpointDestinationConfiguration as T.HttpEndpointDestinationConfiguration;
    checkS3(S3Configuration);
    return { id: 'destinationId-000000000001', s3: structuredClone(S3Configuration), http: structuredClone(http) };
  }
  if (member !== 'S3DestinationConfiguration' && member !== 'ExtendedS3DestinationConfiguration') {
    throw invalidArgument(`${member} is not supported by Nimbus: only Amazon S3 and HTTP endpoint destinations are.`);
  }
  const s3 = (input.ExtendedS3DestinationConfiguration ??
    input.S3DestinationConfiguration) as T.ExtendedS3DestinationConfiguration;
  checkS3(s3);
  return { id: 'destinationId-000000000001', s3: structuredClone(s3) };
}

/**
 * Checks AWS documents for S3 destinations: dynamic partitioning needs an error output prefix and
 * a prefix that uses a partition key (https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning.html).
 * The texts are guessed.
 */
export function checkS3(s3: T.ExtendedS3DestinationConfiguration): void {
  if (s3.CustomTimeZone) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: s3.CustomTimeZone });
    } catch {
      throw invalidArgument(`CustomTimeZone ${s3.CustomTimeZone} is not a supported time zone.`);
    }
  }
  const partitioned = s3.DynamicPartitioningConfiguration?.Enabled === true;
  if (partitioned) {
    if (!s3.ErrorOutputPrefix) {
      throw invalidArgument('ErrorOutputPrefix cannot be null or empty when dynamic partitioning is enabled.');
    }
    if (!/!\{partitionKeyFrom(Query|Lambda):/.test(s3.Prefix ?? '')) {
      throw invalidArgument(
        'When dynamic partitioning is enabled, the prefix must contain at least one partitionKeyFromQuery or partitionKeyFromLambda expression.',
      );
    }
  } else if (/!\{partitionKeyFrom/.test(s3.Prefix ?? '')) {
    throw invalidArgument('Prefix cannot contain partition key expressions when dynamic partitioning is not enabled.');
  }
  if (s3.Prefix && /!\{/.test(s3.Prefix) && !s3.ErrorOutputPrefix) {
    throw invalidArgument('ErrorOutputPrefix cannot be null or empty when Prefix contains expressions.');
  }
}

/** Applies an UpdateDestination's S3 members over what is stored (members not named stay). */
export function updatedS3(
  current: T.ExtendedS3DestinationConfiguration,
  update: T.ExtendedS3DestinationUpdate | T.S3DestinationUpdate,
): T.ExtendedS3DestinationConfiguration {
  const next = structuredClone(current) as unknown as Record<string, unknown>;
  for (const [member, value] of Object.entries(update)) {
    if (value === undefined) continue;
    const old = next[member];
    next[member] =
      value && typeof value === 'object' && !Array.isArray(value) && old && typeof old === 'object'
        ? { ...(old as object), ...(value as object) }
        : value;
  }
  const merged = next as unknown as T.ExtendedS3DestinationConfiguration;
  checkS3(merged);
  return merged;
}

export function bufferingOf(s3: { BufferingHints?: T.BufferingHints }): Required<T.BufferingHints> {
  return {
    SizeInMBs: s3.BufferingHints?.SizeInMBs ?? defaultSizeInMBs,
    IntervalInSeconds: s3.BufferingHints?.IntervalInSeconds ?? defaultIntervalInSeconds,
  };
}

/** The buffering hints that decide when a destination is delivered to. */
export function deliveryBuffering(destination: StoredDestination): Required<T.BufferingHints> {
  return bufferingOf(destination.http ?? destination.s3);
}

/** Applies an HttpEndpointDestinationUpdate (and its S3Update to the backup). */
export function updatedHttp(destination: StoredDestination, update: T.HttpEndpointDestinationUpdate): void {
  const { S3Update, ...members } = update;
  const next = structuredClone(destination.http ?? {}) as unknown as Record<string, unknown>;
  for (const [member, value] of Object.entries(members)) {
    if (value === undefined) continue;
    const old = next[member];
    next[member] =
      value && typeof value === 'object' && !Array.isArray(value) && old && typeof old === 'object'
        ? { ...(old as object), ...(value as object) }
        : value;
  }
  destination.http = next as unknown as StoredDestination['http'];
  if (S3Update) destination.s3 = updatedS3(destination.s3, S3Update);
}

function httpDescription(destination: StoredDestination): T.HttpEndpointDestinationDescription {
  const http = destination.http as NonNullable<StoredDestination['http']>;
  const endpoint: T.HttpEndpointDescription = { Url: http.EndpointConfiguration.Url };
  if (http.EndpointConfiguration.Name !== undefined) endpoint.Name = http.EndpointConfiguration.Name;
  const out: T.HttpEndpointDestinationDescription = {
    EndpointConfiguration: endpoint,
    BufferingHints: bufferingOf(http),
    CloudWatchLoggingOptions: http.CloudWatchLoggingOptions ?? { Enabled: false },
    RequestConfiguration: { ContentEncoding: 'NONE', ...http.RequestConfiguration },
    RetryOptions: { DurationInSeconds: 300, ...http.RetryOptions },
    S3BackupMode: http.S3BackupMode ?? 'FailedDataOnly',
    S3DestinationDescription: s3Description(destination.s3),
  };
  if (http.RoleARN !== undefined) out.RoleARN = http.RoleARN;
  if (http.ProcessingConfiguration) out.ProcessingConfiguration = http.ProcessingConfiguration;
  return out;
}

function s3Description(s3: T.ExtendedS3DestinationConfiguration): T.S3DestinationDescription {
  const out: T.S3DestinationDescription = {
    RoleARN: s3.RoleARN,
    BucketARN: s3.BucketARN,
    BufferingHints: bufferingOf(s3),
    CompressionFormat: s3.CompressionFormat ?? 'UNCOMPRESSED',
    EncryptionConfiguration: s3.EncryptionConfiguration ?? { NoEncryptionConfig: 'NoEncryption' },
    CloudWatchLoggingOptions: s3.CloudWatchLoggingOptions ?? { Enabled: false },
  };
  if (s3.Prefix !== undefined) out.Prefix = s3.Prefix;
  if (s3.ErrorOutputPrefix !== undefined) out.ErrorOutputPrefix = s3.ErrorOutputPrefix;
  return out;
}

export function destinationDescription(destination: StoredDestination): T.DestinationDescription {
  if (destination.http) {
    return { DestinationId: destination.id, HttpEndpointDestinationDescription: httpDescription(destination) };
  }
  const s3 = destination.s3;
  const extended: T.ExtendedS3DestinationDescription = {
    ...s3Description(s3),
    S3BackupMode: s3.S3BackupMode ?? 'Disabled',
  };
  if (s3.ProcessingConfiguration) extended.ProcessingConfiguration = s3.ProcessingConfiguration;
  if (s3.DynamicPartitioningConfiguration)
    extended.DynamicPartitioningConfiguration = s3.DynamicPartitioningConfiguration;
  if (s3.DataFormatConversionConfiguration)
    extended.DataFormatConversionConfiguration = s3.DataFormatConversionConfiguration;
  if (s3.S3BackupConfiguration) {
    extended.S3BackupDescription = s3Description(s3.S3BackupConfiguration as T.ExtendedS3DestinationConfiguration);
  }
  if (s3.FileExtension !== undefined) extended.FileExtension = s3.FileExtension;
  if (s3.CustomTimeZone !== undefined) extended.CustomTimeZone = s3.CustomTimeZone;
  return {
    DestinationId: destination.id,
    S3DestinationDescription: s3Description(s3),
    ExtendedS3DestinationDescription: extended,
  };
}

/** `arn:aws:s3:::bucket` -> `bucket`. */
export function bucketOf(bucketArn: string): string {
  return bucketArn.slice(bucketArn.lastIndexOf(':') + 1);
}
