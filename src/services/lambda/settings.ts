/**
 * A function's reserved concurrency and its tags.
 * https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionConcurrency.html,
 * https://docs.aws.amazon.com/lambda/latest/api/API_TagResource.html
 * Texts: shared/aws-reference/recorded-responses/services/lambda_/test_lambda_api.snapshot.json,
 * TestLambdaReservedConcurrency and TestLambdaTag.
 */
import { InvalidParameterValueException } from '../../generated/lambda/errors.js';
import type { LambdaOperations } from '../../generated/lambda/operations.js';
import type { RequestContext } from '../service-types.js';
import { functionNotFound, invalidParameter } from './errors.js';
import { functionArn, latest, parseFunctionRef } from './names.js';
import type { LambdaState } from './state.js';
import type { StoredFunction } from './store.js';

/** AWS's default account limit, and the part of it no function may reserve. */
export const accountConcurrency = 1000;
export const minUnreserved = 100;

/** A function named without qualifier; `suffix` is what the not-found message appends (`:$LATEST`). */
function unqualifiedFunction(state: LambdaState, ctx: RequestContext, name: string, suffix?: string): StoredFunction {
  const ref = parseFunctionRef(ctx, name);
  if (ref.qualifier !== undefined) {
    throw invalidParameter(
      'This operation is permitted on Lambda functions only. Aliases and versions do not support this operation. Please specify either a function name or an unqualified function ARN.',
    );
  }
  const fn = state.store.get(ref.account, ref.region, ref.name);
  if (!fn) throw functionNotFound(functionArn(ref.account, ref.region, ref.name, suffix));
  return fn;
}

/** The function a tagging request's ARN names. */
function taggedFunction(state: LambdaState, ctx: RequestContext, resource: string): StoredFunction {
  const ref = parseFunctionRef(ctx, resource);
  if (ref.qualifier !== undefined) {
    throw invalidParameter('Tags on function aliases and versions are not supported. Please specify a function ARN.');
  }
  const fn = state.store.get(ref.account, ref.region, ref.name);
  if (!fn) throw functionNotFound(functionArn(ref.account, ref.region, ref.name));
  return fn;
}

export function settingOperations(state: LambdaState) {
  return {
    putFunctionConcurrency(ctx, input) {
      return state.store.transaction(() => {
        // test_function_concurrency_exceptions: a missing function is named with `:$LATEST`.
        const fn = unqualifiedFunction(state, ctx, input.FunctionName, latest);
        const others = state.store.reservedTotal(fn.account, fn.region, fn.name);
        if (others + input.ReservedConcurrentExecutions > accountConcurrency - minUnreserved) {
          throw invalidParameter(
            `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${minUnreserved}].`,
          );
        }
        // test_lambda.snapshot.json test_reserved_provisioned_overlap `reserved_lower_than_provisioned_exc`:
        // AWS's spacing, no Type.
        const provisioned = state.settings.provisionedTotal(fn.account, fn.region, fn.name);
        if (input.ReservedConcurrentExecutions < provisioned) {
          throw new InvalidParameterValueException(
            ` ReservedConcurrentExecutions  ${input.ReservedConcurrentExecutions} should not be lower than function's total provisioned concurrency [${provisioned}].`,
          );
        }
        state.store.update({ ...fn, reservedConcurrency: input.ReservedConcurrentExecutions });
        return { ReservedConcurrentExecutions: input.ReservedConcurrentExecutions };
      });
    },

    getFunctionConcurrency(ctx, input) {
      const fn = unqualifiedFunction(state, ctx, input.FunctionName);
      return fn.reservedConcurrency === undefined ? {} : { ReservedConcurrentExecutions: fn.reservedConcurrency };
    },

    deleteFunctionConcurrency(ctx, input) {
      state.store.transaction(() => {
        const fn = unqualifiedFunction(state, ctx, input.FunctionName);
        state.store.update({ ...fn, reservedConcurrency: undefined });
      });
    },

    tagResource(ctx, input) {
      state.store.transaction(() => {
        const fn = taggedFunction(state, ctx, input.Resource);
        state.store.update({ ...fn, tags: { ...fn.tags, ...input.Tags } });
      });
    },

    untagResource(ctx, input) {
      state.store.transaction(() => {
        const fn = taggedFunction(state, ctx, input.Resource);
        const tags = { ...fn.tags };
        for (const key of input.TagKeys) delete tags[key];
        state.store.update({ ...fn, tags });
      });
    },

    listTags(ctx, input) {
      return { Tags: taggedFunction(state, ctx, input.Resource).tags };
    },
  } satisfies Partial<LambdaOperations<RequestContext>>;
}
