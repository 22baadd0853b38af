/**
 * Provisioned concurrency, account settings, recursive loop detection and runtime management,
 * kept and answered as Lambda answers them (rows of function-settings-store.ts).
 *
 * Nimbus keeps no environments warm for provisioned concurrency: a configuration is a record
 * that deployment tools write and read back, counted against reserved and account concurrency
 * as AWS counts it. Its status moves at once, as function states do (functions.ts): the Put
 * answers IN_PROGRESS with nothing allocated, and every later read answers READY with all of it
 * allocated, so tools that wait for READY return at once.
 *
 * Texts: shared/aws-reference/recorded-responses/services/lambda_/test_lambda_api.snapshot.json
 * (TestLambdaProvisionedConcurrency, TestLambdaAccountSettings, TestLambdaRecursion) and
 * test_lambda.snapshot.json (TestLambdaConcurrency test_reserved_provisioned_overlap), unless a
 * line says otherwise. Nothing of runtime management is recorded: its texts are ours.
 */
import {
  InvalidParameterValueException,
  ProvisionedConcurrencyConfigNotFoundException,
  ResourceConflictException,
  ResourceNotFoundException,
} from '../../generated/lambda/errors.js';
import type { LambdaOperations } from '../../generated/lambda/operations.js';
import type * as T from '../../generated/lambda/types.js';
import type { RequestContext } from '../service-types.js';
import { maxUnzippedBytes, maxZippedBytes } from './code.js';
import { lastModified } from './config.js';
import { functionNotFound, invalidParameter } from './errors.js';
import type { ProvisionedRow } from './function-settings-store.js';
import { functionArn, latest, parseFunctionRef } from './names.js';
import { accountConcurrency, minUnreserved } from './settings.js';
import type { LambdaState } from './state.js';
import type { StoredFunction } from './store.js';
import { isVersionNumber, resolveRef } from './versions.js';

/** AWS's default storage quota for all deployment packages and layers in a region (75 GB). */
const totalCodeSizeLimit = 80_530_636_800;
const maxListItems = 50;

/** What a provisioned concurrency request names: the function and an alias or a version. */
interface ProvisionedTarget {
  fn: StoredFunction;
  qualifier: string;
  /** The alias the qualifier names, when it names one. */
  alias?: T.AliasConfiguration;
}

function notFound(message: string): ResourceNotFoundException {
  return new ResourceNotFoundException(message, { Type: 'User', Message: message });
}

function configNotFound(): ProvisionedConcurrencyConfigNotFoundException {
  // get_provisioned_config_doesnotexist, get_provisioned_version_postdelete.
  return new ProvisionedConcurrencyConfigNotFoundException(
    'No Provisioned Concurrency Config found for this function',
    {
      Type: 'User',
    },
  );
}

function conflict(message: string): ResourceConflictException {
  return new ResourceConflictException(message, { Type: 'User' });
}

/** How Get, List and Put answer a configuration (READY once it was answered IN_PROGRESS). */
function readyView(row: ProvisionedRow) {
  return {
    RequestedProvisionedConcurrentExecutions: row.requested,
    AvailableProvisionedConcurrentExecutions: row.requested,
    AllocatedProvisionedConcurrentExecutions: row.requested,
    Status: 'READY' as const,
    LastModified: row.lastModified,
  };
}

function encodeMarker(qualifier: string): string {
  return Buffer.from(qualifier, 'utf8').toString('base64url');
}

function decodeMarker(marker: string | undefined): string {
  return marker ? Buffer.from(marker, 'base64url').toString('utf8') : '';
}

