/**
 * Resource-based policies: AddPermission, RemovePermission, GetPolicy.
 * https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html
 *
 * A policy belongs to what its qualifier names: the function (no qualifier), a version or an
 * alias, each with a policy of its own (test_lambda_permission_fn_versioning). Its RevisionId is
 * that target's: adding or removing a statement gives the target a new one (GetFunction shows
 * the policy's RevisionId: test_lambda_permission_revisions). Statements are built as AWS
 * builds them (test_add_lambda_permission_fields): a 12-digit principal becomes the account's
 * root ARN, a service name `{"Service": ...}`, `*` stays a string; conditions are
 * StringEquals (source account, event source token, URL auth type, organization) then ArnLike
 * (source ARN). Texts: shared/aws-reference/recorded-responses/services/lambda_/
 * test_lambda_api.snapshot.json, TestLambdaPermissions.
 */
import {
  PreconditionFailedException,
  ResourceConflictException,
  ResourceNotFoundException,
} from '../../generated/lambda/errors.js';
import type { LambdaOperations } from '../../generated/lambda/operations.js';
import type * as T from '../../generated/lambda/types.js';
import type { RequestContext } from '../service-types.js';
import { newRevisionId } from './config.js';
import { functionNotFound, invalidParameter, revisionMismatch } from './errors.js';
import { type FunctionRef, functionArn, latest, parseFunctionRef } from './names.js';
import type { PolicyStatement } from './published-store.js';
import type { LambdaState } from './state.js';
import type { StoredFunction } from './store.js';
import { isVersionNumber } from './versions.js';

const aliasNamePattern = /^[a-zA-Z0-9-_]+$/;

function notFound(message: string): ResourceNotFoundException {
  return new ResourceNotFoundException(message, { Type: 'User', Message: message });
}

const resourceMissing = () => notFound('The resource you requested does not exist.');

/** What a policy operation names: the function, a version or an alias, with its RevisionId. */
interface PolicyTarget {
  fn: StoredFunction;
  /** '' for the function itself. */
  qualifier: string;
  arn: string;
  revisionId: string | undefined;
  /** Gives the target a new RevisionId, in the caller's transaction. */
  touch(): void;
}

type Missing = 'function' | 'version' | 'alias';

function findTarget(
  state: LambdaState,
  ref: FunctionRef,
  onMissing: (what: Missing, arn: string) => never,
): PolicyTarget {
  const fn = state.store.get(ref.account, ref.region, ref.name);
  if (!fn) onMissing('function', functionArn(ref.account, ref.region, ref.name));
  const found = fn as StoredFunction;
  const qualifier = ref.qualifier;
  if (qualifier === undefined) {
    return {
      fn: found,
      qualifier: '',
      arn: functionArn(found.account, found.region, found.name),
      revisionId: found.config.RevisionId,
      touch: () => {
        const current = state.store.get(found.account, found.region, found.name) as StoredFunction;
        state.store.update({ ...current, config: { ...current.config, RevisionId: newRevisionId() } });
      },
    };
  }
  const arn = functionArn(found.account, found.region, found.name, qualifier);
  if (isVersionNumber(qualifier)) {
    const version = state.published.version(found.account, found.region, found.name, Number(qualifier));
    if (!version) onMissing('version', arn);
    const stored = version as NonNullable<typeof version>;
    return {
      fn: found,
      qualifier,
      arn,
      revisionId: stored.config.RevisionId,
      touch: () =>
        state.published.putVersion(found.account, found.region, found.name, {
          ...stored,
          config: { ...stored.config, RevisionId: newRevisionId() },
        }),
    };
  }
  const alias = aliasNamePattern.test(qualifier)
    ? state.published.alias(found.account, found.region, found.name, qualifier)
    : undefined;
  // test_permission_exceptions `add_permission_fn_qualifier_valid_doesnotexist`: a qualifier that
  // cannot be an alias name is a missing version.
  if (!alias) onMissing(aliasNamePattern.test(qualifier) ? 'alias' : 'version', arn);
  const stored = alias as T.AliasConfiguration;
  return {
    fn: found,
    qualifier,
    arn,
    revisionId: stored.RevisionId,
    touch: () =>
      state.published.putAlias(found.account, found.region, found.name, { ...stored, RevisionId: newRevisionId() }),
  };
}

