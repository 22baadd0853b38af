/**
 * AWS Security Token Service. https://docs.aws.amazon.com/STS/latest/APIReference/
 *
 * Nimbus does not evaluate trust policies unless IAM enforcement is on (it is not yet), so
 * AssumeRole succeeds for any well-formed role ARN, as it does on LocalStack: a role IAM
 * knows lends its id and session limit; a role it does not know gets a stable id derived
 * from its ARN, so that cross-account and not-yet-created roles work in local tests.
 */
import { createHash } from 'node:crypto';
import { MalformedPolicyDocumentException } from '../../generated/sts/errors.js';
import { type StsOperations, stsOperations } from '../../generated/sts/operations.js';
import type * as T from '../../generated/sts/types.js';
import type { IamRoleLookup } from '../iam/roles-lookup.js';
import type { Provider, RequestContext, ServiceDeps } from '../service-types.js';
import {
  AccessDenied,
  issueCredentials,
  packedPolicySize,
  roleTarget,
  sessionTags,
  ValidationError,
} from './sessions.js';
import { readWebIdentityToken } from './web-identity.js';

export const operations = stsOperations;

/** GetSessionToken and GetFederationToken default to 12 hours; root sessions last at most one. */
const defaultLongSession = 43_200;
const rootSessionLimit = 3_600;

export class StsProvider implements Partial<StsOperations<RequestContext>>, Provider {
  readonly #deps: ServiceDeps;

  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  getCallerIdentity(ctx: RequestContext): T.GetCallerIdentityResponse {
    return { UserId: ctx.caller.userId, Account: ctx.caller.account, Arn: ctx.caller.arn };
  }

  getAccessKeyInfo(_ctx: RequestContext, input: T.GetAccessKeyInfoRequest): T.GetAccessKeyInfoResponse {
    return { Account: this.#deps.credentials.accountOf(input.AccessKeyId) };
  }

  async assumeRole(ctx: RequestContext, input: T.AssumeRoleRequest): Promise<T.AssumeRoleResponse> {
    const target = roleTarget(input.RoleArn);
    const role = await this.#role(target.account, target.roleName, input.RoleArn);
    const calling = this.#callingSession(ctx);
    const duration = input.DurationSeconds ?? 3600;
    if (ctx.caller.kind === 'assumed-role' && duration > 3600) {
      throw new ValidationError(
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      );
    }
    if (duration > role.maxSessionDuration) {
      throw new ValidationError('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    }
    checkSessionPolicy(input.Policy);
    const transitiveTags = sessionTags(input.Tags, input.TransitiveTagKeys, calling);
    const sourceIdentity = input.SourceIdentity ?? calling?.sourceIdentity;
    const assumedRoleId = `${role.roleId}:${input.RoleSessionName}`;
    const arn = `arn:aws:sts::${target.account}:assumed-role/${target.roleName}/${input.RoleSessionName}`;
    const credentials = issueCredentials(this.#deps.credentials, {
      account: target.account,
      principalArn: arn,
      principalId: assumedRoleId,
      kind: 'assumed-role',
      durationSeconds: duration,
      now: this.#deps.clock.now(),
      session: { transitiveTags, ...(sourceIdentity ? { sourceIdentity } : {}) },
    });
    const output: T.AssumeRoleResponse = {
      Credentials: credentials,
      AssumedRoleUser: { AssumedRoleId: assumedRoleId, Arn: arn },
    };
    if (input.Policy || input.PolicyArns?.length || input.Tags?.length) {
      output.PackedPolicySize = packedPolicySize(input.Policy, input.PolicyArns?.length ?? 0, input.Tags);
    }
    if (sourceIdentity) output.SourceIdentity = sourceIdentity;
    return output;
  }

  async assumeRoleWithWebIdentity(
    _ctx: RequestContext,
    input: T.AssumeRoleWithWebIdentityRequest,
  ): Promise<T.AssumeRoleWithWebIdentityResponse> {
    const target = roleTarget(input.RoleArn);
    const role = await this.#role(target.account, target.roleName, input.RoleArn);
    const now = this.#deps.clock.now();
    const token = readWebIdentityToken(input.WebIdentityToken, now);
    const duration = input.DurationSeconds ?? 3600;
    if (duration > role.maxSessionDuration) {
      throw new ValidationError('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    }
    checkSessionPolicy(input.Policy);
    const assumedRoleId = `${role.roleId}:${input.RoleSessionName}`;
    const arn = `arn:aws:sts::${target.account}:assumed-role/${target.roleName}/${input.RoleSessionName}`;
    const credentials = issueCredentials(this.#deps.credentials, {
      account: target.account,
      principalArn: arn,
      principalId: assumedRoleId,
      kind: 'assumed-role',
      durationSeconds: duration,
      now,
      session: {},
    });
    const output: T.AssumeRoleWithWebIdentityResponse = {
      Credentials: credentials,
      SubjectFromWebIdentityToken: token.subject,
      AssumedRoleUser: { AssumedRoleId: assumedRoleId, Arn: arn },
      Provider: input.ProviderId ?? token.provider,
      Audience: token.audience,
    };
    if (input.Policy || input.PolicyArns?.length) {
      output.PackedPolicySize = packedPolicySize(input.Policy, input.PolicyArns?.length ?? 0, undefined);
    }
    return output;
  }

  getSessionToken(ctx: RequestContext, input: T.GetSessionTokenRequest): T.GetSessionTokenResponse {
    this.#refuseSessionCredentials(ctx, 'GetSessionToken');
    const caller = ctx.caller;
    const credentials = issueCredentials(this.#deps.credentials, {
      account: caller.account,
      principalArn: caller.arn,
      principalId: caller.userId,
      kind: caller.kind,
      durationSeconds: longSessionDuration(ctx, input.DurationSeconds),
      now: this.#deps.clock.now(),
    });
    return { Credentials: credentials };
  }

  getFederationToken(ctx: RequestContext, input: T.GetFederationTokenRequest): T.GetFederationTokenResponse {
    this.#refuseSessionCredentials(ctx, 'GetFederationToken');
    checkSessionPolicy(input.Policy);
    const account = ctx.caller.account;
    const federatedUserId = `${account}:${input.Name}`;
    const arn = `arn:aws:sts::${account}:federated-user/${input.Name}`;
    const credentials = issueCredentials(this.#deps.credentials, {
      account,
      principalArn: arn,
      principalId: federatedUserId,
      kind: 'federated-user',
      durationSeconds: longSessionDuration(ctx, input.DurationSeconds),
      now: this.#deps.clock.now(),
      session: {},
    });
    // AWS reports a packed size even without policies: 0 (test_sts.snapshot.json, test_get_federation_token).
    const packed =
      input.Policy || input.PolicyArns?.length || input.Tags?.length
        ? packedPolicySize(input.Policy, input.PolicyArns?.length ?? 0, input.Tags)
        : 0;
    return {
      Credentials: credentials,
      FederatedUser: { FederatedUserId: federatedUserId, Arn: arn },
      PackedPolicySize: packed,
    };
  }

  /** GetSessionToken and GetFederationToken need long-term credentials. */
  #refuseSessionCredentials(ctx: RequestContext, operation: string): void {
    const record = ctx.caller.accessKeyId ? this.#deps.credentials.get(ctx.caller.accessKeyId) : undefined;
    if (record?.sessionToken) throw new AccessDenied(`Cannot call ${operation} with session credentials`);
  }

