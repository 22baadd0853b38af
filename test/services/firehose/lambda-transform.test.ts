import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { createFunction, functionName, lambdaClient, zip } from '../lambda/lambda-helpers.js';
import { createS3Stream, delivered, firehoseFor, objectText, s3For, utf8 } from './firehose-helpers.js';

/**
 * A transform in AWS's contract: upper-cases each record, drops "drop", fails "fail", and gives each
 * kept record a partition key of its first letter.
 */
const transform = zip({
  'index.js': `exports.handler = async (event) => ({
    records: event.records.map((r) => {
      const text = Buffer.from(r.data, 'base64').toString();
      if (text === 'drop') return { recordId: r.recordId, result: 'Dropped' };
      if (text === 'fail') return { recordId: r.recordId, result: 'ProcessingFailed', data: r.data };
      return {
        recordId: r.recordId,
        result: 'Ok',
        data: Buffer.from(text.toUpperCase() + '\\n').toString('base64'),
        metadata: { partitionKeys: { letter: text[0] } },
      };
    }),
  });`,
});

describe('Lambda processing', () => {
  let cloud: NimbusCloud;
  let firehose: FirehoseClient;
  let s3: S3Client;
  before(async () => {
    cloud = await startCloud();
    firehose = firehoseFor(cloud);
    s3 = s3For(cloud);
  });
  after(() => cloud.stop());
  beforeEach(async () => {
    await cloud.reset();
    await s3.send(new CreateBucketCommand({ Bucket: 'sink' }));
  });

  const lambdaProcessor = (arn: string) => ({
    Enabled: true,
    Processors: [
      {
        Type: 'Lambda' as const,
        Parameters: [
          { ParameterName: 'LambdaArn' as const, ParameterValue: arn },
          { ParameterName: 'NumberOfRetries' as const, ParameterValue: '0' },
        ],
      },
    ],
  });

  test('writes what the function returns Ok, leaves out Dropped, and sends ProcessingFailed to the error prefix', async () => {
    const fn = await createFunction(lambdaClient(cloud), {
      FunctionName: functionName('fh'),
      Code: { ZipFile: transform },
    });
    await createS3Stream(firehose, 'lambda', 'sink', {
      Prefix: 'ok/',
      ErrorOutputPrefix: 'bad/!{firehose:error-output-type}/',
      BufferingHints: { IntervalInSeconds: 0 },
      ProcessingConfiguration: lambdaProcessor(fn.FunctionArn as string),
    });
    await firehose.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: 'lambda',
        Records: ['alpha', 'drop', 'fail', 'beta'].map((text) => ({ Data: utf8(text) })),
      }),
    );
    const keys = (await delivered(s3, 'sink', 2)).sort();
    assert.equal(keys.length, 2);
    assert.match(keys[0] as string, /^bad\/processing-failed\/lambda-1-/);
    assert.match(keys[1] as string, /^ok\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/lambda-1-/);
    assert.equal(await objectText(s3, 'sink', keys[1] as string), 'ALPHA\nBETA\n');
    const [failure] = (await objectText(s3, 'sink', keys[0] as string))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(failure?.errorCode, 'Lambda.ProcessingFailedStatus');
    assert.equal(failure?.lambdaArn, fn.FunctionArn);
    assert.equal(Buffer.from(failure?.rawData as string, 'base64').toString(), 'fail');
  });

  test('partitions by the keys the function returns with partitionKeyFromLambda', async () => {
    const fn = await createFunction(lambdaClient(cloud), {
      FunctionName: functionName('fh'),
      Code: { ZipFile: transform },
    });
    await createS3Stream(firehose, 'by-letter', 'sink', {
      Prefix: 'letter=!{partitionKeyFromLambda:letter}/',
      ErrorOutputPrefix: 'bad/',
      DynamicPartitioningConfiguration: { Enabled: true },
      BufferingHints: { IntervalInSeconds: 0 },
      ProcessingConfiguration: lambdaProcessor(fn.FunctionArn as string),
    });
    await firehose.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: 'by-letter',
        Records: ['apple', 'banana', 'avocado'].map((text) => ({ Data: utf8(text) })),
      }),
    );
    const keys = (await delivered(s3, 'sink', 2)).sort();
    assert.deepEqual(
      keys.map((key) => key.split('/')[0]),
      ['letter=a', 'letter=b'],
    );
    assert.equal(await objectText(s3, 'sink', keys[0] as string), 'APPLE\nAVOCADO\n');
  });

  test('a function that does not exist sends every record to the error prefix', async () => {
    await createS3Stream(firehose, 'nofn', 'sink', {
      Prefix: 'ok/',
      ErrorOutputPrefix: 'bad/!{firehose:error-output-type}/',
      BufferingHints: { IntervalInSeconds: 0 },
      ProcessingConfiguration: lambdaProcessor('arn:aws:lambda:us-east-1:111111111111:function:missing'),
    });
    await firehose.send(new PutRecordBatchCommand({ DeliveryStreamName: 'nofn', Records: [{ Data: utf8('x') }] }));
    const [key] = await delivered(s3, 'sink', 1);
    assert.match(key as string, /^bad\/processing-failed\//);
    const failure = JSON.parse(await objectText(s3, 'sink', key as string)) as Record<string, unknown>;
    assert.equal(failure.errorCode, 'Lambda.ResourceNotFoundException');
    assert.equal(failure.attemptsMade, 1);
  });
});
