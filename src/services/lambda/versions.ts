/**
 * Versions and qualifiers. https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html
 *
 * A published version is an immutable copy of `$LATEST`'s configuration and code; its number
 * is never reused. What a qualifier names (resolveTarget): nothing or `$LATEST` is the function's
 * row, digits a version, anything else an alias (aliases.ts), which names a version (and, for
 * Invoke, maybe a second one by weight). Recorded behaviour (shared/aws-reference/
 * recorded-responses/services/lambda_/test_lambda_api.snapshot.json, TestLambdaVersions):
 * - PublishVersion answers the version Active and Successful; the Description it is given
 *   replaces $LATEST's in the version; publishing gives $LATEST a new RevisionId
 *   (test_version_lifecycle);
 * - with code and configuration unchanged since the last version, it answers that version
 *   again and publishes nothing (test_publish_version_on_create `repeated_publish_response`);
 * - `Publish: true` on CreateFunction and UpdateFunctionCode answers the new version as a
 *   pending one (test_publish_version_on_create, test_publish_with_update).
 */
import type { LambdaOperations } from '../../generated/lambda/operations.js';
import type * as T from '../../generated/lambda/types.js';
import type { RequestContext } from '../service-types.js';
import { newRevisionId } from './config.js';
import { functionNotFound, invalidParameter, revisionMismatch } from './errors.js';
import { type FunctionRef, functionArn, latest, parseFunctionRef } from './names.js';
import type { StoredVersion } from './published-store.js';
import type { LambdaState } from './state.js';
import type { StoredFunction } from './store.js';

const maxListItems = 50;
const versionPattern = /^[0-9]+$/;

/** What a (possibly qualified) function reference names. */
export interface Target {
  /** The function's own row ($LATEST). */
  fn: StoredFunction;
  /** What runs: the row itself, or a version seen as a function (its `version` set). */
  runnable: StoredFunction;
  /** `$LATEST` or a version number. */
  version: string;
  /** The alias the reference named, if it named one. */
  alias?: T.AliasConfiguration;
  /** The ARN as the reference qualified it (unqualified when it named no qualifier). */
  arn: string;
}

export function isVersionNumber(qualifier: string): boolean {
  return versionPattern.test(qualifier);
}

/** A published version as something the pool can run. */
export function versionRunnable(fn: StoredFunction, version: StoredVersion): StoredFunction {
  return {
    account: fn.account,
    region: fn.region,
    name: fn.name,
    config: version.config,
    codeBlob: version.codeBlob,
    generation: 0,
    reservedConcurrency: fn.reservedConcurrency,
    tags: fn.tags,
    version: String(version.version),
  };
}

/** The version an alias sends one invocation to: its own, or by weight the other one. */
export function pickAliasVersion(alias: T.AliasConfiguration, random: number = Math.random()): string {
  const weights = Object.entries(alias.RoutingConfig?.AdditionalVersionWeights ?? {});
  let at = 0;
  for (const [version, weight] of weights) {
    at += weight;
    if (random < at) return version;
  }
  return alias.FunctionVersion ?? latest;
}

/**
 * Resolves a reference; throws AWS's "Function not found: <arn with the qualifier>" for a
 * missing function, version or alias (test_ops_on_nonexisting_version, test_alias_lifecycle).
 * `forInvoke` picks an alias's version by its weights; otherwise its main version.
 */
export function resolveRef(state: LambdaState, ref: FunctionRef, forInvoke = false, suffixLatest = false): Target {
  const fn = state.store.get(ref.account, ref.region, ref.name);
  const qualifier = ref.qualifier;
  const asked = functionArn(ref.account, ref.region, ref.name, qualifier ?? (suffixLatest ? latest : undefined));
  if (!fn) throw functionNotFound(asked);
  if (qualifier === undefined || qualifier === latest) {
    return { fn, runnable: fn, version: latest, arn: functionArn(fn.account, fn.region, fn.name, qualifier) };
  }
  let alias: T.AliasConfiguration | undefined;
  let version = qualifier;
  if (!isVersionNumber(qualifier)) {
    alias = state.published.alias(fn.account, fn.region, fn.name, qualifier);
    if (!alias) throw functionNotFound(asked);
    version = forInvoke ? pickAliasVersion(alias) : (alias.FunctionVersion ?? latest);
  }
  const arn = functionArn(fn.account, fn.region, fn.name, qualifier);
  if (version === latest) return { fn, runnable: fn, version, arn, ...(alias ? { alias } : {}) };
  const stored = state.published.version(fn.account, fn.region, fn.name, Number(version));
  if (!stored) throw functionNotFound(asked);
  return { fn, runnable: versionRunnable(fn, stored), version, arn, ...(alias ? { alias } : {}) };
}

export function resolveTarget(
  state: LambdaState,
  ctx: RequestContext,
  name: string,
  qualifier?: string,
  forInvoke = false,
): Target {
  return resolveRef(state, parseFunctionRef(ctx, name, qualifier), forInvoke, forInvoke);
}

/** The configuration a qualified read shows: an alias's ARN, or `:$LATEST` when asked for by name. */
export function targetConfiguration(target: Target, qualifier: string | undefined): T.FunctionConfiguration {
  const config = target.runnable.config;
  if (target.alias || qualifier === latest) return { ...config, FunctionArn: target.arn };
  return config;
}