export function functionSettingOperations(state: LambdaState) {
  const settings = state.settings;

  /**
   * The alias or version a provisioned concurrency request names, with AWS's errors in its order:
   * `$LATEST` first (put_provisioned_latest, get_provisioned_latest), then the alias ("Cannot find
   * alias arn", even when the function is missing: get_provisioned_functionname_doesnotexist) or
   * the version ("Function not found" with the version: get_provisioned_version_doesnotexist).
   */
  function provisionedTarget(ctx: RequestContext, name: string, qualifier: string, forPut: boolean) {
    const ref = parseFunctionRef(ctx, name, qualifier);
    const asked = ref.qualifier ?? latest;
    if (asked === latest) {
      throw forPut
        ? invalidParameter('Provisioned Concurrency Configs cannot be applied to unpublished function versions.')
        : invalidParameter('The function resource provided must be an alias or a published version.');
    }
    const arn = functionArn(ref.account, ref.region, ref.name, asked);
    const fn = state.store.get(ref.account, ref.region, ref.name);
    if (!isVersionNumber(asked)) {
      const alias = fn ? state.published.alias(fn.account, fn.region, fn.name, asked) : undefined;
      if (!fn || !alias) throw notFound(`Cannot find alias arn: ${arn}`);
      return { fn, qualifier: asked, alias } satisfies ProvisionedTarget;
    }
    if (!fn || !state.published.version(fn.account, fn.region, fn.name, Number(asked))) throw functionNotFound(arn);
    return { fn, qualifier: asked } satisfies ProvisionedTarget;
  }

  /** test_reserved_provisioned_overlap and test_provisioned_concurrency_limits, in that order. */
  function checkConcurrency(target: ProvisionedTarget, requested: number): void {
    const { fn, qualifier } = target;
    if (fn.reservedConcurrency !== undefined) {
      // Provisioned concurrency comes out of the function's reserved concurrency.
      const others = settings.provisionedTotal(fn.account, fn.region, fn.name, qualifier);
      if (others + requested > fn.reservedConcurrency) {
        throw invalidParameter(
          'Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function',
        );
      }
      return;
    }
    // Otherwise out of the account's unreserved concurrency. Both texts are recorded without Type.
    const unreserved =
      accountConcurrency -
      state.store.reservedTotal(fn.account, fn.region, '') -
      settings.unreservedProvisionedTotal(fn.account, fn.region, fn.name, qualifier);
    if (requested > unreserved) {
      throw new InvalidParameterValueException(
        `Specified ConcurrentExecutions for function is greater than account's unreserved concurrency [${unreserved}].`,
      );
    }
    if (unreserved - requested < minUnreserved) {
      throw new InvalidParameterValueException(
        `Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${minUnreserved}].`,
      );
    }
  }

  /** put_provisioned_on_alias_versionconflict, put_provisioned_on_version_conflict. */
  function checkOverlap(target: ProvisionedTarget): void {
    const { fn, qualifier, alias } = target;
    if (alias) {
      const version = alias.FunctionVersion ?? latest;
      if (settings.provisioned(fn.account, fn.region, fn.name, version)) {
        throw conflict(
          "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version",
        );
      }
      return;
    }
    const pointing = state.published
      .aliases(fn.account, fn.region, fn.name, '', 10_000)
      .filter((entry) => entry.FunctionVersion === qualifier);
    if (pointing.some((entry) => settings.provisioned(fn.account, fn.region, fn.name, entry.Name ?? ''))) {
      throw conflict('Version is pointed by a Provisioned Concurrency alias');
    }
  }

  /** The function an unqualified request names; its ARN in the message when it does not exist. */
  function existingFunction(ctx: RequestContext, name: string): StoredFunction {
    const ref = parseFunctionRef(ctx, name);
    const fn = state.store.get(ref.account, ref.region, ref.name);
    if (!fn) throw functionNotFound(functionArn(ref.account, ref.region, ref.name));
    return fn;
  }

  return {
    putProvisionedConcurrencyConfig(ctx, input) {
      return state.store.transaction(() => {
        const target = provisionedTarget(ctx, input.FunctionName, input.Qualifier, true);
        checkConcurrency(target, input.ProvisionedConcurrentExecutions);
        checkOverlap(target);
        const row: ProvisionedRow = {
          qualifier: target.qualifier,
          requested: input.ProvisionedConcurrentExecutions,
          lastModified: lastModified(state.now()),
        };
        settings.putProvisioned(target.fn.account, target.fn.region, target.fn.name, row);
        // put_provisioned_on_version: 202, IN_PROGRESS, nothing allocated yet.
        return {
          RequestedProvisionedConcurrentExecutions: row.requested,
          AvailableProvisionedConcurrentExecutions: 0,
          AllocatedProvisionedConcurrentExecutions: 0,
          Status: 'IN_PROGRESS',
          LastModified: row.lastModified,
        };
      });
    },

    getProvisionedConcurrencyConfig(ctx, input) {
      const { fn, qualifier } = provisionedTarget(ctx, input.FunctionName, input.Qualifier, false);
      const row = settings.provisioned(fn.account, fn.region, fn.name, qualifier);
      if (!row) throw configNotFound();
      return readyView(row);
    },

    deleteProvisionedConcurrencyConfig(ctx, input) {
      // delete_provisioned_config_doesnotexist: deleting a configuration that is not there succeeds.
      const { fn, qualifier } = provisionedTarget(ctx, input.FunctionName, input.Qualifier, false);
      settings.deleteProvisioned(fn.account, fn.region, fn.name, qualifier);
    },

    listProvisionedConcurrencyConfigs(ctx, input) {
      // list_provisioned_functionname_doesnotexist: the unqualified ARN.
      const fn = existingFunction(ctx, input.FunctionName);
      const limit = Math.min(input.MaxItems ?? maxListItems, maxListItems);
      const rows = settings.provisionedList(fn.account, fn.region, fn.name, decodeMarker(input.Marker), limit + 1);
      const page = rows.slice(0, limit);
      const out: T.ListProvisionedConcurrencyConfigsResponse = {
        ProvisionedConcurrencyConfigs: page.map((row) => ({
          FunctionArn: functionArn(fn.account, fn.region, fn.name, row.qualifier),
          ...readyView(row),
        })),
      };
      const last = page[page.length - 1];
      if (rows.length > limit && last) out.NextMarker = encodeMarker(last.qualifier);
      return out;
    },

    getAccountSettings(ctx) {
      // AWS's default quotas (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
      const usage = settings.usage(ctx.account, ctx.region);
      return {
        AccountLimit: {
          TotalCodeSize: totalCodeSizeLimit,
          CodeSizeUnzipped: maxUnzippedBytes,
          CodeSizeZipped: maxZippedBytes,
          ConcurrentExecutions: accountConcurrency,
          UnreservedConcurrentExecutions: accountConcurrency - state.store.reservedTotal(ctx.account, ctx.region, ''),
        },
        AccountUsage: { TotalCodeSize: usage.totalCodeSize, FunctionCount: usage.functionCount },
      };
    },

    getFunctionRecursionConfig(ctx, input) {
      const fn = existingFunction(ctx, input.FunctionName);
      // get_recursion_default_terminate_response: Terminate until set.
      const value = settings.recursiveLoop(fn.account, fn.region, fn.name) ?? 'Terminate';
      return { RecursiveLoop: value as T.RecursiveLoop };
    },

    putFunctionRecursionConfig(ctx, input) {
      return state.store.transaction(() => {
        const fn = existingFunction(ctx, input.FunctionName);
        settings.putRecursiveLoop(fn.account, fn.region, fn.name, input.RecursiveLoop);
        return { RecursiveLoop: input.RecursiveLoop };
      });
    },

    getRuntimeManagementConfig(ctx, input) {
      const ref = parseFunctionRef(ctx, input.FunctionName, input.Qualifier);
      const target = resolveRef(state, ref);
      const { fn } = target;
      // Auto until set (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html); the
      // ARN only in Manual mode (https://docs.aws.amazon.com/lambda/latest/api/API_GetRuntimeManagementConfig.html).
      const row = settings.runtimeManagement(fn.account, fn.region, fn.name, target.version);
      const out: T.GetRuntimeManagementConfigResponse = {
        UpdateRuntimeOn: (row?.updateRuntimeOn ?? 'Auto') as T.UpdateRuntimeOn,
        FunctionArn: target.arn,
      };
      if (row?.updateRuntimeOn === 'Manual' && row.runtimeVersionArn) out.RuntimeVersionArn = row.runtimeVersionArn;
      return out;
    },

    putRuntimeManagementConfig(ctx, input) {
      return state.store.transaction(() => {
        const ref = parseFunctionRef(ctx, input.FunctionName, input.Qualifier);
        const target = resolveRef(state, ref);
        const { fn } = target;
        const manual = input.UpdateRuntimeOn === 'Manual';
        // RuntimeVersionArn "is only required if you're using the Manual runtime update mode"
        // (https://docs.aws.amazon.com/lambda/latest/api/API_PutRuntimeManagementConfig.html).
        // Not recorded: the text is ours. An ARN given with another mode is not kept, since
        // the answer shows one only in Manual mode.
        if (manual && !input.RuntimeVersionArn) {
          throw invalidParameter('RuntimeVersionArn is required when UpdateRuntimeOn is Manual.');
        }
        const runtimeVersionArn = manual ? input.RuntimeVersionArn : undefined;
        settings.putRuntimeManagement(fn.account, fn.region, fn.name, target.version, {
          updateRuntimeOn: input.UpdateRuntimeOn,
          runtimeVersionArn,
        });
        const out: T.PutRuntimeManagementConfigResponse = {
          UpdateRuntimeOn: input.UpdateRuntimeOn,
          FunctionArn: target.arn,
        };
        if (runtimeVersionArn) out.RuntimeVersionArn = runtimeVersionArn;
        return out;
      });
    },
  } satisfies Partial<LambdaOperations<RequestContext>>;
}
