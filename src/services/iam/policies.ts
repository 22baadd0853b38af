/**
 * Managed policies: CreatePolicy, GetPolicy, DeletePolicy, ListPolicies and policy tags. Customer
 * managed policies live in the store; AWS managed ones are the shipped set, the same in every
 * account, with AttachmentCount counted per account.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_Policy.html
 */
import { parseArn } from '../../core/arns.js';
import { newUniqueId } from '../../core/ids.js';
import type { IamOperations } from '../../generated/iam/operations.js';
import type * as T from '../../generated/iam/types.js';
import type { RequestContext } from '../service-types.js';
import type { AwsManagedPolicy } from './aws-managed-policies.js';
import {
  accessDenied,
  conflictTexts,
  deleteConflict,
  invalidArn,
  policyExists,
  policyNotFound,
  quotaExceeded,
} from './errors.js';
import { decodeMarker, page, pageInMemory, pageSize } from './pagination.js';
import { checkIdentityPolicy, policySize } from './policy-document.js';
import { awsPoliciesByName, awsPolicyArn, awsPolicyId, findPolicy, type ResolvedPolicy } from './policy-lookup.js';
import { type IamState, iamArn } from './state.js';
import type { PolicyRow } from './store.js';
import { checkTags, exactTags, mergeTags, parseTags, removeTags } from './tags.js';

/** https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html ("Managed policy length: 6,144 characters"). */
const managedPolicySizeLimit = 6144;

/** A managed policy document within the grammar and the size quota. */
export function checkManagedPolicyDocument(document: string): void {
  checkIdentityPolicy(document);
  if (policySize(document) > managedPolicySizeLimit) throw quotaExceeded('PolicySize', managedPolicySizeLimit);
}

/** The members ListPolicies gives (no Description, no Tags). */
function localPolicySummary(state: IamState, row: PolicyRow): T.Policy {
  return {
    PolicyName: row.name,
    PolicyId: row.id,
    Arn: row.arn,
    Path: row.path,
    DefaultVersionId: `v${row.default_version}`,
    AttachmentCount: state.store.attachmentCount(row.account, row.arn),
    PermissionsBoundaryUsageCount: state.store.boundaryUsageCount(row.account, row.arn),
    IsAttachable: true,
    CreateDate: new Date(row.created_at),
    UpdateDate: new Date(row.updated_at),
  };
}

function awsPolicySummary(state: IamState, account: string, spec: AwsManagedPolicy): T.Policy {
  const arn = awsPolicyArn(spec);
  return {
    PolicyName: spec.name,
    PolicyId: awsPolicyId(arn),
    Arn: arn,
    Path: spec.path,
    DefaultVersionId: `v${spec.version}`,
    AttachmentCount: state.store.attachmentCount(account, arn),
    PermissionsBoundaryUsageCount: state.store.boundaryUsageCount(account, arn),
    IsAttachable: true,
    CreateDate: new Date(spec.createDate),
    UpdateDate: new Date(spec.updateDate),
  };
}

/** GetPolicy: the summary, the description, and the tags (an empty list when there are none). */
function policyDetail(state: IamState, account: string, policy: ResolvedPolicy): T.Policy {
  if (policy.kind === 'aws') {
    return { ...awsPolicySummary(state, account, policy.spec), Description: policy.spec.description, Tags: [] };
  }
  const detail = localPolicySummary(state, policy.row);
  if (policy.row.description !== null) detail.Description = policy.row.description;
  detail.Tags = parseTags(policy.row.tags);
  return detail;
}

/** A customer managed policy of the caller's account, or NoSuchEntity "Policy X was not found.". */
export function localPolicy(state: IamState, account: string, arn: string): PolicyRow {
  const policy = findPolicy(state, account, arn);
  if (policy?.kind !== 'local') throw policyNotFound(arn);
  return policy.row;
}

/** Changing another account's policies (AWS managed ones included) is refused (LocalStack's texts). */
export function ownPolicyArn(account: string, arn: string, message: string): void {
  const parts = parseArn(arn);
  if (!parts) throw invalidArn();
  if (parts.account !== account) throw accessDenied(message);
}

interface ListedPolicy {
  key: string;
  policy: T.Policy;
}

/**
 * ListPolicies: customer managed policies first, then AWS managed ones, each in name order
 * (LocalStack's order; AWS's is not documented). The marker says which of the two it stopped in.
 */