/** AWS's way of writing a principal into a statement; undefined for one it refuses. */
function principalOf(principal: string): PolicyStatement['Principal'] | undefined {
  if (principal === '*') return '*';
  if (/^\d{12}$/.test(principal)) return { AWS: `arn:aws:iam::${principal}:root` };
  if (/^arn:aws[a-zA-Z-]*:(iam|sts)::\d{12}:.+$/.test(principal)) return { AWS: principal };
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)*\.(amazonaws\.com|amazon\.com|amazonaws\.com\.cn)$/.test(principal)) {
    return { Service: principal };
  }
  return undefined;
}

function statementOf(input: T.AddPermissionRequest, resource: string): PolicyStatement {
  const principal = principalOf(input.Principal);
  if (principal === undefined) {
    throw invalidParameter('The provided principal was invalid. Please check the principal and try again.');
  }
  const statement: PolicyStatement = {
    Sid: input.StatementId,
    Effect: 'Allow',
    Principal: principal,
    Action: input.Action,
    Resource: resource,
  };
  const equals: Record<string, string> = {};
  if (input.SourceAccount !== undefined) equals['AWS:SourceAccount'] = input.SourceAccount;
  if (input.EventSourceToken !== undefined) equals['lambda:EventSourceToken'] = input.EventSourceToken;
  if (input.FunctionUrlAuthType !== undefined) equals['lambda:FunctionUrlAuthType'] = input.FunctionUrlAuthType;
  if (input.PrincipalOrgID !== undefined) equals['aws:PrincipalOrgID'] = input.PrincipalOrgID;
  const condition: Record<string, Record<string, string>> = {};
  if (Object.keys(equals).length > 0) condition.StringEquals = equals;
  if (input.SourceArn !== undefined) condition.ArnLike = { 'AWS:SourceArn': input.SourceArn };
  if (Object.keys(condition).length > 0) statement.Condition = condition;
  return statement;
}

/**
 * A RevisionId that does not match. Where the target has no policy yet AWS names GetPolicy
 * (test_function_revisions_permissions, test_lambda_permission_fn_versioning), where it has one
 * GetFunction/GetAlias (test_lambda_permission_revisions); which case is which is our reading.
 */
function policyRevisionMismatch(hasPolicy: boolean): PreconditionFailedException {
  if (hasPolicy) return revisionMismatch();
  return new PreconditionFailedException(
    'The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id',
    { Type: 'User' },
  );
}

export function policyDocument(statements: PolicyStatement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements });
}

/** An IAM wildcard pattern (`*`, `?`) as a regular expression. */
function globMatches(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(value);
}

/**
 * Whether the policy of what `functionArn` names lets a service principal invoke it from
 * `sourceArn` (and `sourceAccount`): an Allow statement for lambda:InvokeFunction whose
 * principal is `*` or that service and whose source conditions hold.
 */
export function policyAllowsInvoke(
  state: LambdaState,
  functionArnText: string,
  principal: string,
  sourceArn: string | undefined,
  sourceAccount: string | undefined,
): boolean {
  const match = /^arn:aws[\w-]*:lambda:([a-z0-9-]+):(\d{12}):function:([^:]+)(?::([^:]+))?$/.exec(functionArnText);
  if (!match) return false;
  const [, region, account, name, qualifier] = match as unknown as [string, string, string, string, string?];
  const statements = state.published.policy(account, region, name, qualifier ?? '') ?? [];
  return statements.some((statement) => {
    if (statement.Effect !== 'Allow') return false;
    const actions = ([] as unknown[]).concat(statement.Action);
    if (!actions.some((action) => action === 'lambda:InvokeFunction' || action === 'lambda:*' || action === '*')) {
      return false;
    }
    const who = statement.Principal as string | { Service?: string | string[] } | undefined;
    const services = typeof who === 'object' ? ([] as unknown[]).concat(who.Service ?? []) : [];
    if (who !== '*' && !services.includes(principal)) return false;
    const condition = (statement.Condition ?? {}) as Record<string, Record<string, string>>;
    const arnLike = condition.ArnLike?.['AWS:SourceArn'] ?? condition.ArnEquals?.['AWS:SourceArn'];
    if (arnLike !== undefined && (sourceArn === undefined || !globMatches(arnLike, sourceArn))) return false;
    const accountWanted = condition.StringEquals?.['AWS:SourceAccount'];
    if (accountWanted !== undefined && accountWanted !== sourceAccount) return false;
    return true;
  });
}

