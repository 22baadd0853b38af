/** Shared pieces of the CloudWatch Logs tests: a client, groups with streams and events, exact error assertions. */
import assert from 'node:assert/strict';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  type InputLogEvent,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig } from '../../helpers/cloud.js';

export const account = '111111111111';

/** A Logs client acting as the root of an account (a 12-digit access key id names its account). */
export function logsFor(cloud: NimbusCloud, region = 'us-east-1', accessKeyId = account): CloudWatchLogsClient {
  return new CloudWatchLogsClient(clientConfig(cloud, { accessKeyId, region }));
}

export async function createGroupWithStreams(
  logs: CloudWatchLogsClient,
  group: string,
  streams: string[] = [],
): Promise<void> {
  await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
  for (const stream of streams) {
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
  }
}

export async function putEvents(
  logs: CloudWatchLogsClient,
  group: string,
  stream: string,
  events: InputLogEvent[],
): Promise<void> {
  await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: events }));
}

/** Events `first`, `first + 1 ms`, ... with the given messages. */
export function eventsAt(first: number, messages: string[]): InputLogEvent[] {
  return messages.map((message, index) => ({ timestamp: first + index, message }));
}

interface ServiceError extends Error {
  $metadata: { httpStatusCode?: number };
}

/** Asserts that the call fails with exactly this code (the SDK's error name), message and status. */
export async function assertLogsError(
  promise: Promise<unknown>,
  name: string,
  message: string,
  status = 400,
): Promise<void> {
  let failure: ServiceError | undefined;
  try {
    await promise;
  } catch (error) {
    failure = error as ServiceError;
  }
  assert.ok(failure, 'expected the call to fail');
  assert.equal(failure.name, name);
  assert.equal(failure.message, message);
  assert.equal(failure.$metadata.httpStatusCode, status);
}
