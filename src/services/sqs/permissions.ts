/**
 * AddPermission and RemovePermission: statements of the queue's Policy attribute, one per
 * label, in the shape AWS writes (shared/aws-reference/recorded-responses/services/sqs/
 * test_sqs.snapshot.json: test_sqs_permission_lifecycle): Version 2008-10-17, Id
 * `<queueArn>/SQSDefaultPolicy`, Principal.AWS a string for one account and a list for more,
 * actions as `SQS:<Action>`. Removing the last statement removes the Policy.
 */
import type { SqsOperations } from '../../generated/sqs/operations.js';
import type { RequestContext } from '../service-types.js';
import { invalidParameter } from './errors.js';
import type { SqsState } from './state.js';

interface Statement {
  Sid?: string;
  [key: string]: unknown;
}

interface Policy {
  Version?: string;
  Id?: string;
  Statement?: Statement[];
  [key: string]: unknown;
}

function policyOf(text: string | undefined): Policy | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as Policy;
  } catch {
    return undefined;
  }
}

function oneOrMany(values: string[]): string | string[] {
  return values.length === 1 ? (values[0] as string) : values;
}

export function permissionOperations(state: SqsState) {
  return {
    addPermission(ctx, input) {
      const queue = state.queueByUrl(ctx, input.QueueUrl);
      const policy = policyOf(queue.attributes.Policy) ?? {
        Version: '2008-10-17',
        Id: `${queue.arn}/SQSDefaultPolicy`,
        Statement: [],
      };
      const statements = policy.Statement ?? [];
      if (statements.some((statement) => statement.Sid === input.Label)) {
        throw invalidParameter('Label', input.Label, 'Already exists.');
      }
      statements.push({
        Sid: input.Label,
        Effect: 'Allow',
        Principal: { AWS: oneOrMany(input.AWSAccountIds.map((account) => `arn:aws:iam::${account}:root`)) },
        Action: oneOrMany(input.Actions.map((action) => `SQS:${action}`)),
        Resource: queue.arn,
      });
      policy.Statement = statements;
      const attributes = { ...queue.attributes, Policy: JSON.stringify(policy) };
      state.store.updateAttributes(queue.row, JSON.stringify(attributes), state.now());
    },

    removePermission(ctx, input) {
      const queue = state.queueByUrl(ctx, input.QueueUrl);
      const policy = policyOf(queue.attributes.Policy);
      const statements = policy?.Statement ?? [];
      const kept = statements.filter((statement) => statement.Sid !== input.Label);
      if (!policy || kept.length === statements.length) {
        throw invalidParameter('Label', input.Label, "can't find label.");
      }
      const attributes = { ...queue.attributes };
      if (kept.length === 0) delete attributes.Policy;
      else attributes.Policy = JSON.stringify({ ...policy, Statement: kept });
      state.store.updateAttributes(queue.row, JSON.stringify(attributes), state.now());
    },
  } satisfies Partial<SqsOperations<RequestContext>>;
}
