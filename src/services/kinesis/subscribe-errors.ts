/**
 * SubscribeToShard's errors in AWS's words, where there is evidence; the codes are those
 * https://docs.aws.amazon.com/kinesis/latest/APIReference/API_SubscribeToShard.html lists. Evidence
 * per line: "KCL #391" is an AWS answer quoted in github.com/awslabs/amazon-kinesis-client issue 391
 * (a KCL 2.0 consumer's SubscribeToShard calls); "guessed" has none: the code is AWS's, the words
 * ours. Errors shared with other operations (unknown stream, consumer, shard) are errors.ts's.
 */
import { InvalidArgumentException, ResourceInUseException } from '../../generated/kinesis/errors.js';

/**
 * KCL #391: "Another active subscription exists for this consumer:
 * 308120811573:measnap-MeasurementSnapshotCaptorStreamV2:shardId-000000000007:measnap-MeasurementSnapshotCaptorV2".
 * Both for a second call within 5 seconds and for the subscription a later call takes over.
 */
export function subscriptionActive(
  account: string,
  streamName: string,
  shardId: string,
  consumerName: string,
): ResourceInUseException {
  return new ResourceInUseException(
    `Another active subscription exists for this consumer: ${account}:${streamName}:${shardId}:${consumerName}`,
  );
}

/** Guessed: AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER without a SequenceNumber. */
export function sequenceNumberRequired(type: string): InvalidArgumentException {
  return new InvalidArgumentException(`StartingPosition of type ${type} requires a SequenceNumber.`);
}

/** Guessed: AT_TIMESTAMP without a Timestamp. */
export function timestampRequiredForPosition(): InvalidArgumentException {
  return new InvalidArgumentException('StartingPosition of type AT_TIMESTAMP requires a Timestamp.');
}

/** Guessed, after GetShardIterator's kinesalite text (errors.ts invalidStartingSequence). */
export function invalidSequenceForShard(
  sequence: string,
  shardId: string,
  streamName: string,
  account: string,
): InvalidArgumentException {
  return new InvalidArgumentException(
    `StartingSequenceNumber ${sequence} used in SubscribeToShard on shard ${shardId} in stream ${streamName} under account ${account} is invalid.`,
  );
}

/** Guessed, after GetShardIterator's kinesalite text (errors.ts sequenceOfOtherStream). */
export function sequenceFromOtherStream(
  sequence: string,
  shardId: string,
  streamName: string,
  account: string,
): InvalidArgumentException {
  return new InvalidArgumentException(
    `StartingSequenceNumber ${sequence} used in SubscribeToShard on shard ${shardId} in stream ${streamName} under account ${account} is invalid because it did not come from this stream.`,
  );
}