export function permissionOperations(state: LambdaState) {
  return {
    addPermission(ctx, input) {
      const ref = parseFunctionRef(ctx, input.FunctionName, input.Qualifier);
      if (ref.qualifier === latest) throw invalidParameter('We currently do not support adding policies for $LATEST.');
      return state.store.transaction(() => {
        const target = findTarget(state, ref, (what, arn) => {
          if (what === 'alias') throw notFound(`Cannot find alias arn: ${arn}`);
          throw functionNotFound(arn);
        });
        const statements = state.published.policy(
          target.fn.account,
          target.fn.region,
          target.fn.name,
          target.qualifier,
        );
        if (input.RevisionId !== undefined && input.RevisionId !== target.revisionId) {
          throw policyRevisionMismatch(statements !== undefined);
        }
        const statement = statementOf(input, target.arn);
        if (statements?.some((each) => each.Sid === input.StatementId)) {
          throw new ResourceConflictException(
            `The statement id (${input.StatementId}) provided already exists. Please provide a new statement id, or remove the existing statement.`,
            { Type: 'User' },
          );
        }
        state.published.putPolicy(target.fn.account, target.fn.region, target.fn.name, target.qualifier, [
          ...(statements ?? []),
          statement,
        ]);
        target.touch();
        return { Statement: JSON.stringify(statement) };
      });
    },

    removePermission(ctx, input) {
      const ref = parseFunctionRef(ctx, input.FunctionName, input.Qualifier);
      state.store.transaction(() => {
        const target = findTarget(state, ref, (what, arn) => {
          // test_permission_exceptions `remove_permission_fn_doesnotexist`, `..._alias_doesnotexist`.
          if (what === 'function') throw notFound(`No policy found for: ${arn}`);
          if (what === 'alias') throw notFound(`Cannot find alias arn: ${arn}`);
          throw functionNotFound(arn);
        });
        const statements = state.published.policy(
          target.fn.account,
          target.fn.region,
          target.fn.name,
          target.qualifier,
        );
        if (!statements) throw notFound('No policy is associated with the given resource.');
        if (input.RevisionId !== undefined && input.RevisionId !== target.revisionId) throw revisionMismatch();
        if (!statements.some((each) => each.Sid === input.StatementId)) {
          throw notFound(`Statement ${input.StatementId} is not found in resource policy.`);
        }
        state.published.putPolicy(
          target.fn.account,
          target.fn.region,
          target.fn.name,
          target.qualifier,
          statements.filter((each) => each.Sid !== input.StatementId),
        );
        target.touch();
      });
    },

    getPolicy(ctx, input) {
      const ref = parseFunctionRef(ctx, input.FunctionName, input.Qualifier);
      const target = findTarget(state, ref.qualifier === latest ? { ...ref, qualifier: undefined } : ref, () => {
        throw resourceMissing();
      });
      const statements = state.published.policy(target.fn.account, target.fn.region, target.fn.name, target.qualifier);
      // test_remove_multi_permissions `get_policy_exception_removed_all`.
      if (!statements) throw resourceMissing();
      return { Policy: policyDocument(statements), RevisionId: target.revisionId ?? '' };
    },
  } satisfies Partial<LambdaOperations<RequestContext>>;
}
