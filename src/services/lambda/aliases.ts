/**
 * Aliases, and deleting a version. https://docs.aws.amazon.com/lambda/latest/dg/configuration-aliases.html
 *
 * An alias names a version and, with RoutingConfig, one more that gets a share of the
 * invocations (versions.ts `pickAliasVersion`). Texts: shared/aws-reference/recorded-responses/
 * services/lambda_/test_lambda_api.snapshot.json, TestLambdaAlias (test ids below).
 */
import { ValidationException } from '../../errors/common.js';
import {
  InvalidParameterValueException,
  ResourceConflictException,
  ResourceNotFoundException,
} from '../../generated/lambda/errors.js';
import type { LambdaOperations } from '../../generated/lambda/operations.js';
import type * as T from '../../generated/lambda/types.js';
import type { RequestContext } from '../service-types.js';
import { newRevisionId } from './config.js';
import { functionNotFound, invalidParameter, revisionMismatch } from './errors.js';
import { functionArn, latest, parseFunctionRef } from './names.js';
import type { LambdaState } from './state.js';
import type { StoredFunction } from './store.js';
import { isVersionNumber } from './versions.js';

const maxListItems = 50;

function notFound(message: string): ResourceNotFoundException {
  return new ResourceNotFoundException(message, { Type: 'User', Message: message });
}

/** The function an alias operation names (unqualified). */
function aliasFunction(state: LambdaState, ctx: RequestContext, name: string): StoredFunction {
  const ref = parseFunctionRef(ctx, name);
  const fn = state.store.get(ref.account, ref.region, ref.name);
  if (!fn) throw functionNotFound(functionArn(ref.account, ref.region, ref.name));
  return fn;
}

/** Checks that a version exists (or is `$LATEST`), naming it as AWS does when it does not. */
function requireVersion(state: LambdaState, ref: { account: string; region: string; name: string }, version: string) {
  if (version === latest) {
    if (!state.store.get(ref.account, ref.region, ref.name)) {
      throw functionNotFound(functionArn(ref.account, ref.region, ref.name, version));
    }
    return;
  }
  if (!isVersionNumber(version) || !state.published.version(ref.account, ref.region, ref.name, Number(version))) {
    // test_notfound_and_invalid_routingconfigs `target_version_doesnotexist`, `routing_config_exc_fn_doesnotexist`.
    throw functionNotFound(functionArn(ref.account, ref.region, ref.name, version));
  }
}

/** test_notfound_and_invalid_routingconfigs: the checks of a RoutingConfig, in AWS's order. */
function checkRouting(
  state: LambdaState,
  ref: { account: string; region: string; name: string },
  version: string,
  routing: T.AliasRoutingConfiguration | undefined,
): void {
  const weights = routing?.AdditionalVersionWeights;
  if (!weights) return;
  const entries = Object.entries(weights);
  if (entries.length > 1)
    throw invalidParameter('Number of items in AdditionalVersionWeights cannot be greater than 1');
  for (const [key, weight] of entries) {
    if (!isVersionNumber(key)) {
      throw new ValidationException(
        `1 validation error detected: Value '{${key}=${weight}}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [0-9]+]`,
      );
    }
    if (weight < 0 || weight > 1) {
      throw new ValidationException(
        `1 validation error detected: Value '{${key}=${Number.isInteger(weight) ? weight.toFixed(1) : weight}}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]`,
      );
    }
  }
  if (entries.length === 0) return;
  if (version === latest) {
    // Recorded without `Type`.
    throw new InvalidParameterValueException('$LATEST is not supported for an alias pointing to more than 1 version');
  }
  for (const [key] of entries) {
    if (key === version) {
      throw invalidParameter(
        `Invalid function version ${key}. Function version ${key} is already included in routing configuration.`,
      );
    }
    requireVersion(state, ref, key);
  }
}

function aliasNameCheck(name: string): void {
  // test_alias_naming `create_alias_number_exception`: a name of digits alone would read as a version.
  if (isVersionNumber(name)) {
    throw new ValidationException(
      `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)`,
    );
  }
}

/**
 * DeleteFunction with a version qualifier: the version goes, with its policy; an alias that
 * points at it keeps it (not recorded: AWS's text as the AWS CLI shows it).
 */
export function deleteVersion(state: LambdaState, fn: StoredFunction, qualifier: string): { StatusCode: number } {
  if (!isVersionNumber(qualifier)) {
    throw invalidParameter('Deletion of aliases is not supported. Please use the DeleteAlias API.');
  }
  const stored = state.published.version(fn.account, fn.region, fn.name, Number(qualifier));
  if (!stored) return { StatusCode: 204 };
  const blobInUse = state.store.transaction(() => {
    if (state.published.versionInAlias(fn.account, fn.region, fn.name, qualifier)) {
      throw new ResourceConflictException(
        `Unable to delete version because the following aliases reference it: ${functionArn(fn.account, fn.region, fn.name, qualifier)}`,
        { Type: 'User' },
      );
    }
    state.published.deleteVersion(fn.account, fn.region, fn.name, Number(qualifier));
    state.settings.forgetVersion(fn.account, fn.region, fn.name, qualifier);
    return state.published.blobInUse(stored.codeBlob);
  });
  state.pool.stopFunction(fn.account, fn.region, fn.name, qualifier);
  if (!blobInUse) void state.deps.blobs.delete(stored.codeBlob).catch(() => {});
  return { StatusCode: 204 };
}

