/**
 * CreateTable's and UpdateTable's checks beyond the model, in AWS's words and order. Evidence:
 * dynalite's validations/createTable.js and validations/updateTable.js (their tests ran against
 * AWS); shared/aws-reference/recorded-responses/services/dynamodb/test_dynamodb.snapshot.json
 * (test_dynamodb_pay_per_request); the unused-definition text is what AWS answers since indexes
 * may share definitions (aws/aws-cdk#8829 quotes it).
 */
import { ValidationException } from '../../errors/common.js';
import { LimitExceededException } from '../../generated/dynamodb/errors.js';
import type * as T from '../../generated/dynamodb/types.js';

const invalid = 'One or more parameter values were invalid: ';

function fail(message: string): never {
  throw new ValidationException(message);
}

/** The most a throughput may ask (dynalite: "Given value ... is out of bounds"). */
const maxUnits = 1_000_000_000_000;

export function checkThroughputBounds(throughput: T.ProvisionedThroughput | undefined): void {
  if (!throughput) return;
  if (throughput.ReadCapacityUnits > maxUnits) {
    fail(`Given value ${throughput.ReadCapacityUnits} for ReadCapacityUnits is out of bounds`);
  }
  if (throughput.WriteCapacityUnits > maxUnits) {
    fail(`Given value ${throughput.WriteCapacityUnits} for WriteCapacityUnits is out of bounds`);
  }
}

function checkBilling(input: T.CreateTableInput): void {
  if (input.BillingMode === 'PAY_PER_REQUEST') {
    if (input.ProvisionedThroughput) {
      fail(
        `${invalid}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST`,
      );
    }
    return;
  }
  const throughput = input.ProvisionedThroughput;
  if (!throughput?.ReadCapacityUnits || !throughput.WriteCapacityUnits) {
    fail(`${invalid}ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED`);
  }
  checkThroughputBounds(throughput);
}

/** The checks every key schema passes: defined attributes, HASH then RANGE, two distinct names. */
function checkKeySchema(schema: readonly T.KeySchemaElement[], definedNames: readonly string[]): void {
  const keys = schema.map((key) => key.AttributeName);
  if (keys.some((key) => !definedNames.includes(key))) {
    fail(
      `${invalid}Some index key attributes are not defined in AttributeDefinitions. Keys: [${keys.join(', ')}], AttributeDefinitions: [${definedNames.join(', ')}]`,
    );
  }
  if (keys.length === 2 && keys[0] === keys[1]) {
    fail('Both the Hash Key and the Range Key element in the KeySchema have the same name');
  }
  if (schema[0]?.KeyType !== 'HASH') fail('Invalid KeySchema: The first KeySchemaElement is not a HASH key type');
  if (schema[1] && schema[1].KeyType !== 'RANGE') {
    fail('Invalid KeySchema: The second KeySchemaElement is not a RANGE key type');
  }
}

function checkProjection(projection: T.Projection): void {
  if (projection.ProjectionType === undefined) fail(`${invalid}Unknown ProjectionType: null`);
  if (projection.NonKeyAttributes && projection.ProjectionType !== 'INCLUDE') {
    fail(`${invalid}ProjectionType is ${projection.ProjectionType}, but NonKeyAttributes is specified`);
  }
}

