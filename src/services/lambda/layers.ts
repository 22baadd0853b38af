/**
 * Layers. https://docs.aws.amazon.com/lambda/latest/dg/chapter-layers.html
 *
 * A layer version is a zip (uploaded or read from Nimbus's S3), numbered per layer name and never
 * renumbered (a version published after deleting all others is the next number:
 * test_layer_lifecycle `publish_result_3`). A function's Layers are checked here and extracted
 * for its environments by `LambdaState.optDir`. Texts: shared/aws-reference/recorded-responses/
 * services/lambda_/test_lambda_api.snapshot.json, TestLambdaLayer.
 */
import { randomUUID } from 'node:crypto';
import { ValidationException } from '../../errors/common.js';
import {
  PreconditionFailedException,
  ResourceConflictException,
  ResourceNotFoundException,
} from '../../generated/lambda/errors.js';
import type { LambdaOperations } from '../../generated/lambda/operations.js';
import type * as T from '../../generated/lambda/types.js';
import type { RequestContext } from '../service-types.js';
import { checkZip } from './code.js';
import { lastModified } from './config.js';
import { invalidParameter } from './errors.js';
import { codeBytes } from './functions.js';
import type { PolicyStatement, StoredLayer } from './published-store.js';
import type { LambdaState } from './state.js';

const maxLayers = 5;
const layerArnPattern = /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):layer:([a-zA-Z0-9-_]+)(?::(\d+))?$/;

function notExist(): ResourceNotFoundException {
  const message = 'The resource you requested does not exist.';
  return new ResourceNotFoundException(message, { Type: 'User', Message: message });
}

function layerVersionMissing(arn: string): ResourceNotFoundException {
  const message = `Layer version ${arn} does not exist.`;
  return new ResourceNotFoundException(message, { Type: 'User', Message: message });
}

export function layerArn(account: string, region: string, layer: string, version?: number): string {
  const arn = `arn:aws:lambda:${region}:${account}:layer:${layer}`;
  return version === undefined ? arn : `${arn}:${version}`;
}

/** A LayerName parameter: a name or a layer ARN. */
function layerRef(ctx: RequestContext, layerName: string): { account: string; region: string; layer: string } {
  const match = layerArnPattern.exec(layerName);
  if (match) return { region: match[1] as string, account: match[2] as string, layer: match[3] as string };
  return { account: ctx.account, region: ctx.region, layer: layerName };
}

function checkVersionNumber(version: number): void {
  if (version < 1) throw invalidParameter('Layer Version Cannot be less than 1');
}

function view(ctx: RequestContext, account: string, region: string, stored: StoredLayer): T.GetLayerVersionResponse {
  const info = stored.info as T.GetLayerVersionResponse;
  const location = `${ctx.endpoint}/_nimbus/lambda/layers/${account}/${region}/${stored.layer}/${stored.version}.zip`;
  return { ...info, Content: { ...info.Content, Location: location } };
}

function listItem(stored: StoredLayer): T.LayerVersionsListItem {
  const { Content: _content, LayerArn: _arn, ...rest } = stored.info as T.GetLayerVersionResponse;
  return rest;
}

function matches(stored: StoredLayer, runtime: string | undefined, architecture: string | undefined): boolean {
  const info = stored.info as T.GetLayerVersionResponse;
  if (
    runtime !== undefined &&
    !(info.CompatibleRuntimes ?? []).includes(runtime as NonNullable<T.CompatibleRuntimes>[number])
  )
    return false;
  if (architecture !== undefined && !(info.CompatibleArchitectures ?? []).includes(architecture as T.Architecture)) {
    return false;
  }
  return true;
}

function policyDocument(statements: PolicyStatement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements });
}

/**
 * A function's Layers as its configuration shows them (`Arn`, `CodeSize`), or AWS's refusal
 * (test_layer_function_exceptions, test_layer_function_quota_exception).
 */
export function checkFunctionLayers(state: LambdaState, region: string, arns: string[]): T.Layer[] {
  if (arns.length > maxLayers) throw invalidParameter(`Cannot reference more than ${maxLayers} layers.`);
  const seen = new Map<string, string>();
  const layers: T.Layer[] = [];
  for (const arn of arns) {
    const match = layerArnPattern.exec(arn);
    const key = match ? `${match[2]}:${match[3]}` : arn;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw invalidParameter(
        `Two different versions of the same layer are not allowed to be referenced in the same function. ${earlier} and ${arn} are versions of the same layer.`,
      );
    }
    seen.set(key, arn);
  }
  for (const arn of arns) {
    const match = layerArnPattern.exec(arn);
    if (match && match[1] !== region) {
      throw invalidParameter(
        `Layers are not in the same region as the function. Layers are expected to be in region ${region}.`,
      );
    }
    const stored =
      match?.[4] !== undefined
        ? state.published.layerVersion(match[2] as string, match[1] as string, match[3] as string, Number(match[4]))
        : undefined;
    if (!stored) throw invalidParameter(`Layer version ${arn} does not exist.`);
    layers.push({ Arn: arn, CodeSize: (stored.info as T.GetLayerVersionResponse).Content?.CodeSize ?? 0 });
  }
  return layers;
}