function listPolicies(state: IamState, account: string, input: T.ListPoliciesRequest) {
  const scope = input.Scope ?? 'All';
  const prefix = input.PathPrefix ?? '/';
  const size = pageSize(input.MaxItems);
  const after = decodeMarker('policies', input.Marker);
  // PolicyUsageFilter narrows OnlyAttached: attached as a permissions policy, or used as a boundary.
  const attachedOnly = input.OnlyAttached
    ? input.PolicyUsageFilter === 'PermissionsBoundary'
      ? ('boundary' as const)
      : ('permissions' as const)
    : undefined;
  const listed: ListedPolicy[] = [];
  if (scope !== 'AWS' && !after.startsWith('A:')) {
    const afterKey = after.startsWith('L:') ? after.slice(2) : '';
    for (const row of state.store.listPolicies(account, prefix, attachedOnly, afterKey, size + 1)) {
      listed.push({ key: `L:${row.name_key}`, policy: localPolicySummary(state, row) });
    }
  }
  if (scope !== 'Local' && listed.length <= size) {
    const afterName = after.startsWith('A:') ? after.slice(2) : '';
    for (const spec of awsPoliciesByName) {
      if (listed.length > size) break;
      const key = spec.name.toLowerCase();
      if (key <= afterName || !spec.path.startsWith(prefix)) continue;
      const summary = awsPolicySummary(state, account, spec);
      if (attachedOnly === 'permissions' && summary.AttachmentCount === 0) continue;
      if (attachedOnly === 'boundary' && summary.PermissionsBoundaryUsageCount === 0) continue;
      listed.push({ key: `A:${key}`, policy: summary });
    }
  }
  const { rows, info } = page(listed, size, 'policies', (item) => item.key);
  return { Policies: rows.map((item) => item.policy), ...info };
}

export function policyOperations(state: IamState) {
  const { store } = state;
  return {
    createPolicy(ctx, input) {
      checkManagedPolicyDocument(input.PolicyDocument);
      const tags = checkTags(input.Tags, exactTags);
      const nameKey = input.PolicyName.toLowerCase();
      if (store.find('iam_policies', ctx.account, nameKey)) throw policyExists(input.PolicyName);
      const path = input.Path ?? '/';
      const now = state.now();
      const row: PolicyRow = {
        account: ctx.account,
        name_key: nameKey,
        name: input.PolicyName,
        id: newUniqueId('ANPA'),
        path,
        arn: iamArn(ctx.account, 'policy', path, input.PolicyName),
        description: input.Description ?? null,
        default_version: 1,
        next_version: 2,
        created_at: now,
        updated_at: now,
        tags: JSON.stringify(tags),
      };
      store.transaction(() => {
        store.insert('iam_policies', row);
        store.insertPolicyVersion(ctx.account, nameKey, {
          version: 1,
          document: input.PolicyDocument,
          created_at: now,
        });
      });
      // CreatePolicy leaves out the description (GetPolicy has it) and tags it was not given.
      const policy = localPolicySummary(state, row);
      if (tags.length > 0) policy.Tags = tags;
      return { Policy: policy };
    },

    getPolicy(ctx, input) {
      const policy = findPolicy(state, ctx.account, input.PolicyArn);
      if (!policy) throw policyNotFound(input.PolicyArn);
      return { Policy: policyDetail(state, ctx.account, policy) };
    },

    deletePolicy(ctx, input) {
      ownPolicyArn(ctx.account, input.PolicyArn, 'Cannot delete policies outside your own account.');
      const row = localPolicy(state, ctx.account, input.PolicyArn);
      if (store.attachmentCount(ctx.account, row.arn) > 0 || store.boundaryUsageCount(ctx.account, row.arn) > 0) {
        throw deleteConflict(conflictTexts.attachedPolicy);
      }
      if (store.policyVersions(ctx.account, row.name_key).length > 1)
        throw deleteConflict(conflictTexts.policyVersions);
      store.transaction(() => store.deletePolicy(ctx.account, row.name_key));
    },

    listPolicies: (ctx, input) => listPolicies(state, ctx.account, input),

    tagPolicy(ctx, input) {
      const row = localPolicy(state, ctx.account, input.PolicyArn);
      const tags = mergeTags(parseTags(row.tags), input.Tags, exactTags);
      store.setTags('iam_policies', ctx.account, row.id, JSON.stringify(tags));
    },

    untagPolicy(ctx, input) {
      const row = localPolicy(state, ctx.account, input.PolicyArn);
      const tags = removeTags(parseTags(row.tags), input.TagKeys, exactTags);
      store.setTags('iam_policies', ctx.account, row.id, JSON.stringify(tags));
    },

    listPolicyTags(ctx, input) {
      const row = localPolicy(state, ctx.account, input.PolicyArn);
      const { items, info } = pageInMemory(
        parseTags(row.tags),
        input.MaxItems,
        input.Marker,
        'policy-tags',
        (t) => t.Key,
      );
      return { Tags: items, ...info };
    },
  } satisfies Partial<IamOperations<RequestContext>>;
}
