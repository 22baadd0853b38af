/** Shared set-up for the Lambda tests: a client, zips made in the test, a function maker, error checks. */
import assert from 'node:assert/strict';
import { CreateFunctionCommand, type CreateFunctionCommandInput, LambdaClient } from '@aws-sdk/client-lambda';
import { type Zippable, zipSync } from 'fflate';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig } from '../../helpers/cloud.js';

export const role = 'arn:aws:iam::000000000000:role/lambda-role';

/** A function's ARN in the test account, with its qualifier when one is given. */
export const fnArn = (name: string, qualifier?: string, region = 'us-east-1') =>
  `arn:aws:lambda:${region}:000000000000:function:${name}${qualifier === undefined ? '' : `:${qualifier}`}`;

export function lambdaClient(cloud: NimbusCloud, region = 'us-east-1'): LambdaClient {
  return new LambdaClient(clientConfig(cloud, { region }));
}

/** A zip of the given files; a file given as `[text, mode]` keeps that Unix mode. */
export function zip(files: Record<string, string | [string, number]>): Uint8Array {
  const entries: Zippable = {};
  for (const [name, content] of Object.entries(files)) {
    if (typeof content === 'string') entries[name] = new TextEncoder().encode(content);
    else entries[name] = [new TextEncoder().encode(content[0]), { os: 3, attrs: content[1] << 16 }];
  }
  return zipSync(entries);
}

export const nodeEcho = zip({
  'index.js': 'exports.handler = async (event, context) => ({ event, requestId: context.awsRequestId });',
});

let counter = 0;

/** A unique function name for one test. */
export function functionName(prefix = 'fn'): string {
  counter++;
  return `${prefix}-${process.pid}-${counter}`;
}

export async function createFunction(
  client: LambdaClient,
  input: Partial<CreateFunctionCommandInput> & { Code?: CreateFunctionCommandInput['Code'] },
) {
  return client.send(
    new CreateFunctionCommand({
      FunctionName: input.FunctionName ?? functionName(),
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: role,
      Code: { ZipFile: nodeEcho },
      ...input,
    }),
  );
}

export function decode(payload: Uint8Array | undefined): unknown {
  return JSON.parse(new TextDecoder().decode(payload));
}

/** Asserts that a Lambda call fails with AWS's error name, message and HTTP status. */
export async function rejectsWith(
  promise: Promise<unknown>,
  name: string,
  message: string,
  status = 404,
): Promise<void> {
  await assert.rejects(promise, (error: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(error.name, name);
    assert.equal(error.message, message);
    assert.equal(error.$metadata?.httpStatusCode, status);
    return true;
  });
}