function notNull(member: string): never {
  fail(`1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
}

/** Checks a CreateTable request; returns the attribute names its keys and indexes use. */
export function checkCreateTable(input: T.CreateTableInput): void {
  if (!input.AttributeDefinitions) notNull('attributeDefinitions');
  if (!input.KeySchema) notNull('keySchema');
  checkBilling(input);
  const definedNames = input.AttributeDefinitions.map((d) => d.AttributeName);
  const schema = input.KeySchema;
  if (schema.length > definedNames.length) fail('Invalid KeySchema: Some index key attribute have no definition');
  checkKeySchema(schema, definedNames);
  const lsis = input.LocalSecondaryIndexes;
  const gsis = input.GlobalSecondaryIndexes;
  if (!lsis && !gsis && schema.length !== definedNames.length) {
    fail(
      `${invalid}Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions`,
    );
  }
  const names = new Set<string>();
  const used = new Set(schema.map((key) => key.AttributeName));
  if (lsis) {
    if (lsis.length === 0) fail(`${invalid}List of LocalSecondaryIndexes is empty`);
    if (schema.length !== 2) {
      fail(
        `${invalid}Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex`,
      );
    }
    const tableHash = schema[0]?.AttributeName;
    for (const index of lsis) {
      checkKeySchema(index.KeySchema, definedNames);
      if (index.KeySchema.length !== 2) {
        fail(`${invalid}Index KeySchema does not have a range key for index: ${index.IndexName}`);
      }
      const indexHash = index.KeySchema[0]?.AttributeName;
      if (indexHash !== tableHash) {
        fail(
          `${invalid}Index KeySchema does not have the same leading hash key as table KeySchema for index: ${index.IndexName}. index hash key: ${indexHash}, table hash key: ${tableHash}`,
        );
      }
      checkProjection(index.Projection);
      if (names.has(index.IndexName)) fail(`${invalid}Duplicate index name: ${index.IndexName}`);
      names.add(index.IndexName);
      for (const key of index.KeySchema) used.add(key.AttributeName);
    }
    if (lsis.length > 5) fail(`${invalid}Number of LocalSecondaryIndexes exceeds per-table limit of 5`);
  }
  if (gsis) {
    if (gsis.length === 0) fail(`${invalid}List of GlobalSecondaryIndexes is empty`);
    for (const index of gsis) {
      checkGlobalIndex(index, definedNames, input.BillingMode ?? 'PROVISIONED');
      if (names.has(index.IndexName)) fail(`${invalid}Duplicate index name: ${index.IndexName}`);
      names.add(index.IndexName);
      for (const key of index.KeySchema) used.add(key.AttributeName);
    }
    if (gsis.length > 20) fail(`${invalid}GlobalSecondaryIndex count exceeds the per-table limit of 20`);
  }
  if (definedNames.length > used.size || new Set(definedNames).size !== definedNames.length) {
    fail(
      `${invalid}Some AttributeDefinitions are not used. AttributeDefinitions: [${definedNames.join(', ')}], keys used: [${[...used].join(', ')}]`,
    );
  }
}

/** A GSI of CreateTable or of UpdateTable's Create. */
export function checkGlobalIndex(
  index: {
    IndexName: string;
    KeySchema: T.KeySchemaElement[];
    Projection: T.Projection;
    ProvisionedThroughput?: T.ProvisionedThroughput;
  },
  definedNames: readonly string[],
  billingMode: T.BillingMode,
): void {
  checkKeySchema(index.KeySchema, definedNames);
  checkProjection(index.Projection);
  if (billingMode === 'PAY_PER_REQUEST' && index.ProvisionedThroughput) {
    fail(
      `${invalid}ProvisionedThroughput should not be specified for index: ${index.IndexName} when BillingMode is PAY_PER_REQUEST`,
    );
  }
  if (billingMode === 'PROVISIONED' && !index.ProvisionedThroughput) {
    fail(`${invalid}ProvisionedThroughput must be specified for index: ${index.IndexName}`);
  }
  checkThroughputBounds(index.ProvisionedThroughput);
}

/** UpdateTable's checks before it looks at the table. */
export function checkUpdateTable(input: T.UpdateTableInput): void {
  const updates = input.GlobalSecondaryIndexUpdates;
  if (
    !input.ProvisionedThroughput &&
    !input.BillingMode &&
    !input.StreamSpecification &&
    (!updates || updates.length === 0) &&
    !input.SSESpecification &&
    !input.ReplicaUpdates &&
    input.DeletionProtectionEnabled === undefined &&
    !input.TableClass &&
    !input.OnDemandThroughput &&
    !input.WarmThroughput
  ) {
    fail(
      'At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required',
    );
  }
  if (input.BillingMode === 'PROVISIONED' && !input.ProvisionedThroughput) {
    fail(`${invalid}ProvisionedThroughput must be specified when BillingMode is PROVISIONED`);
  }
  checkThroughputBounds(input.ProvisionedThroughput);
  if (updates) {
    const seen = new Set<string>();
    for (const update of updates) {
      const name = update.Update?.IndexName ?? update.Create?.IndexName ?? update.Delete?.IndexName;
      if (name === undefined) {
        fail(
          `${invalid}One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null`,
        );
      }
      if (seen.has(name)) {
        fail(`${invalid}Only one global secondary index update per index is allowed simultaneously. Index: ${name}`);
      }
      seen.add(name);
    }
    if (updates.length > 5) {
      throw new LimitExceededException(
        'Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table',
      );
    }
  }
}
