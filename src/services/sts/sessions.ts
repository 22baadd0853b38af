/**
 * Temporary credentials: what AssumeRole, AssumeRoleWithWebIdentity, GetSessionToken and
 * GetFederationToken issue. Each is kept in the CredentialStore, so that a later request
 * signed with it resolves to the session's principal and account, until its expiry on the
 * Nimbus clock (then ExpiredToken).
 */
import { parseArn } from '../../core/arns.js';
import { newAccessKeyId, newSecretAccessKey, newSessionToken } from '../../core/ids.js';
import { AwsError, errorType } from '../../errors/aws-error.js';
import { InvalidParameterValue } from '../../errors/common.js';
import type { Credentials, Tag } from '../../generated/sts/types.js';
import type { CredentialRecord, CredentialStore, PrincipalKind, SessionContext } from '../../identity/credentials.js';

/** STS's query validation error for inputs the model cannot express. */
export const ValidationError = errorType('ValidationError', 400);

/** The common AccessDenied error, 403. https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html */
export const AccessDenied = errorType('AccessDenied', 403);

export interface RoleTarget {
  account: string;
  roleName: string;
}

/**
 * The account and role name of a role ARN. AWS answers `<arn> is invalid` for an ARN without
 * partition, service, enough parts or a resource (recorded-responses/services/sts/
 * test_sts.snapshot.json, test_sts_invalid_parameters).
 */
export function roleTarget(roleArn: string): RoleTarget {
  const arn = parseArn(roleArn);
  if (!arn?.resource || !arn.service) throw new ValidationError(`${roleArn} is invalid`);
  const resource = arn.resource;
  const slash = resource.lastIndexOf('/');
  if (!resource.startsWith('role/') || slash === resource.length - 1)
    throw new ValidationError(`${roleArn} is invalid`);
  return { account: arn.account, roleName: resource.slice(slash + 1) };
}

export interface IssueRequest {
  account: string;
  principalArn: string;
  principalId: string;
  kind: PrincipalKind;
  durationSeconds: number;
  now: number;
  session?: SessionContext;
}

/** Issues and records a temporary credential set. */
export function issueCredentials(store: CredentialStore, request: IssueRequest): Credentials {
  const expiresAt = request.now + request.durationSeconds * 1000;
  const record: CredentialRecord = {
    accessKeyId: newAccessKeyId('ASIA'),
    secretAccessKey: newSecretAccessKey(),
    sessionToken: newSessionToken(),
    account: request.account,
    principalArn: request.principalArn,
    principalId: request.principalId,
    kind: request.kind,
    userName: null,
    status: 'Active',
    createdAt: request.now,
    // AWS gives expirations to the second.
    expiresAt: Math.floor(expiresAt / 1000) * 1000,
    source: 'sts',
    session: request.session ?? null,
  };
  store.put(record);
  return {
    AccessKeyId: record.accessKeyId,
    SecretAccessKey: record.secretAccessKey,
    SessionToken: record.sessionToken as string,
    Expiration: new Date(record.expiresAt as number),
  };
}

/**
 * The session tags and transitive tag keys of a new session, checked as AWS checks them
 * (recorded-responses/services/sts/test_sts.snapshot.json: test_assume_role_tag_validation,
 * test_iam_role_chaining_override_transitive_tags). Returns what the new session carries on.
 */
export function sessionTags(
  tags: Tag[] | undefined,
  transitiveKeys: string[] | undefined,
  calling: SessionContext | null,
): Record<string, string> {
  const byLowerKey = new Map<string, Tag>();
  for (const tag of tags ?? []) {
    const lower = tag.Key.toLowerCase();
    if (byLowerKey.has(lower)) {
      throw new InvalidParameterValue('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
    }
    byLowerKey.set(lower, tag);
  }
  const inherited = calling?.transitiveTags ?? {};
  const inheritedLower = new Set(Object.keys(inherited).map((key) => key.toLowerCase()));
  for (const lower of byLowerKey.keys()) {
    if (inheritedLower.has(lower)) {
      throw new InvalidParameterValue(
        "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.",
      );
    }
  }
  const transitive: Record<string, string> = { ...inherited };
  for (const key of transitiveKeys ?? []) {
    const tag = byLowerKey.get(key.toLowerCase());
    if (!tag)
      throw new InvalidParameterValue('The specified transitive tag key must be included in the requested tags.');
    transitive[tag.Key] = tag.Value;
  }
  return transitive;
}

/**
 * How full the packed session policy is, in percent of its limit: AWS compresses the session
 * policy, policy ARNs and tags into a binary form whose limit it does not publish; this is a
 * plausible estimate that grows with them and reaches 100 near AWS's documented 2,048-character
 * plaintext limit. Errors with PackedPolicyTooLarge past 100.
 */
export function packedPolicySize(policy: string | undefined, policyArns: number, tags: Tag[] | undefined): number {
  const tagChars = (tags ?? []).reduce((sum, tag) => sum + tag.Key.length + tag.Value.length, 0);
  const chars = (policy?.replace(/\s+/g, '').length ?? 0) + policyArns * 40 + tagChars * 2;
  const size = Math.ceil((chars / 2048) * 100);
  if (size > 100) {
    throw new AwsError(
      { code: 'PackedPolicyTooLargeException', queryCode: 'PackedPolicyTooLarge', status: 400, senderFault: true },
      `Packed size of consumed session policies and session tags exceeds the limit (${size}%).`,
    );
  }
  return size;
}
