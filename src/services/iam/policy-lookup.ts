/**
 * Finding a managed policy by ARN: a customer managed policy of the caller's account, or one of
 * the AWS managed policies Nimbus ships (every account sees those). A policy of another account
 * is not visible: managed policies are not shared across accounts.
 */
import { createHash } from 'node:crypto';
import { parseArn } from '../../core/arns.js';
import { InvalidInputException, NoSuchEntityException } from '../../generated/iam/errors.js';
import { type AwsManagedPolicy, awsManagedPolicies } from './aws-managed-policies.js';
import { invalidArn, policyNotAttachable } from './errors.js';
import type { IamState } from './state.js';
import type { PolicyRow } from './store.js';

export type ResolvedPolicy =
  | { kind: 'aws'; arn: string; spec: AwsManagedPolicy }
  | { kind: 'local'; arn: string; row: PolicyRow };

const awsPolicyPrefix = 'arn:aws:iam::aws:policy';

export function awsPolicyArn(spec: AwsManagedPolicy): string {
  return `${awsPolicyPrefix}${spec.path}${spec.name}`;
}

const awsPoliciesByArn = new Map(awsManagedPolicies.map((spec) => [awsPolicyArn(spec), spec]));

/** AWS managed policies, in name order (ListPolicies). */
export const awsPoliciesByName: readonly AwsManagedPolicy[] = [...awsManagedPolicies].sort((a, b) =>
  a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1,
);

/** A stable PolicyId for an AWS managed policy: ANPA and 17 characters derived from its ARN. */
export function awsPolicyId(arn: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const digest = createHash('sha256').update(arn).digest();
  let id = 'ANPA';
  for (let i = 0; i < 17; i++) id += alphabet[(digest[i] as number) & 31];
  return id;
}

/** The policy name an ARN ends with (`.../service-role/AWSLambdaRole` gives AWSLambdaRole). */
export function policyNameOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** The path of a policy ARN: between `policy` and the name (`/service-role/`). */
export function policyPathOf(arn: string): string {
  const resource = arn.slice(arn.indexOf(':policy/') + ':policy'.length);
  return resource.slice(0, resource.lastIndexOf('/') + 1);
}

/** The policy an ARN names, or undefined when there is none the account can see. */
export function findPolicy(state: IamState, account: string, arn: string): ResolvedPolicy | undefined {
  const parts = parseArn(arn);
  if (parts?.service !== 'iam' || !parts.resource.startsWith('policy/')) return undefined;
  if (parts.account === 'aws') {
    const spec = awsPoliciesByArn.get(arn);
    return spec ? { kind: 'aws', arn, spec } : undefined;
  }
  if (parts.account !== account) return undefined;
  const row = state.store.find<PolicyRow>('iam_policies', account, policyNameOf(arn).toLowerCase());
  return row && row.arn === arn ? { kind: 'local', arn, row } : undefined;
}

/**
 * The policy a PolicyArn of an attach call names: "Invalid ARN:  Could not be parsed!" when it is
 * not an ARN, "does not exist or is not attachable" when no such policy exists
 * (test_iam.snapshot.json, test_role_attach_policy / test_user_attach_policy).
 */
export function attachablePolicy(state: IamState, account: string, arn: string): ResolvedPolicy {
  if (!parseArn(arn)) throw invalidArn();
  const policy = findPolicy(state, account, arn);
  if (!policy) throw policyNotAttachable(arn);
  return policy;
}

/**
 * A permissions boundary must name a managed policy the account can see (LocalStack's texts;
 * AWS's are not recorded).
 */
export function checkBoundary(state: IamState, account: string, arn: string): void {
  if (!parseArn(arn) || !arn.includes(':policy/')) throw new InvalidInputException(`ARN ${arn} is not valid.`);
  if (!findPolicy(state, account, arn)) {
    throw new NoSuchEntityException(`Scope ARN: ${arn} does not exist or is not attachable.`);
  }
}
