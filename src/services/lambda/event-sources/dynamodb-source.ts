/**
 * DynamoDB Streams as a mapping reads them: the stream is one ordered feed (`streamFeed`), its
 * records written as Lambda's DynamoDB event has them (test_dynamodb_event_source_mapping):
 * eventID, eventName, eventVersion, eventSource "aws:dynamodb", awsRegion, dynamodb{...} with
 * binary values in base64 and ApproximateCreationDateTime in epoch seconds, eventSourceARN, and
 * userIdentity in lower camel case where GetRecords writes Type and PrincipalId.
 */
import type { StreamFeed } from '../../dynamodb/streams/feed.js';
import { type EventRecord, eventJson, type ShardReader } from './stream-poller.js';

export function dynamodbRecord(record: Record<string, unknown>, streamArn: string): EventRecord {
  const out: EventRecord = {
    eventID: record.eventID as string,
    eventName: record.eventName as string,
    eventVersion: record.eventVersion as string,
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion as string,
    dynamodb: eventJson(record.dynamodb),
    eventSourceARN: streamArn,
  };
  const identity = record.userIdentity as { Type?: string; PrincipalId?: string } | undefined;
  if (identity) out.userIdentity = { type: identity.Type ?? null, principalId: identity.PrincipalId ?? null };
  return out;
}

export function dynamodbReader(feed: StreamFeed, streamArn: string): ShardReader {
  return {
    // The feed reads the stream as one ordered sequence; its label stands for the shard.
    shardId: streamArn.slice(streamArn.lastIndexOf('/') + 1),
    batchInfoKey: 'DDBStreamBatchInfo',
    read(position, limit) {
      const read = feed.readStream(streamArn, position, limit);
      if (!read) return undefined;
      const records = read.records.map((record) => dynamodbRecord(record as Record<string, unknown>, streamArn));
      return { records, position: read.position, ended: read.ended };
    },
    listen: (listener) => feed.onRecords(streamArn, listener),
    sequenceOf: (record) => ((record.dynamodb as { SequenceNumber?: string } | null)?.SequenceNumber ?? '') as string,
    arrivalOf: (record) =>
      ((record.dynamodb as { ApproximateCreationDateTime?: number } | null)?.ApproximateCreationDateTime ??
        0) as number,
    // test_dynamodb_event_source_mapping_with_on_failure_destination_config: whole seconds.
    arrivalText: (seconds) => new Date(Math.floor(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}