export function layerOperations(state: LambdaState) {
  function requireLayer(ctx: RequestContext, layerName: string, version: number): StoredLayer & { arn: string } {
    const ref = layerRef(ctx, layerName);
    const stored = state.published.layerVersion(ref.account, ref.region, ref.layer, version);
    const arn = layerArn(ref.account, ref.region, ref.layer, version);
    if (!stored) throw layerVersionMissing(arn);
    return { ...stored, arn };
  }

  return {
    async publishLayerVersion(ctx, input) {
      const ref = layerRef(ctx, input.LayerName);
      const zip = await codeBytes(state, ctx, input.Content);
      const facts = checkZip(zip);
      const blobId = state.deps.blobs.newId();
      await state.deps.blobs.put(blobId, zip);
      try {
        return state.store.transaction(() => {
          const version = state.published.nextLayerVersion(ref.account, ref.region, ref.layer);
          const info: T.GetLayerVersionResponse = {
            Content: { CodeSha256: facts.sha256, CodeSize: facts.size },
            LayerArn: layerArn(ref.account, ref.region, ref.layer),
            LayerVersionArn: layerArn(ref.account, ref.region, ref.layer, version),
            Description: input.Description ?? '',
            CreatedDate: lastModified(state.now()),
            Version: version,
          };
          if (input.CompatibleRuntimes) info.CompatibleRuntimes = input.CompatibleRuntimes;
          if (input.LicenseInfo !== undefined) info.LicenseInfo = input.LicenseInfo;
          if (input.CompatibleArchitectures) info.CompatibleArchitectures = input.CompatibleArchitectures;
          const stored: StoredLayer = {
            layer: ref.layer,
            version,
            info: info as Record<string, unknown>,
            codeBlob: blobId,
            statements: undefined,
            policyRevision: undefined,
          };
          state.published.putLayerVersion(ref.account, ref.region, stored);
          return view(ctx, ref.account, ref.region, stored);
        });
      } catch (error) {
        await state.deps.blobs.delete(blobId);
        throw error;
      }
    },

    getLayerVersion(ctx, input) {
      checkVersionNumber(input.VersionNumber);
      const ref = layerRef(ctx, input.LayerName);
      const stored = state.published.layerVersion(ref.account, ref.region, ref.layer, input.VersionNumber);
      if (!stored) throw notExist();
      return view(ctx, ref.account, ref.region, stored);
    },

    getLayerVersionByArn(ctx, input) {
      const match = layerArnPattern.exec(input.Arn);
      if (!match || match[4] === undefined) {
        // test_layer_exceptions `get_layer_version_by_arn_exc_invalidarn`: an ARN without a version.
        throw new ValidationException(
          `1 validation error detected: Value '${input.Arn}' at 'arn' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)`,
        );
      }
      const [, region, account, layer, version] = match as unknown as [string, string, string, string, string];
      const stored = state.published.layerVersion(account, region, layer, Number(version));
      if (!stored) throw notExist();
      return view(ctx, account, region, stored);
    },

    listLayers(ctx, input) {
      const latestByLayer = new Map<string, StoredLayer>();
      for (const stored of state.published.allLayerVersions(ctx.account, ctx.region)) {
        if (latestByLayer.has(stored.layer)) continue;
        if (matches(stored, input.CompatibleRuntime, input.CompatibleArchitecture)) {
          latestByLayer.set(stored.layer, stored);
        }
      }
      const after = input.Marker ? Buffer.from(input.Marker, 'base64url').toString('utf8') : '';
      const limit = Math.min(input.MaxItems ?? 50, 50);
      const all = [...latestByLayer.values()].filter((stored) => stored.layer > after);
      const page = all.slice(0, limit);
      const out: T.ListLayersResponse = {
        Layers: page.map((stored) => ({
          LayerName: stored.layer,
          LayerArn: layerArn(ctx.account, ctx.region, stored.layer),
          LatestMatchingVersion: listItem(stored),
        })),
      };
      const last = page[page.length - 1];
      if (all.length > limit && last) out.NextMarker = Buffer.from(last.layer, 'utf8').toString('base64url');
      return out;
    },

    listLayerVersions(ctx, input) {
      const ref = layerRef(ctx, input.LayerName);
      const all = state.published
        .layerVersions(ref.account, ref.region, ref.layer)
        .filter((stored) => matches(stored, input.CompatibleRuntime, input.CompatibleArchitecture));
      const before = input.Marker ? Number(Buffer.from(input.Marker, 'base64url').toString('utf8')) : Infinity;
      const limit = Math.min(input.MaxItems ?? 50, 50);
      const rest = all.filter((stored) => stored.version < before);
      const page = rest.slice(0, limit);
      const out: T.ListLayerVersionsResponse = { LayerVersions: page.map(listItem) };
      const last = page[page.length - 1];
      if (rest.length > limit && last) out.NextMarker = Buffer.from(String(last.version), 'utf8').toString('base64url');
      return out;
    },

    deleteLayerVersion(ctx, input) {
      checkVersionNumber(input.VersionNumber);
      const ref = layerRef(ctx, input.LayerName);
      const stored = state.published.layerVersion(ref.account, ref.region, ref.layer, input.VersionNumber);
      if (!stored) return;
      state.store.transaction(() =>
        state.published.deleteLayerVersion(ref.account, ref.region, ref.layer, input.VersionNumber),
      );
      // Functions that use it keep running it (AWS keeps a copy for them): the blob stays.
    },

    addLayerVersionPermission(ctx, input) {
      if (input.Action !== 'lambda:GetLayerVersion') {
        throw new ValidationException(
          `1 validation error detected: Value '${input.Action}' at 'action' failed to satisfy constraint: Member must satisfy regular expression pattern: lambda:GetLayerVersion`,
        );
      }
      return state.store.transaction(() => {
        const stored = requireLayer(ctx, input.LayerName, input.VersionNumber);
        if (input.RevisionId !== undefined && input.RevisionId !== stored.policyRevision) throw layerRevisionMismatch();
        const statements = stored.statements ?? [];
        if (statements.some((statement) => statement.Sid === input.StatementId)) {
          throw new ResourceConflictException(
            `The statement id (${input.StatementId}) provided already exists. Please provide a new statement id, or remove the existing statement.`,
            { Type: 'User' },
          );
        }
        const principal = /^\d{12}$/.test(input.Principal) ? `arn:aws:iam::${input.Principal}:root` : input.Principal;
        const statement: PolicyStatement = {
          Sid: input.StatementId,
          Effect: 'Allow',
          Principal: principal === '*' ? '*' : { AWS: principal },
          Action: input.Action,
          Resource: stored.arn,
        };
        if (input.OrganizationId !== undefined) {
          statement.Condition = { StringEquals: { 'aws:PrincipalOrgID': input.OrganizationId } };
        }
        const revision = randomUUID();
        state.published.putLayerVersion(stored.arn.split(':')[4] as string, stored.arn.split(':')[3] as string, {
          ...stored,
          statements: [...statements, statement],
          policyRevision: revision,
        });
        return { Statement: JSON.stringify(statement), RevisionId: revision };
      });
    },

    getLayerVersionPolicy(ctx, input) {
      const stored = requireLayer(ctx, input.LayerName, input.VersionNumber);
      if (!stored.statements || stored.statements.length === 0) throw noPolicy();
      return { Policy: policyDocument(stored.statements), RevisionId: stored.policyRevision ?? '' };
    },

    removeLayerVersionPermission(ctx, input) {
      state.store.transaction(() => {
        const stored = requireLayer(ctx, input.LayerName, input.VersionNumber);
        if (input.RevisionId !== undefined && input.RevisionId !== stored.policyRevision) throw layerRevisionMismatch();
        const statements = stored.statements ?? [];
        if (!statements.some((statement) => statement.Sid === input.StatementId)) {
          const message = `Statement ${input.StatementId} is not found in resource policy.`;
          throw new ResourceNotFoundException(message, { Type: 'User', Message: message });
        }
        state.published.putLayerVersion(stored.arn.split(':')[4] as string, stored.arn.split(':')[3] as string, {
          ...stored,
          statements: statements.filter((statement) => statement.Sid !== input.StatementId),
          policyRevision: randomUUID(),
        });
      });
    },
  } satisfies Partial<LambdaOperations<RequestContext>>;
}

/** test_layer_policy_exceptions `layer_permission_wrong_revision`. */
function layerRevisionMismatch(): PreconditionFailedException {
  return new PreconditionFailedException(
    'The Revision Id provided does not match the latest Revision Id. Call the GetLayerPolicy API to retrieve the latest Revision Id',
    { Type: 'User' },
  );
}

/** test_layer_policy_exceptions `layer_permission_nopolicy_get`. */
export function noPolicy(): ResourceNotFoundException {
  const message = 'No policy is associated with the given resource.';
  return new ResourceNotFoundException(message, { Type: 'User', Message: message });
}