/** The configuration fields that make two versions different (what PublishVersion compares). */
function comparable(config: T.FunctionConfiguration): string {
  const {
    FunctionArn: _arn,
    Version: _version,
    RevisionId: _revision,
    LastModified: _modified,
    Description: _description,
    State: _state,
    StateReason: _reason,
    StateReasonCode: _code,
    LastUpdateStatus: _update,
    LastUpdateStatusReason: _updateReason,
    LastUpdateStatusReasonCode: _updateCode,
    ...rest
  } = config;
  return JSON.stringify(rest, Object.keys(rest).sort());
}

export interface PublishInput {
  Description?: string;
  RevisionId?: string;
  CodeSha256?: string;
}

/**
 * Publishes `$LATEST` as a version, in the caller's transaction; answers the version's
 * configuration (an existing one when nothing changed since it was published).
 */
export function publish(state: LambdaState, fn: StoredFunction, input: PublishInput): T.FunctionConfiguration {
  const current = fn.config.CodeSha256 ?? '';
  if (input.CodeSha256 !== undefined && input.CodeSha256 !== current) {
    // test_publish_with_wrong_sha256.
    throw invalidParameter(
      `CodeSHA256 (${input.CodeSha256}) is different from current CodeSHA256 in $LATEST (${current}). Please try again with the CodeSHA256 in $LATEST.`,
    );
  }
  if (input.RevisionId !== undefined && input.RevisionId !== fn.config.RevisionId) throw revisionMismatch();
  const last = state.published.lastVersion(fn.account, fn.region, fn.name);
  if (last && comparable(last.config) === comparable(fn.config)) return last.config;
  const number = state.published.nextVersion(fn.account, fn.region, fn.name);
  const config: T.FunctionConfiguration = {
    ...fn.config,
    FunctionArn: functionArn(fn.account, fn.region, fn.name, String(number)),
    Version: String(number),
    Description: input.Description ?? fn.config.Description ?? '',
    RevisionId: newRevisionId(),
    State: 'Active',
    LastUpdateStatus: 'Successful',
  };
  state.published.putVersion(fn.account, fn.region, fn.name, { version: number, config, codeBlob: fn.codeBlob });
  state.store.update({ ...fn, config: { ...fn.config, RevisionId: newRevisionId() } });
  return config;
}

/** How CreateFunction and UpdateFunctionCode answer with `Publish: true` (a pending version). */
export function pendingVersionView(config: T.FunctionConfiguration, qualifiedArn: boolean): T.FunctionConfiguration {
  const { LastUpdateStatus: _status, ...rest } = config;
  const out: T.FunctionConfiguration = {
    ...rest,
    State: 'Pending',
    StateReason: 'The function is being created.',
    StateReasonCode: 'Creating',
    RevisionId: newRevisionId(),
  };
  if (!qualifiedArn) out.FunctionArn = functionArn(...arnParts(config));
  return out;
}

function arnParts(config: T.FunctionConfiguration): [string, string, string] {
  const match = /^arn:aws[\w-]*:lambda:([a-z0-9-]+):(\d{12}):function:([^:]+)/.exec(config.FunctionArn ?? '');
  return [match?.[2] ?? '', match?.[1] ?? '', match?.[3] ?? ''];
}

/** ListVersionsByFunction shows what ListFunctions shows, with each ARN qualified. */
function listed(config: T.FunctionConfiguration, qualify: boolean): T.FunctionConfiguration {
  const {
    State: _state,
    StateReason: _reason,
    StateReasonCode: _code,
    LastUpdateStatus: _update,
    RuntimeVersionConfig: _runtimeVersion,
    ...rest
  } = config;
  return qualify ? { ...rest, FunctionArn: `${config.FunctionArn}:${latest}` } : rest;
}

export function versionOperations(state: LambdaState) {
  return {
    publishVersion(ctx, input) {
      return state.store.transaction(() => {
        const ref = parseFunctionRef(ctx, input.FunctionName);
        const fn = state.store.get(ref.account, ref.region, ref.name);
        if (!fn || ref.qualifier !== undefined) {
          throw functionNotFound(functionArn(ref.account, ref.region, ref.name, ref.qualifier));
        }
        const input2: PublishInput = {};
        if (input.Description !== undefined) input2.Description = input.Description;
        if (input.RevisionId !== undefined) input2.RevisionId = input.RevisionId;
        if (input.CodeSha256 !== undefined) input2.CodeSha256 = input.CodeSha256;
        return publish(state, fn, input2);
      });
    },

    listVersionsByFunction(ctx, input) {
      const ref = parseFunctionRef(ctx, input.FunctionName);
      const fn = state.store.get(ref.account, ref.region, ref.name);
      if (!fn) throw functionNotFound(functionArn(ref.account, ref.region, ref.name));
      const limit = Math.min(input.MaxItems ?? maxListItems, maxListItems);
      // The marker is the last version shown; `$LATEST` comes first, before version 1.
      const after = input.Marker === undefined ? -1 : Number(Buffer.from(input.Marker, 'base64url').toString('utf8'));
      const items: Array<{ key: number; config: T.FunctionConfiguration }> = [];
      if (after < 0) items.push({ key: 0, config: listed(fn.config, true) });
      for (const version of state.published.versions(fn.account, fn.region, fn.name, Math.max(after, 0), limit + 1)) {
        items.push({ key: version.version, config: listed(version.config, false) });
      }
      const page = items.slice(0, limit);
      const out: T.ListVersionsByFunctionResponse = { Versions: page.map((item) => item.config) };
      const last = page[page.length - 1];
      if (items.length > limit && last) out.NextMarker = Buffer.from(String(last.key), 'utf8').toString('base64url');
      return out;
    },
  } satisfies Partial<LambdaOperations<RequestContext>>;
}