export function aliasOperations(state: LambdaState) {
  return {
    createAlias(ctx, input) {
      aliasNameCheck(input.Name);
      return state.store.transaction(() => {
        const ref = parseFunctionRef(ctx, input.FunctionName);
        requireVersion(state, ref, input.FunctionVersion);
        const fn = state.store.get(ref.account, ref.region, ref.name) as StoredFunction;
        checkRouting(state, ref, input.FunctionVersion, input.RoutingConfig);
        const aliasArn = functionArn(fn.account, fn.region, fn.name, input.Name);
        if (state.published.alias(fn.account, fn.region, fn.name, input.Name)) {
          throw new ResourceConflictException(`Alias already exists: ${aliasArn}`, { Type: 'User' });
        }
        const config: T.AliasConfiguration = {
          AliasArn: aliasArn,
          Name: input.Name,
          FunctionVersion: input.FunctionVersion,
          Description: input.Description ?? '',
          RevisionId: newRevisionId(),
        };
        if (input.RoutingConfig?.AdditionalVersionWeights) {
          config.RoutingConfig = { AdditionalVersionWeights: input.RoutingConfig.AdditionalVersionWeights };
        }
        state.published.putAlias(fn.account, fn.region, fn.name, config);
        return config;
      });
    },

    getAlias(ctx, input) {
      const fn = aliasFunction(state, ctx, input.FunctionName);
      const alias = state.published.alias(fn.account, fn.region, fn.name, input.Name);
      // test_notfound_and_invalid_routingconfigs `alias_does_not_exist_esc`.
      if (!alias) throw notFound(`Cannot find alias arn: ${functionArn(fn.account, fn.region, fn.name, input.Name)}`);
      return alias;
    },

    updateAlias(ctx, input) {
      return state.store.transaction(() => {
        const fn = aliasFunction(state, ctx, input.FunctionName);
        const current = state.published.alias(fn.account, fn.region, fn.name, input.Name);
        // test_non_existent_alias_update.
        if (!current) throw notFound(`Alias not found: ${functionArn(fn.account, fn.region, fn.name, input.Name)}`);
        if (input.RevisionId !== undefined && input.RevisionId !== current.RevisionId) throw revisionMismatch();
        const version = input.FunctionVersion ?? current.FunctionVersion ?? latest;
        if (input.FunctionVersion !== undefined) requireVersion(state, fn, version);
        const routing = input.RoutingConfig ?? current.RoutingConfig;
        checkRouting(state, fn, version, routing);
        const next: T.AliasConfiguration = {
          ...current,
          FunctionVersion: version,
          RevisionId: newRevisionId(),
        };
        if (input.Description !== undefined) next.Description = input.Description;
        if (input.RoutingConfig !== undefined) {
          const weights = input.RoutingConfig.AdditionalVersionWeights;
          if (weights && Object.keys(weights).length > 0) next.RoutingConfig = { AdditionalVersionWeights: weights };
          else delete next.RoutingConfig;
        }
        state.published.putAlias(fn.account, fn.region, fn.name, next);
        return next;
      });
    },

    deleteAlias(ctx, input) {
      // test_non_existent_alias_deletion: deleting an alias that is not there succeeds.
      state.store.transaction(() => {
        const fn = aliasFunction(state, ctx, input.FunctionName);
        state.published.deleteAlias(fn.account, fn.region, fn.name, input.Name);
        // get_provisioned_alias_postaliasdelete, list_response_postdeletes: its provisioned concurrency goes too.
        state.settings.deleteProvisioned(fn.account, fn.region, fn.name, input.Name);
      });
    },

    listAliases(ctx, input) {
      const fn = aliasFunction(state, ctx, input.FunctionName);
      const limit = Math.min(input.MaxItems ?? maxListItems, maxListItems);
      const after = input.Marker ? Buffer.from(input.Marker, 'base64url').toString('utf8') : '';
      let rows = state.published.aliases(fn.account, fn.region, fn.name, after, 10_000);
      if (input.FunctionVersion !== undefined) {
        rows = rows.filter(
          (alias) =>
            alias.FunctionVersion === input.FunctionVersion ||
            alias.RoutingConfig?.AdditionalVersionWeights?.[input.FunctionVersion as string] !== undefined,
        );
      }
      const page = rows.slice(0, limit);
      const out: T.ListAliasesResponse = { Aliases: page };
      const last = page[page.length - 1];
      if (rows.length > limit && last?.Name) out.NextMarker = Buffer.from(last.Name, 'utf8').toString('base64url');
      return out;
    },
  } satisfies Partial<LambdaOperations<RequestContext>>;
}
