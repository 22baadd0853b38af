/**
 * Versions of managed policies: CreatePolicyVersion, GetPolicyVersion, ListPolicyVersions,
 * DeletePolicyVersion, SetDefaultPolicyVersion. A policy keeps at most 5 versions; the default
 * one is deleted only with the policy. AWS managed policies show their default version only.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html
 */
import { LimitExceededException } from '../../generated/iam/errors.js';
import type { IamOperations } from '../../generated/iam/operations.js';
import type * as T from '../../generated/iam/types.js';
import type { RequestContext } from '../service-types.js';
import { conflictTexts, deleteConflict, policyNotFound, policyVersionNotFound } from './errors.js';
import { pageInMemory } from './pagination.js';
import { checkManagedPolicyDocument, localPolicy, ownPolicyArn } from './policies.js';
import { findPolicy, type ResolvedPolicy } from './policy-lookup.js';
import type { IamState } from './state.js';
import type { PolicyRow, PolicyVersionRow } from './store.js';
import { encodePolicyDocument } from './url-encoding.js';

const versionsPerPolicy = 5;

/** `v3` is 3; ids of other forms (the model allows `v1.x`) name no version Nimbus makes. */
function versionNumber(versionId: string): number | undefined {
  const match = /^v([1-9][0-9]*)$/.exec(versionId);
  return match ? Number(match[1]) : undefined;
}

interface Version {
  number: number;
  document: string;
  createdAt: number;
  isDefault: boolean;
}

function versionsOf(state: IamState, policy: ResolvedPolicy): Version[] {
  if (policy.kind === 'aws') {
    const { spec } = policy;
    return [
      {
        number: spec.version,
        document: JSON.stringify(spec.document, null, 4),
        createdAt: Date.parse(spec.updateDate),
        isDefault: true,
      },
    ];
  }
  const row = policy.row;
  return state.store.policyVersions(row.account, row.name_key).map((version: PolicyVersionRow) => ({
    number: version.version,
    document: version.document,
    createdAt: version.created_at,
    isDefault: version.version === row.default_version,
  }));
}

function versionOutput(version: Version, withDocument: boolean): T.PolicyVersion {
  const output: T.PolicyVersion = {
    VersionId: `v${version.number}`,
    IsDefaultVersion: version.isDefault,
    CreateDate: new Date(version.createdAt),
  };
  if (withDocument) output.Document = encodePolicyDocument(version.document);
  return output;
}

/** A version of a customer managed policy, or "Policy X version vN does not exist or is not attachable.". */
function existingVersion(state: IamState, row: PolicyRow, versionId: string): number {
  const number = versionNumber(versionId);
  if (number === undefined || !state.store.policyVersion(row.account, row.name_key, number)) {
    throw policyVersionNotFound(row.arn, versionId);
  }
  return number;
}

export function policyVersionOperations(state: IamState) {
  const { store } = state;
  return {
    createPolicyVersion(ctx, input) {
      const row = localPolicy(state, ctx.account, input.PolicyArn);
      checkManagedPolicyDocument(input.PolicyDocument);
      if (store.policyVersions(ctx.account, row.name_key).length >= versionsPerPolicy) {
        throw new LimitExceededException(
          `A managed policy can have up to ${versionsPerPolicy} versions. Before you create a new version, you must delete an existing version.`,
        );
      }
      const now = state.now();
      const number = row.next_version;
      const isDefault = input.SetAsDefault === true;
      store.transaction(() => {
        store.insertPolicyVersion(ctx.account, row.name_key, {
          version: number,
          document: input.PolicyDocument,
          created_at: now,
        });
        store.updatePolicyVersions(
          ctx.account,
          row.id,
          isDefault ? number : row.default_version,
          number + 1,
          isDefault ? now : row.updated_at,
        );
      });
      return { PolicyVersion: versionOutput({ number, document: '', createdAt: now, isDefault }, false) };
    },

    getPolicyVersion(ctx, input) {
      const policy = findPolicy(state, ctx.account, input.PolicyArn);
      const number = versionNumber(input.VersionId);
      const version = policy ? versionsOf(state, policy).find((item) => item.number === number) : undefined;
      if (!version) throw policyVersionNotFound(input.PolicyArn, input.VersionId);
      return { PolicyVersion: versionOutput(version, true) };
    },

    listPolicyVersions(ctx, input) {
      const policy = findPolicy(state, ctx.account, input.PolicyArn);
      if (!policy) throw policyNotFound(input.PolicyArn);
      const versions = versionsOf(state, policy);
      const key = (version: Version) => String(version.number);
      const { items, info } = pageInMemory(versions, input.MaxItems, input.Marker, 'policy-versions', key);
      return { Versions: items.map((version) => versionOutput(version, false)), ...info };
    },

    deletePolicyVersion(ctx, input) {
      ownPolicyArn(
        ctx.account,
        input.PolicyArn,
        'Cannot delete policy versions for policies outside your own account.',
      );
      const row = localPolicy(state, ctx.account, input.PolicyArn);
      const number = existingVersion(state, row, input.VersionId);
      if (number === row.default_version) throw deleteConflict(conflictTexts.defaultVersion);
      store.deletePolicyVersion(ctx.account, row.name_key, number);
    },

    setDefaultPolicyVersion(ctx, input) {
      ownPolicyArn(ctx.account, input.PolicyArn, 'Cannot update policies outside your own account.');
      const policy = findPolicy(state, ctx.account, input.PolicyArn);
      if (policy?.kind !== 'local') throw policyVersionNotFound(input.PolicyArn, input.VersionId);
      const number = existingVersion(state, policy.row, input.VersionId);
      store.updatePolicyVersions(ctx.account, policy.row.id, number, policy.row.next_version, state.now());
    },
  } satisfies Partial<IamOperations<RequestContext>>;
}
