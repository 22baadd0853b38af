/**
 * Functions: create, read, list, update and delete, with AWS's checks and answers.
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html
 *
 * State as AWS reports it: CreateFunction answers `Pending` and every later read `Active`; an
 * update answers `LastUpdateStatus: InProgress` and every later read `Successful`. Nothing is
 * left to happen in between, so SDK waiters (function-active-v2, function-updated-v2) return at
 * once. Each of those answers carries a revision of its own, as AWS's do (the state change
 * makes another): test_function_lifecycle records uuid:1 for the create and uuid:2 for the
 * GetFunction after it.
 */

import type { Readable } from 'node:stream';
import { AwsError } from '../../errors/aws-error.js';
import type { LambdaOperations } from '../../generated/lambda/operations.js';
import type * as T from '../../generated/lambda/types.js';
import type { RequestContext } from '../service-types.js';
import { deleteVersion } from './aliases.js';
import { checkZip, maxZippedBytes } from './code.js';
import { attachOnCreate } from './code-signing.js';
import {
  checkEnvironment,
  checkLimits,
  checkRuntimeName,
  inProgressView,
  lastModified,
  listView,
  newConfiguration,
  newRevisionId,
  pendingView,
  withRuntimeVersion,
} from './config.js';
import {
  functionExists,
  functionNotFound,
  invalidParameter,
  revisionMismatch,
  s3CodeError,
  zippedTooLarge,
} from './errors.js';
import { checkFunctionLayers } from './layers.js';
import { functionArn, latest, parseFunctionRef, requireLatest } from './names.js';
import type { LambdaState } from './state.js';
import type { StoredFunction } from './store.js';
import { pendingVersionView, publish, resolveRef, targetConfiguration } from './versions.js';

const maxListItems = 50;

/** The function a request names for a change, or AWS's "Function not found" (`$LATEST` only: versions never change). */
export function requireFunction(
  state: LambdaState,
  ctx: RequestContext,
  name: string,
  qualifier?: string,
): StoredFunction {
  const ref = parseFunctionRef(ctx, name, qualifier);
  const fn = state.store.get(ref.account, ref.region, ref.name);
  requireLatest(ref, fn !== undefined);
  return fn as StoredFunction;
}

interface CodeSource {
  ZipFile?: Uint8Array;
  S3Bucket?: string;
  S3Key?: string;
  S3ObjectVersion?: string;
}

