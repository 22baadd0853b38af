/**
 * Delivery to an HTTP endpoint in AWS's request format
 * (https://docs.aws.amazon.com/firehose/latest/dev/httpdeliveryrequestresponse.html): a POST of
 * `{"requestId", "timestamp", "records": [{"data": base64}]}` with the X-Amz-Firehose-* headers,
 * gzipped when ContentEncoding is GZIP. The endpoint acknowledges with a 200 whose JSON body
 * repeats the requestId; anything else is a failure, retried until RetryOptions.DurationInSeconds
 * (300 by default) has passed, after which the records go to the S3 backup's error output as
 * `http-endpoint-failed`. The error codes are guessed.
 */
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { StoredDestination } from './destinations.js';

export type PostResult = { ok: true } | { ok: false; errorCode: string; errorMessage: string };

/** How long one POST may take to be acknowledged before it counts as failed. */
const requestTimeoutMs = 60_000;

export async function postRecords(
  http: NonNullable<StoredDestination['http']>,
  streamArn: string,
  records: Buffer[],
  now: number,
): Promise<PostResult> {
  const requestId = randomUUID();
  const json = JSON.stringify({
    requestId,
    timestamp: now,
    records: records.map((data) => ({ data: data.toString('base64') })),
  });
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': 'Amazon Kinesis Data Firehose Agent/1.0',
    'X-Amz-Firehose-Protocol-Version': '1.0',
    'X-Amz-Firehose-Request-Id': requestId,
    'X-Amz-Firehose-Source-Arn': streamArn,
  };
  const accessKey = http.EndpointConfiguration.AccessKey;
  if (accessKey) headers['X-Amz-Firehose-Access-Key'] = accessKey;
  const attributes = http.RequestConfiguration?.CommonAttributes ?? [];
  if (attributes.length > 0) {
    const commonAttributes: Record<string, string> = {};
    for (const attribute of attributes) commonAttributes[attribute.AttributeName] = attribute.AttributeValue;
    headers['X-Amz-Firehose-Common-Attributes'] = JSON.stringify({ commonAttributes });
  }
  let body: Buffer = Buffer.from(json, 'utf8');
  if (http.RequestConfiguration?.ContentEncoding === 'GZIP') {
    body = gzipSync(body);
    headers['Content-Encoding'] = 'gzip';
  }
  let response: Response;
  try {
    response = await fetch(http.EndpointConfiguration.Url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
  } catch (error) {
    return {
      ok: false,
      errorCode: 'HttpEndpoint.DestinationException',
      errorMessage: String((error as Error).message),
    };
  }
  const text = await response.text().catch(() => '');
  if (response.status !== 200) {
    return {
      ok: false,
      errorCode: 'HttpEndpoint.ResponseReceivedNotOK',
      errorMessage: `The HTTP endpoint responded with status ${response.status}.`,
    };
  }
  let acknowledged: unknown;
  try {
    acknowledged = JSON.parse(text);
  } catch {
    acknowledged = undefined;
  }
  if ((acknowledged as { requestId?: unknown } | undefined)?.requestId !== requestId) {
    return {
      ok: false,
      errorCode: 'HttpEndpoint.InvalidResponseFromDestination',
      errorMessage: 'The response from the HTTP endpoint did not name the request id.',
    };
  }
  return { ok: true };
}
