/**
 * How Lambda reads a function reference: a name (`my-function`), a name with a qualifier
 * (`my-function:v1`), a partial ARN (`123456789012:function:my-function`) or a full ARN, each
 * optionally qualified, beside an optional `Qualifier` parameter that must agree with it.
 * https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html#API_GetFunction_RequestSyntax
 * The model's pattern has already refused what is not one of these shapes.
 */
import type { RequestContext } from '../service-types.js';
import { functionNotFound, otherAccount, otherRegion, qualifierMismatch } from './errors.js';

export const latest = '$LATEST';

export interface FunctionRef {
  account: string;
  region: string;
  name: string;
  /** The version or alias asked for, if any (from the reference or the Qualifier parameter). */
  qualifier: string | undefined;
}

const fullArn = /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([^:]+)(?::([^:]+))?$/;
const partialArn = /^(\d{12}):function:([^:]+)(?::([^:]+))?$/;
const nameOnly = /^(?:function:)?([^:]+)(?::([^:]+))?$/;

/** Reads a reference in the caller's account and region; throws AWS's errors for another's. */
export function parseFunctionRef(ctx: RequestContext, reference: string, qualifier?: string): FunctionRef {
  let account = ctx.account;
  let region = ctx.region;
  let name: string;
  let derived: string | undefined;
  let match = fullArn.exec(reference);
  if (match) {
    region = match[1] as string;
    account = match[2] as string;
    name = match[3] as string;
    derived = match[4];
  } else if ((match = partialArn.exec(reference))) {
    account = match[1] as string;
    name = match[2] as string;
    derived = match[3];
  } else {
    match = nameOnly.exec(reference);
    name = match?.[1] ?? reference;
    derived = match?.[2];
  }
  if (region !== ctx.region) throw otherRegion(region, ctx.region);
  if (account !== ctx.account) throw otherAccount();
  if (derived !== undefined && qualifier !== undefined && derived !== qualifier) throw qualifierMismatch();
  return { account, region, name, qualifier: derived ?? qualifier };
}

export function functionArn(account: string, region: string, name: string, qualifier?: string): string {
  const arn = `arn:aws:lambda:${region}:${account}:function:${name}`;
  return qualifier === undefined ? arn : `${arn}:${qualifier}`;
}

/**
 * Throws "Function not found" for a qualifier other than $LATEST: no versions or aliases are
 * published yet. `suffixLatest` is Invoke's way: its message names `:$LATEST` even when the
 * request named none (test_invoke_exceptions, test_function_name_and_qualifier_validation).
 */
export function requireLatest(ref: FunctionRef, exists: boolean, suffixLatest = false): void {
  const qualifier = ref.qualifier ?? (suffixLatest ? latest : undefined);
  if (!exists || (ref.qualifier !== undefined && ref.qualifier !== latest)) {
    throw functionNotFound(functionArn(ref.account, ref.region, ref.name, qualifier));
  }
}
