import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  DeleteFunctionEventInvokeConfigCommand,
  GetFunctionEventInvokeConfigCommand,
  InvokeCommand,
  type LambdaClient,
  ListFunctionEventInvokeConfigsCommand,
  PutFunctionEventInvokeConfigCommand,
  UpdateFunctionEventInvokeConfigCommand,
} from '@aws-sdk/client-lambda';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig, startCloud } from '../../helpers/cloud.js';
import { loggedEvents, loggingFunction } from './esm-helpers.js';
import { createFunction, functionName, lambdaClient } from './lambda-helpers.js';

const account = '000000000000';

async function rejects(promise: Promise<unknown>, name: string, message: string): Promise<void> {
  await assert.rejects(promise, (error: Error) => {
    assert.equal(error.name, name);
    assert.equal(error.message, message);
    return true;
  });
}

describe('Asynchronous invocation: event invoke configs, destinations and dead-letter queues', () => {
  let cloud: NimbusCloud;
  let lambda: LambdaClient;
  let sqs: SQSClient;
  before(async () => {
    cloud = await startCloud();
    lambda = lambdaClient(cloud);
    sqs = new SQSClient(clientConfig(cloud));
  });
  after(() => cloud.stop());
  beforeEach(() => cloud.reset());

  async function queue(name: string): Promise<{ url: string; arn: string }> {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    return { url: QueueUrl as string, arn: `arn:aws:sqs:us-east-1:${account}:${name}` };
  }

  async function receiveOne(url: string) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 10, MessageAttributeNames: ['All'] }),
    );
    assert.ok(out.Messages?.[0], 'a message arrived');
    return out.Messages[0];
  }

  async function invokeEvent(name: string, payload: unknown): Promise<void> {
    const out = await lambda.send(
      new InvokeCommand({
        FunctionName: name,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify(payload)),
      }),
    );
    assert.equal(out.StatusCode, 202);
  }

  describe('PutFunctionEventInvokeConfig', () => {
    test('answers the config with both destinations shown and the $LATEST ARN', async () => {
      const fn = await createFunction(lambda, {});
      const out = await lambda.send(
        new PutFunctionEventInvokeConfigCommand({ FunctionName: fn.FunctionName, MaximumRetryAttempts: 1 }),
      );
      assert.deepEqual(out.DestinationConfig, { OnFailure: {}, OnSuccess: {} });
      assert.equal(out.FunctionArn, `${fn.FunctionArn}:$LATEST`);
      assert.equal(out.MaximumRetryAttempts, 1);
      assert.equal(out.MaximumEventAgeInSeconds, undefined);
      assert.ok(out.LastModified instanceof Date);
    });

    test('answers ResourceNotFoundException for a function that does not exist', async () => {
      await rejects(
        lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'nope', MaximumRetryAttempts: 1 })),
        'ResourceNotFoundException',
        "The function doesn't exist.",
      );
    });

    test('refuses a config that sets nothing', async () => {
      const fn = await createFunction(lambda, {});
      await rejects(
        lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: fn.FunctionName })),
        'InvalidParameterValueException',
        'You must specify at least one of error handling or destination setting.',
      );
    });

    test('refuses the function as its own destination, a missing function and another service', async () => {
      const fn = await createFunction(lambda, {});
      await rejects(
        lambda.send(
          new PutFunctionEventInvokeConfigCommand({
            FunctionName: fn.FunctionName,
            DestinationConfig: { OnSuccess: { Destination: fn.FunctionArn } },
          }),
        ),
        'InvalidParameterValueException',
        "You can't specify the function as a destination for itself.",
      );
      const missing = `arn:aws:lambda:us-east-1:${account}:function:doesnotexist`;
      await rejects(
        lambda.send(
          new PutFunctionEventInvokeConfigCommand({
            FunctionName: fn.FunctionName,
            DestinationConfig: { OnSuccess: { Destination: missing } },
          }),
        ),
        'InvalidParameterValueException',
        `The destination ARN ${missing} is invalid.`,
      );
      const iam = `arn:aws:iam:us-east-1:${account}:function:${fn.FunctionName}`;
      await rejects(
        lambda.send(
          new PutFunctionEventInvokeConfigCommand({
            FunctionName: fn.FunctionName,
            DestinationConfig: { OnSuccess: { Destination: iam } },
          }),
        ),
        'InvalidParameterValueException',
        `The provided destination config DestinationConfig(onSuccess=OnSuccess(destination=${iam}), onFailure=null) is invalid.`,
      );
    });

    test('replaces the whole config, where UpdateFunctionEventInvokeConfig merges into it', async () => {
      const fn = await createFunction(lambda, {});
      const FunctionName = fn.FunctionName;
      await lambda.send(
        new PutFunctionEventInvokeConfigCommand({
          FunctionName,
          MaximumRetryAttempts: 2,
          MaximumEventAgeInSeconds: 60,
        }),
      );
      const replaced = await lambda.send(
        new PutFunctionEventInvokeConfigCommand({ FunctionName, MaximumRetryAttempts: 0 }),
      );
      assert.equal(replaced.MaximumEventAgeInSeconds, undefined);
      await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName, MaximumEventAgeInSeconds: 60 }));
      const merged = await lambda.send(
        new UpdateFunctionEventInvokeConfigCommand({ FunctionName, MaximumRetryAttempts: 1 }),
      );
      assert.equal(merged.MaximumEventAgeInSeconds, 60);
      assert.equal(merged.MaximumRetryAttempts, 1);
      const got = await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName }));
      assert.equal(got.MaximumRetryAttempts, 1);
      const listed = await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName }));
      assert.deepEqual(
        listed.FunctionEventInvokeConfigs?.map((each) => each.FunctionArn),
        [`${fn.FunctionArn}:$LATEST`],
      );
    });
  });

  describe('Get, Update, Delete and ListFunctionEventInvokeConfigs', () => {
    test('answers ResourceNotFoundException in AWS’s words where there is no config', async () => {
      const fn = await createFunction(lambda, {});
      const FunctionName = fn.FunctionName;
      const none = `The function ${fn.FunctionArn}:$LATEST doesn't have an EventInvokeConfig`;
      await rejects(
        lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName })),
        'ResourceNotFoundException',
        none,
      );
      await rejects(
        lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName, MaximumRetryAttempts: 1 })),
        'ResourceNotFoundException',
        none,
      );
      await rejects(
        lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName })),
        'ResourceNotFoundException',
        none,
      );
      await rejects(
        lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'doesnotexist' })),
        'ResourceNotFoundException',
        `The function arn:aws:lambda:us-east-1:${account}:function:doesnotexist:$LATEST doesn't have an EventInvokeConfig`,
      );
      await rejects(
        lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'doesnotexist' })),
        'ResourceNotFoundException',
        "The function doesn't exist.",
      );
    });

    test('DeleteFunctionEventInvokeConfig removes the config', async () => {
      const fn = await createFunction(lambda, {});
      const FunctionName = fn.FunctionName;
      await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName, MaximumRetryAttempts: 0 }));
      await lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName }));
      const listed = await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName }));
      assert.deepEqual(listed.FunctionEventInvokeConfigs, []);
    });
  });

  describe('delivery', () => {
    test('sends AWS’s success record to the OnSuccess queue', async () => {
      const name = functionName('dest-success');
      await createFunction(lambda, {
        FunctionName: name,
        Code: { ZipFile: loggingFunction({ answer: '{ ok: true }' }) },
      });
      const target = await queue('dest-success');
      await lambda.send(
        new PutFunctionEventInvokeConfigCommand({
          FunctionName: name,
          DestinationConfig: { OnSuccess: { Destination: target.arn } },
        }),
      );
      await invokeEvent(name, { hello: 'world' });
      const record = JSON.parse((await receiveOne(target.url)).Body as string);
      assert.deepEqual(Object.keys(record), [
        'version',
        'timestamp',
        'requestContext',
        'requestPayload',
        'responseContext',
        'responsePayload',
      ]);
      assert.equal(record.version, '1.0');
      assert.equal(record.requestContext.condition, 'Success');
      assert.equal(record.requestContext.approximateInvokeCount, 1);
      assert.equal(record.requestContext.functionArn, `arn:aws:lambda:us-east-1:${account}:function:${name}:$LATEST`);
      assert.match(record.requestContext.requestId, /^[0-9a-f-]{36}$/);
      assert.deepEqual(record.requestPayload, { hello: 'world' });
      assert.deepEqual(record.responseContext, { statusCode: 200, executedVersion: '$LATEST' });
      assert.deepEqual(record.responsePayload, { ok: true });
    });

    test('after MaximumRetryAttempts retries sends the failure record to OnFailure', async () => {
      const name = functionName('dest-failure');
      await createFunction(lambda, { FunctionName: name, Code: { ZipFile: loggingFunction({ fail: 'true' }) } });
      const target = await queue('dest-failure');
      await lambda.send(
        new PutFunctionEventInvokeConfigCommand({
          FunctionName: name,
          MaximumRetryAttempts: 1,
          DestinationConfig: { OnFailure: { Destination: target.arn } },
        }),
      );
      await invokeEvent(name, { attempt: 'me' });
      await loggedEvents(cloud, name, 1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      cloud.clock.advance(61);
      await loggedEvents(cloud, name, 2);
      const record = JSON.parse((await receiveOne(target.url)).Body as string);
      assert.equal(record.requestContext.condition, 'RetriesExhausted');
      assert.equal(record.requestContext.approximateInvokeCount, 2);
      assert.deepEqual(record.responseContext, {
        statusCode: 200,
        executedVersion: '$LATEST',
        functionError: 'Unhandled',
      });
      assert.equal(record.responsePayload.errorMessage, 'intentional failure');
      assert.deepEqual(record.requestPayload, { attempt: 'me' });
    });

    test('an event too old for its next retry fails with EventAgeExceeded', async () => {
      const name = functionName('dest-age');
      await createFunction(lambda, { FunctionName: name, Code: { ZipFile: loggingFunction({ fail: 'true' }) } });
      const target = await queue('dest-age');
      await lambda.send(
        new PutFunctionEventInvokeConfigCommand({
          FunctionName: name,
          MaximumEventAgeInSeconds: 60,
          DestinationConfig: { OnFailure: { Destination: target.arn } },
        }),
      );
      await invokeEvent(name, {});
      const record = JSON.parse((await receiveOne(target.url)).Body as string);
      assert.equal(record.requestContext.condition, 'EventAgeExceeded');
      assert.equal(record.requestContext.approximateInvokeCount, 1);
    });

    test('a failed event goes to the function’s dead-letter queue with AWS’s attributes', async () => {
      const name = functionName('dest-dlq');
      const dlq = await queue('dest-dlq');
      await createFunction(lambda, {
        FunctionName: name,
        Code: { ZipFile: loggingFunction({ fail: 'true' }) },
        DeadLetterConfig: { TargetArn: dlq.arn },
      });
      await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: name, MaximumRetryAttempts: 0 }));
      await invokeEvent(name, { raise_error: 1 });
      const message = await receiveOne(dlq.url);
      assert.deepEqual(JSON.parse(message.Body as string), { raise_error: 1 });
      assert.equal(message.MessageAttributes?.ErrorCode?.DataType, 'Number');
      assert.equal(message.MessageAttributes?.ErrorCode?.StringValue, '200');
      assert.equal(message.MessageAttributes?.ErrorMessage?.StringValue, 'intentional failure');
      assert.match(message.MessageAttributes?.RequestID?.StringValue ?? '', /^[0-9a-f-]{36}$/);
    });

    test('OnSuccess to another function invokes it with the record; to a topic publishes it', async () => {
      const name = functionName('dest-chain');
      const next = functionName('dest-next');
      await createFunction(lambda, { FunctionName: name, Code: { ZipFile: loggingFunction({ answer: '1' }) } });
      const nextFn = await createFunction(lambda, { FunctionName: next, Code: { ZipFile: loggingFunction() } });
      await lambda.send(
        new PutFunctionEventInvokeConfigCommand({
          FunctionName: name,
          DestinationConfig: { OnSuccess: { Destination: nextFn.FunctionArn } },
        }),
      );
      await invokeEvent(name, { step: 1 });
      const [chained] = (await loggedEvents(cloud, next, 1)) as Array<Record<string, unknown>>;
      assert.ok(chained);
      assert.equal((chained.requestContext as { condition: string }).condition, 'Success');
      assert.deepEqual(chained.requestPayload, { step: 1 });

      const sns = new SNSClient(clientConfig(cloud));
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'dest-topic' }));
      const subscriber = await queue('dest-topic-queue');
      await sns.send(
        new SubscribeCommand({
          TopicArn,
          Protocol: 'sqs',
          Endpoint: subscriber.arn,
          Attributes: { RawMessageDelivery: 'true' },
        }),
      );
      await lambda.send(
        new PutFunctionEventInvokeConfigCommand({
          FunctionName: name,
          DestinationConfig: { OnSuccess: { Destination: TopicArn } },
        }),
      );
      await invokeEvent(name, { step: 2 });
      const published = JSON.parse((await receiveOne(subscriber.url)).Body as string);
      assert.deepEqual(published.requestPayload, { step: 2 });
      assert.equal(published.responsePayload, 1);
    });
  });
});