  #callingSession(ctx: RequestContext) {
    if (!ctx.caller.accessKeyId) return null;
    return this.#deps.credentials.get(ctx.caller.accessKeyId)?.session ?? null;
  }

  async #role(
    account: string,
    roleName: string,
    roleArn: string,
  ): Promise<{ roleId: string; maxSessionDuration: number }> {
    const iam = (await this.#deps.provider('iam')) as Provider & Partial<IamRoleLookup>;
    const role = iam.findRole?.(account, roleName);
    if (role) return { roleId: role.RoleId, maxSessionDuration: role.MaxSessionDuration };
    return { roleId: stableRoleId(roleArn), maxSessionDuration: 43_200 };
  }
}

/** GetSessionToken/GetFederationToken: 12 hours by default; sessions of the account root last at most one hour. */
function longSessionDuration(ctx: RequestContext, requested: number | undefined): number {
  const duration = requested ?? defaultLongSession;
  return ctx.caller.kind === 'root' ? Math.min(duration, rootSessionLimit) : duration;
}

function checkSessionPolicy(policy: string | undefined): void {
  if (policy === undefined) return;
  try {
    const document: unknown = JSON.parse(policy);
    if (document === null || typeof document !== 'object' || Array.isArray(document)) throw new Error('not an object');
  } catch {
    throw new MalformedPolicyDocumentException('The policy is not in the valid JSON format.');
  }
}

/** The id of a role IAM does not know: AROA and 17 characters derived from its ARN, so it is stable. */
function stableRoleId(roleArn: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const digest = createHash('sha256').update(roleArn).digest();
  let id = 'AROA';
  for (let i = 0; i < 17; i++) id += alphabet[(digest[i] as number) & 31];
  return id;
}

export function createProvider(deps: ServiceDeps): StsProvider {
  return new StsProvider(deps);
}
