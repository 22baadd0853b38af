/**
 * Kinesis's errors in AWS's words. The classes are the generated ones. Evidence per line:
 * "recorded" is shared/aws-reference/recorded-responses/services/kinesis/test_kinesis.snapshot.json;
 * "kinesalite" is a text kinesalite's tests assert and that were run against AWS
 * (github.com/mhart/kinesalite, test/*.js); "guessed" has none: the code is the modelled one, the
 * words ours.
 */
import {
  ExpiredIteratorException,
  InvalidArgumentException,
  LimitExceededException,
  ProvisionedThroughputExceededException,
  ResourceInUseException,
  ResourceNotFoundException,
  ValidationException,
} from '../../generated/kinesis/errors.js';

/** Recorded: `test_cbor_exceptions` ("Stream wrong-stream-name under account 111111111111 not found."). */
export function streamNotFound(name: string, account: string): ResourceNotFoundException {
  return new ResourceNotFoundException(`Stream ${name} under account ${account} not found.`);
}

/** kinesalite (createStream.js tests). */
export function streamExists(name: string, account: string): ResourceInUseException {
  return new ResourceInUseException(`Stream ${name} under account ${account} already exists.`);
}

/** kinesalite (getShardIterator.js tests). */
export function shardDoesNotExist(shardId: string, name: string, account: string): ResourceNotFoundException {
  return new ResourceNotFoundException(`Shard ${shardId} in stream ${name} under account ${account} does not exist`);
}

/** kinesalite (splitShard.js, mergeShards.js tests). */
export function couldNotFindShard(shardId: string, name: string, account: string): ResourceNotFoundException {
  return new ResourceNotFoundException(`Could not find shard ${shardId} in stream ${name} under account ${account}.`);
}

/** kinesalite (createStream.js, splitShard.js tests). */
export function shardLimit(
  account: string,
  region: string,
  current: number,
  limit: number,
  more: number,
): LimitExceededException {
  return new LimitExceededException(
    `This request would exceed the shard limit for the account ${account} in ${region}. Current shard count for the account: ${current}. Limit: ${limit}. Number of additional shards that would have resulted from this request: ${more}. Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.`,
  );
}

/** Guessed: AWS documents that ShardCount and ON_DEMAND exclude each other, not its words. */
export function shardCountWithOnDemand(): ValidationException {
  return new ValidationException('ShardCount must not be specified when StreamMode is ON_DEMAND.');
}

/** Guessed: a provisioned stream needs a ShardCount (the API reference), the words are ours. */
export function shardCountRequired(): ValidationException {
  return new ValidationException('ShardCount is required when StreamMode is PROVISIONED.');
}

/** Guessed: neither StreamName nor StreamARN. */
export function noStreamIdentifier(): ValidationException {
  return new ValidationException('Either StreamName or StreamARN must be provided.');
}

/** Guessed: a StreamName and a StreamARN that name different streams. */
export function identifiersDisagree(): InvalidArgumentException {
  return new InvalidArgumentException('StreamName and StreamARN do not name the same stream.');
}

/** kinesalite (increaseStreamRetentionPeriod.js tests; the limit is now 8760 hours). */
export function retentionTooShort(hours: number): InvalidArgumentException {
  return new InvalidArgumentException(
    `Minimum allowed retention period is 24 hours. Requested retention period (${hours} hours) is too short.`,
  );
}

export function retentionTooLong(hours: number): InvalidArgumentException {
  return new InvalidArgumentException(
    `Maximum allowed retention period is 8760 hours. Requested retention period (${hours} hours) is too long.`,
  );
}

/** kinesalite (increaseStreamRetentionPeriod.js tests). */
export function retentionNotLonger(hours: number, name: string, current: number): InvalidArgumentException {
  return new InvalidArgumentException(
    `Requested retention period (${hours} hours) for stream ${name} can not be shorter than existing retention period (${current} hours). Use DecreaseRetentionPeriod API.`,
  );
}

/** kinesalite (decreaseStreamRetentionPeriod.js tests). */
export function retentionNotShorter(hours: number, name: string, current: number): InvalidArgumentException {
  return new InvalidArgumentException(
    `Requested retention period (${hours} hours) for stream ${name} can not be longer than existing retention period (${current} hours). Use IncreaseRetentionPeriod API.`,
  );
}

/** kinesalite (getShardIterator.js tests). */
export function iteratorTypeMismatch(type: string, withSequence: boolean): InvalidArgumentException {
  return new InvalidArgumentException(
    `Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified ${type} and ${withSequence ? 'also a' : 'no'} StartingSequenceNumber.`,
  );
}

/** Guessed: AT_TIMESTAMP without a Timestamp. */
export function timestampRequired(): InvalidArgumentException {
  return new InvalidArgumentException(
    'Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.',
  );
}

/** kinesalite (getShardIterator.js tests). */
export function invalidStartingSequence(
  sequence: string,
  shardId: string,
  name: string,
  account: string,
): InvalidArgumentException {
  return new InvalidArgumentException(
    `StartingSequenceNumber ${sequence} used in GetShardIterator on shard ${shardId} in stream ${name} under account ${account} is invalid.`,
  );
}

/** kinesalite (getShardIterator.js tests). */
export function sequenceOfOtherShard(otherShardId: string, shardId: string): InvalidArgumentException {
  return new InvalidArgumentException(
    `Invalid StartingSequenceNumber. It encodes ${otherShardId}, while it was used in a call to a shard with ${shardId}`,
  );
}

