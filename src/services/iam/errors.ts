/**
 * IAM's error texts, in one place. Codes come from the model (generated/iam/errors.ts); the
 * texts are AWS's. Evidence, cited once here rather than at every use:
 * - recorded: shared/aws-reference/recorded-responses/services/iam/test_iam.snapshot.json
 *   (user not found, policy not found, "does not exist or is not attachable", "Invalid ARN:
 *   Could not be parsed!", malformed trust policy, service-linked role errors);
 * - the IAM API tests of versitygw (github.com/versity/versitygw, iamapi), written against live
 *   IAM: EntityAlreadyExists for users and roles, role/user/group policy not found, DeleteConflict
 *   texts and their order, the inline size and trust-policy quotas, tag quota and duplicates,
 *   OpenID Connect provider texts;
 * - AWS users' error output quoted in public repositories: "Cannot exceed quota for
 *   PoliciesPerRole: 10", "... AccessKeysPerUser: 2", "... InstanceSessionsPerInstanceProfile: 1",
 *   "This policy has more than one version. Before you delete a policy, you must delete the
 *   policy's versions. The default version is deleted with the policy.";
 * - LocalStack's IAM provider (hints, checked against the above where they overlap).
 * Texts without any of that evidence are listed in the IAM report to the lead.
 */
import { type AwsError, errorType } from '../../errors/aws-error.js';
import { ValidationException } from '../../errors/common.js';
import {
  DeleteConflictException,
  EntityAlreadyExistsException,
  InvalidInputException,
  LimitExceededException,
  NoSuchEntityException,
  UnmodifiableEntityException,
} from '../../generated/iam/errors.js';

/** The kinds of named entity whose messages follow the same pattern. */
export type EntityKind = 'user' | 'group' | 'role';

const entityTitles: Record<EntityKind, string> = { user: 'User', group: 'Group', role: 'Role' };

/** "The user with name X cannot be found." */
export function noSuchEntity(kind: EntityKind, name: string): NoSuchEntityException {
  return new NoSuchEntityException(`The ${kind} with name ${name} cannot be found.`);
}

/** "User with name X already exists." */
export function entityExists(kind: EntityKind, name: string): EntityAlreadyExistsException {
  return new EntityAlreadyExistsException(`${entityTitles[kind]} with name ${name} already exists.`);
}

/** "The role policy with name X cannot be found." */
export function noSuchInlinePolicy(kind: EntityKind, policyName: string): NoSuchEntityException {
  return new NoSuchEntityException(`The ${kind} policy with name ${policyName} cannot be found.`);
}

export function policyNotFound(arn: string): NoSuchEntityException {
  return new NoSuchEntityException(`Policy ${arn} was not found.`);
}

export function policyNotAttachable(arn: string): NoSuchEntityException {
  return new NoSuchEntityException(`Policy ${arn} does not exist or is not attachable.`);
}

export function policyVersionNotFound(arn: string, versionId: string): NoSuchEntityException {
  return new NoSuchEntityException(`Policy ${arn} version ${versionId} does not exist or is not attachable.`);
}

export function policyExists(name: string): EntityAlreadyExistsException {
  return new EntityAlreadyExistsException(`A policy called ${name} already exists. Duplicate names are not allowed.`);
}

/** A PolicyArn that is not an ARN at all (two spaces, as AWS writes it). */
export function invalidArn(): ValidationException {
  return new ValidationException('Invalid ARN:  Could not be parsed!');
}

/** "Cannot exceed quota for PoliciesPerRole: 10" and the like. */
export function quotaExceeded(quota: string, limit: number): LimitExceededException {
  return new LimitExceededException(`Cannot exceed quota for ${quota}: ${limit}`);
}

export function deleteConflict(message: string): DeleteConflictException {
  return new DeleteConflictException(message);
}

export const conflictTexts = {
  attachedPolicies: 'Cannot delete entity, must detach all policies first.',
  inlinePolicies: 'Cannot delete entity, must delete policies first.',
  accessKeys: 'Cannot delete entity, must delete access keys first.',
  groupMembers: 'Cannot delete entity, must remove users from group first.',
  instanceProfiles: 'Cannot delete entity, must remove roles from instance profile first.',
  attachedPolicy: 'Cannot delete a policy attached to entities.',
  policyVersions:
    "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
  defaultVersion: 'Cannot delete the default version of a policy.',
} as const;

export function tagLimitExceeded(): LimitExceededException {
  return new LimitExceededException('The number of tags has reached the maximum limit.');
}

export function duplicateTagKeys(caseInsensitive: boolean): InvalidInputException {
  return new InvalidInputException(
    caseInsensitive
      ? 'Duplicate tag keys found. Please note that Tag keys are case insensitive.'
      : 'Duplicate tag keys found.',
  );
}

/** A service-linked role is AWS's to change. */
export function protectedRole(roleName: string): UnmodifiableEntityException {
  return new UnmodifiableEntityException(
    `Cannot perform the operation on the protected role '${roleName}' - this role is only modifiable by AWS`,
  );
}

/** A call with no UserName from credentials that are not an IAM user's. */
export function userNameRequired(): ValidationException {
  return new ValidationException('Must specify userName when calling with non-User credentials');
}

/** IAM's AccessDenied (not modelled): acting on another account's policies. */
export const AccessDenied = errorType('AccessDenied', 403);

export function accessDenied(message: string): AwsError {
  return new AccessDenied(message);
}