async function collect(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (body instanceof Uint8Array) return Buffer.from(body);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as Readable) {
    size += (chunk as Buffer).length;
    if (size > maxZippedBytes) throw zippedTooLarge(maxZippedBytes);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The zip a request gives: its bytes, or an S3 object read in-process from Nimbus's S3. */
export async function codeBytes(state: LambdaState, ctx: RequestContext, code: CodeSource): Promise<Buffer> {
  if (code.ZipFile !== undefined) return Buffer.from(code.ZipFile);
  if (code.S3Bucket === undefined || code.S3Key === undefined) {
    // Not recorded: AWS's text for a request with no code source (as the AWS CLI shows it).
    throw invalidParameter('Please provide a source for function code.');
  }
  const s3 = (await state.deps.provider('s3')) as {
    getObject(ctx: RequestContext, input: { Bucket: string; Key: string; VersionId?: string }): unknown;
  };
  try {
    const input: { Bucket: string; Key: string; VersionId?: string } = { Bucket: code.S3Bucket, Key: code.S3Key };
    if (code.S3ObjectVersion !== undefined) input.VersionId = code.S3ObjectVersion;
    const out = (await s3.getObject({ ...ctx, service: 's3', operation: 'GetObject' }, input)) as { Body?: unknown };
    return await collect(out.Body);
  } catch (error) {
    if (error instanceof AwsError && error.code !== 'RequestEntityTooLargeException') {
      throw s3CodeError(error.code, error.message);
    }
    throw error;
  }
}

function shortNameCheck(name: string): void {
  // test_function_arns `long_function_name_exc`: a bare name over 64 characters, in
  // InvalidParameterValueException's words of a validation error.
  if (name.length > 64) {
    throw invalidParameter(
      `1 validation error detected: Value '${name}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64`,
    );
  }
}

/** What Nimbus does not do, refused rather than pretended. */
function refuseUnsupported(input: { PackageType?: string }): void {
  if (input.PackageType === 'Image') {
    throw invalidParameter(
      'Nimbus runs .zip deployment packages only: container images (PackageType Image) are not supported',
    );
  }
}

/** Deletes a code blob that no function row or version names any more. */
function dropBlob(state: LambdaState, blobId: string): void {
  if (state.published.blobInUse(blobId)) return;
  void state.deps.blobs.delete(blobId).catch(() => {});
}

function codeLocation(ctx: RequestContext, fn: StoredFunction): string {
  const sha = encodeURIComponent(fn.config.CodeSha256 ?? '');
  const version = fn.version === undefined ? '' : `&version=${fn.version}`;
  return `${ctx.endpoint}/_nimbus/lambda/code/${fn.account}/${fn.region}/${fn.name}.zip?sha256=${sha}${version}`;
}

function encodeMarker(name: string): string {
  return Buffer.from(name, 'utf8').toString('base64url');
}

function decodeMarker(marker: string | undefined): string {
  return marker ? Buffer.from(marker, 'base64url').toString('utf8') : '';
}

export function functionOperations(state: LambdaState) {
  return {
    async createFunction(ctx, input) {
      state.noteEndpoint(ctx.endpoint);
      const ref = parseFunctionRef(ctx, input.FunctionName);
      shortNameCheck(ref.name);
      refuseUnsupported(input);
      if (!input.Runtime || !input.Handler) {
        // Not recorded: AWS's text, as the AWS CLI shows it.
        throw invalidParameter(
          'Runtime and Handler are mandatory parameters for functions created with deployment packages.',
        );
      }
      checkRuntimeName(input.Runtime);
      checkLimits(input.MemorySize, input.Timeout);
      checkEnvironment(input.Environment?.Variables);
      const layers = input.Layers ? checkFunctionLayers(state, ref.region, input.Layers) : undefined;
      if (state.store.get(ref.account, ref.region, ref.name)) throw functionExists(ref.name);
      const zip = await codeBytes(state, ctx, input.Code);
      const facts = checkZip(zip);
      const blobId = state.deps.blobs.newId();
      await state.deps.blobs.put(blobId, zip);
      const now = state.now();
      const config = newConfiguration({
        account: ref.account,
        region: ref.region,
        name: ref.name,
        runtime: input.Runtime,
        role: input.Role,
        handler: input.Handler,
        description: input.Description,
        timeout: input.Timeout,
        memorySize: input.MemorySize,
        variables: input.Environment?.Variables ?? (input.Environment ? {} : undefined),
        tracingMode: input.TracingConfig?.Mode,
        architectures: input.Architectures,
        ephemeralStorage: input.EphemeralStorage?.Size,
        logFormat: input.LoggingConfig?.LogFormat,
        logGroup: input.LoggingConfig?.LogGroup,
        codeSha256: facts.sha256,
        codeSize: facts.size,
        now,
      });
      // The dead-letter queue of failed asynchronous invocations (destinations.ts sends to it).
      if (input.DeadLetterConfig?.TargetArn) config.DeadLetterConfig = { TargetArn: input.DeadLetterConfig.TargetArn };
      if (layers && layers.length > 0) config.Layers = layers;
      let version: T.FunctionConfiguration | undefined;
      try {
        state.store.transaction(() => {
          // Again inside the transaction: another create may have landed while the code was stored.
          if (state.store.get(ref.account, ref.region, ref.name)) throw functionExists(ref.name);
          state.store.insert(
            {
              account: ref.account,
              region: ref.region,
              name: ref.name,
              config,
              codeBlob: blobId,
              generation: 1,
              reservedConcurrency: undefined,
              tags: input.Tags ?? {},
            },
            now,
          );
          if (input.CodeSigningConfigArn) {
            attachOnCreate(state, ref.account, ref.region, ref.name, input.CodeSigningConfigArn);
          }
          if (input.Publish)
            version = publish(state, state.store.get(ref.account, ref.region, ref.name) as StoredFunction, {});
        });
      } catch (error) {
        await state.deps.blobs.delete(blobId);
        throw error;
      }
      // test_publish_version_on_create: the function's ARN, the version's number.
      return version
        ? pendingVersionView({ ...config, Version: version.Version as string }, false)
        : pendingView(config);
    },

    getFunction(ctx, input) {
      const ref = parseFunctionRef(ctx, input.FunctionName, input.Qualifier);
      const target = resolveRef(state, ref);
      const fn = target.fn;
      const out: T.GetFunctionResponse = {
        Configuration: targetConfiguration(target, ref.qualifier),
        Code: { RepositoryType: 'S3', Location: codeLocation(ctx, target.runnable) },
      };
      if (Object.keys(fn.tags).length > 0) out.Tags = fn.tags;
      if (fn.reservedConcurrency !== undefined)
        out.Concurrency = { ReservedConcurrentExecutions: fn.reservedConcurrency };
      return out;
    },

    getFunctionConfiguration(ctx, input) {
      const ref = parseFunctionRef(ctx, input.FunctionName, input.Qualifier);
      return targetConfiguration(resolveRef(state, ref), ref.qualifier);
    },

    listFunctions(ctx, input) {
      const limit = Math.min(input.MaxItems ?? maxListItems, maxListItems);
      const rows = state.store.list(ctx.account, ctx.region, decodeMarker(input.Marker), limit + 1);
      const page = rows.slice(0, limit);
      const all = input.FunctionVersion === 'ALL';
      const out: T.ListFunctionsResponse = {
        // FunctionVersion ALL lists each function's published versions after its $LATEST
        // (https://docs.aws.amazon.com/lambda/latest/api/API_ListFunctions.html).
        Functions: page.flatMap((fn) => [
          listView(fn.config, all),
          ...(all
            ? state.published
                .versions(fn.account, fn.region, fn.name, 0, 10_000)
                .map((version) => listView(version.config, false))
            : []),
        ]),
      };
      const last = page[page.length - 1];
      if (rows.length > limit && last) out.NextMarker = encodeMarker(last.name);
      return out;
    },

    deleteFunction(ctx, input) {
      const ref = parseFunctionRef(ctx, input.FunctionName, input.Qualifier);
      const fn = state.store.get(ref.account, ref.region, ref.name);
      // test_delete_on_nonexisting_version: the message names no qualifier.
      if (!fn) throw functionNotFound(functionArn(ref.account, ref.region, ref.name));
      if (ref.qualifier === latest) {
        // Not recorded: AWS's text, as the AWS CLI shows it.
        throw invalidParameter('$LATEST version cannot be deleted without deleting the function.');
      }
      if (ref.qualifier !== undefined) return deleteVersion(state, fn, ref.qualifier);
      const versionBlobs = state.store.transaction(() => {
        state.store.delete(fn.account, fn.region, fn.name);
        state.codeSigning.unlink(fn.account, fn.region, fn.name);
        state.settings.forgetFunction(fn.account, fn.region, fn.name);
        return state.published.deleteFunction(fn.account, fn.region, fn.name);
      });
      state.pool.stopFunction(fn.account, fn.region, fn.name);
      state.forgetCredentials(fn);
      for (const blob of new Set([fn.codeBlob, ...versionBlobs])) dropBlob(state, blob);
      return { StatusCode: 204 };
    },

    async updateFunctionCode(ctx, input) {
      state.noteEndpoint(ctx.endpoint);
      const fn = requireFunction(state, ctx, input.FunctionName);
      if (input.RevisionId !== undefined && input.RevisionId !== fn.config.RevisionId) throw revisionMismatch();
      if (input.ImageUri !== undefined) refuseUnsupported({ PackageType: 'Image' });
      const zip = await codeBytes(state, ctx, input);
      const facts = checkZip(zip);
      const changed = (config: T.FunctionConfiguration): T.FunctionConfiguration => {
        const next: T.FunctionConfiguration = {
          ...config,
          CodeSha256: facts.sha256,
          CodeSize: facts.size,
          LastModified: lastModified(state.now()),
          RevisionId: newRevisionId(),
        };
        if (input.Architectures) next.Architectures = input.Architectures;
        return next;
      };
      if (input.DryRun) return changed(fn.config);
      const blobId = state.deps.blobs.newId();
      await state.deps.blobs.put(blobId, zip);
      let updated: StoredFunction;
      let version: T.FunctionConfiguration | undefined;
      try {
        updated = state.store.transaction(() => {
          const current = requireFunction(state, ctx, input.FunctionName);
          if (input.RevisionId !== undefined && input.RevisionId !== current.config.RevisionId) {
            throw revisionMismatch();
          }
          const next = {
            ...current,
            config: changed(current.config),
            codeBlob: blobId,
            generation: current.generation + 1,
          };
          state.store.update(next);
          if (input.Publish) version = publish(state, next, {});
          return next;
        });
      } catch (error) {
        await state.deps.blobs.delete(blobId);
        throw error;
      }
      state.pool.retireIdle(fn.account, fn.region, fn.name);
      dropBlob(state, fn.codeBlob);
      // test_publish_with_update: the new version, pending.
      return version ? pendingVersionView(version, true) : inProgressView(updated.config);
    },

    updateFunctionConfiguration(ctx, input) {
      state.noteEndpoint(ctx.endpoint);
      if (input.Runtime !== undefined) checkRuntimeName(input.Runtime);
      checkLimits(input.MemorySize, input.Timeout);
      checkEnvironment(input.Environment?.Variables);
      const updated = state.store.transaction(() => {
        const current = requireFunction(state, ctx, input.FunctionName);
        if (input.RevisionId !== undefined && input.RevisionId !== current.config.RevisionId) throw revisionMismatch();
        let config: T.FunctionConfiguration = {
          ...current.config,
          LastModified: lastModified(state.now()),
          RevisionId: newRevisionId(),
        };
        if (input.Role !== undefined) config.Role = input.Role;
        if (input.Handler !== undefined) config.Handler = input.Handler;
        if (input.Layers !== undefined) {
          const layers = checkFunctionLayers(state, current.region, input.Layers);
          if (layers.length > 0) config.Layers = layers;
          else delete config.Layers;
        }
        if (input.Description !== undefined) config.Description = input.Description;
        if (input.Timeout !== undefined) config.Timeout = input.Timeout;
        if (input.MemorySize !== undefined) config.MemorySize = input.MemorySize;
        if (input.Environment !== undefined) config.Environment = { Variables: input.Environment.Variables ?? {} };
        if (input.TracingConfig?.Mode !== undefined) config.TracingConfig = { Mode: input.TracingConfig.Mode };
        if (input.EphemeralStorage !== undefined) config.EphemeralStorage = input.EphemeralStorage;
        const deadLetter = input.DeadLetterConfig;
        if (deadLetter?.TargetArn) config.DeadLetterConfig = { TargetArn: deadLetter.TargetArn };
        else if (deadLetter !== undefined) delete config.DeadLetterConfig;
        if (input.LoggingConfig !== undefined) {
          config.LoggingConfig = {
            ...config.LoggingConfig,
            ...input.LoggingConfig,
          };
        }
        if (input.Runtime !== undefined)
          config = withRuntimeVersion({ ...config, Runtime: input.Runtime }, current.region);
        const next = { ...current, config, generation: current.generation + 1 };
        state.store.update(next);
        return next;
      });
      state.pool.retireIdle(updated.account, updated.region, updated.name);
      return inProgressView(updated.config);
    },
  } satisfies Partial<LambdaOperations<RequestContext>>;
}