/** kinesalite (getShardIterator.js tests). */
export function sequenceOfOtherStream(
  sequence: string,
  shardId: string,
  name: string,
  account: string,
): InvalidArgumentException {
  return new InvalidArgumentException(
    `StartingSequenceNumber ${sequence} used in GetShardIterator on shard ${shardId} in stream ${name} under account ${account} is invalid because it did not come from this stream.`,
  );
}

/** kinesalite (getRecords.js tests). */
export function invalidIterator(): InvalidArgumentException {
  return new InvalidArgumentException('Invalid ShardIterator.');
}

/** kinesalite (getRecords.js tests): the times in Java's Date.toString form, in UTC. */
export function iteratorExpired(createdAt: number, now: number): ExpiredIteratorException {
  return new ExpiredIteratorException(
    `Iterator expired. The iterator was created at time ${javaDate(createdAt)} while right now it is ${javaDate(now)} which is further in the future than the tolerated delay of 300000 milliseconds.`,
  );
}

const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function javaDate(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/** kinesalite (putRecord.js tests). */
export function rateExceeded(shardId: string, name: string, account: string): ProvisionedThroughputExceededException {
  return new ProvisionedThroughputExceededException(
    `Rate exceeded for shard ${shardId} in stream ${name} under account ${account}.`,
  );
}

/**
 * A record over the stream's MaxRecordSizeInKiB (1 MiB by default): the model's Data limit is
 * now 10 MiB, so this is the front-end text of the former 1 MiB model limit (kinesalite,
 * putRecord.js tests), kept for the default.
 */
export function recordTooLarge(path: string, limit: number): ValidationException {
  return new ValidationException(
    `1 validation error detected: Value at '${path}' failed to satisfy constraint: Member must have length less than or equal to ${limit}`,
  );
}

/** Guessed: PutRecords over 5 MiB (a documented limit). */
export function requestTooLarge(): InvalidArgumentException {
  return new InvalidArgumentException('Records size exceeds 5 MB limit');
}

/** kinesalite (putRecord.js tests). */
export function hashKeyOutOfRange(hashKey: string): InvalidArgumentException {
  return new InvalidArgumentException(
    `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${hashKey}`,
  );
}

/** kinesalite (splitShard.js tests). */
export function badSplitKey(
  key: string,
  shardId: string,
  name: string,
  account: string,
  start: string,
  end: string,
): InvalidArgumentException {
  return new InvalidArgumentException(
    `NewStartingHashKey ${key} used in SplitShard() on shard ${shardId} in stream ${name} under account ${account} is not both greater than one plus the shard's StartingHashKey ${start} and less than the shard's EndingHashKey ${end}.`,
  );
}

/** kinesalite (mergeShards.js tests). */
export function notAdjacent(first: string, second: string, name: string, account: string): InvalidArgumentException {
  return new InvalidArgumentException(
    `Shards ${first} and ${second} in stream ${name} under account ${account} are not an adjacent pair of shards eligible for merging`,
  );
}

/** Guessed in the style of the texts above: a closed shard cannot be split or merged. */
export function shardClosed(shardId: string, name: string, account: string): ResourceInUseException {
  return new ResourceInUseException(
    `Shard ${shardId} in stream ${name} under account ${account} has already been merged or split, and thus is not eligible for merging or splitting.`,
  );
}

/** Guessed: UpdateShardCount's documented bounds (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_UpdateShardCount.html). */
export function scalingBeyondBounds(
  name: string,
  account: string,
  current: number,
  target: number,
): LimitExceededException {
  return new LimitExceededException(
    `UpdateShardCount of stream ${name} under account ${account} from ${current} to ${target} shards: the target must be at least half and at most double the current open shard count.`,
  );
}

/** Guessed: resharding an on-demand stream. */
export function onDemandStream(name: string, account: string): ValidationException {
  return new ValidationException(`Request is invalid. Stream ${name} under account ${account} is in On-Demand mode.`);
}

/** kinesalite (addTagsToStream.js tests). */
export function tooManyTags(name: string, account: string): InvalidArgumentException {
  return new InvalidArgumentException(
    `Failed to add tags to stream ${name} under account ${account} because a given stream cannot have more than 50 tags.`,
  );
}

/** Guessed: DeleteStream of a stream with consumers, without EnforceConsumerDeletion. */
export function hasConsumers(name: string, account: string): ResourceInUseException {
  return new ResourceInUseException(
    `Stream ${name} under account ${account} has registered consumers. Deregister them, or set EnforceConsumerDeletion.`,
  );
}

/** Guessed. */
export function consumerExists(consumer: string, streamArn: string): ResourceInUseException {
  return new ResourceInUseException(`Consumer ${consumer} under stream ${streamArn} already exists.`);
}

/** Guessed. */
export function consumerNotFound(consumer: string, account: string): ResourceNotFoundException {
  return new ResourceNotFoundException(`Consumer ${consumer}, account ${account} not found.`);
}

/** Guessed: DescribeStreamConsumer and DeregisterStreamConsumer need an ARN, or a stream ARN and a name. */
export function consumerIdentifierRequired(): InvalidArgumentException {
  return new InvalidArgumentException('Either ConsumerARN or both StreamARN and ConsumerName must be provided.');
}

/** Guessed: a ListShards NextToken we did not hand out. */
export function invalidNextToken(): InvalidArgumentException {
  return new InvalidArgumentException('Invalid NextToken.');
}

/** kinesalite (listShards.js tests): NextToken goes alone. */
export function nextTokenWithStream(): InvalidArgumentException {
  return new InvalidArgumentException('NextToken and StreamName cannot be provided together.');
}

/** Guessed: a ShardFilter type that needs a member it lacks. */
export function shardFilterIncomplete(type: string, member: string): InvalidArgumentException {
  return new InvalidArgumentException(`ShardFilter of type ${type} requires ${member}.`);
}
