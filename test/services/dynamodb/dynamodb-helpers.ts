/** Shared pieces of the DynamoDB tests: clients, table set-up and exact error assertions. */
import assert from 'node:assert/strict';
import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
  type DynamoDBServiceException,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig } from '../../helpers/cloud.js';

/** A DynamoDB client acting as the root of an account (a 12-digit access key id names its account). */
export function dynamoFor(cloud: NimbusCloud, account = '111111111111', region = 'us-east-1'): DynamoDBClient {
  return new DynamoDBClient(clientConfig(cloud, { accessKeyId: account, region }));
}

export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client);
}

export type DynamoError = DynamoDBServiceException & Record<string, unknown>;

export async function rejection(promise: Promise<unknown>): Promise<DynamoError> {
  try {
    await promise;
  } catch (error) {
    return error as DynamoError;
  }
  assert.fail('expected the call to fail');
}

/** Asserts the error's name (its `__type`), message and a 400 status. */
export async function assertDynamoError(
  promise: Promise<unknown>,
  name: string,
  message: string,
  status = 400,
): Promise<DynamoError> {
  const error = await rejection(promise);
  assert.equal(error.name, name, `name of: ${error.message}`);
  assert.equal(error.message, message);
  assert.equal(error.$metadata.httpStatusCode, status);
  return error;
}

/** `{ id: 'S' }` -> attribute definitions; the key schema lists HASH then RANGE. */
export function keySchema(hash: string, range?: string): KeySchemaElement[] {
  const schema: KeySchemaElement[] = [{ AttributeName: hash, KeyType: 'HASH' }];
  if (range) schema.push({ AttributeName: range, KeyType: 'RANGE' });
  return schema;
}

export function definitions(types: Record<string, 'S' | 'N' | 'B'>): AttributeDefinition[] {
  return Object.entries(types).map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType }));
}

/** Creates an on-demand table keyed by `hash` (and `range`), of the given types. */
export async function createTable(
  client: DynamoDBClient,
  TableName: string,
  keys: { hash: [string, 'S' | 'N' | 'B']; range?: [string, 'S' | 'N' | 'B'] },
  extra: Partial<CreateTableCommandInput> = {},
): Promise<void> {
  const types: Record<string, 'S' | 'N' | 'B'> = { [keys.hash[0]]: keys.hash[1] };
  if (keys.range) types[keys.range[0]] = keys.range[1];
  await client.send(
    new CreateTableCommand({
      TableName,
      KeySchema: keySchema(keys.hash[0], keys.range?.[0]),
      AttributeDefinitions: definitions(types),
      BillingMode: 'PAY_PER_REQUEST',
      ...extra,
    }),
  );
}
