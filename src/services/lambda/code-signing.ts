/**
 * Code signing configurations and the functions that use them, kept and answered as Lambda
 * answers them. Nimbus checks no signatures (there is no AWS Signer here): a configuration is a
 * record that deployment tools write and read back. Terraform's aws_lambda_function reads
 * GetFunctionCodeSigningConfig on every refresh of a zip function, and fails on any error.
 * Texts: shared/aws-reference/recorded-responses/services/lambda_/test_lambda_api
 * (TestCodeSigningConfig test_function_code_signing_config, test_code_signing_not_found_excs).
 */
import { randomBytes } from 'node:crypto';
import {
  CodeSigningConfigNotFoundException,
  ResourceConflictException,
  ResourceNotFoundException,
} from '../../generated/lambda/errors.js';
import type { LambdaOperations } from '../../generated/lambda/operations.js';
import type * as T from '../../generated/lambda/types.js';
import type { Database, Migration } from '../../state/database.js';
import type { RequestContext } from '../service-types.js';
import { lastModified } from './config.js';
import { functionNotFound, invalidParameter } from './errors.js';
import { functionArn, parseFunctionRef } from './names.js';
import type { LambdaState } from './state.js';

export const codeSigningMigrations: Migration[] = [
  {
    version: 4,
    sql: `
    CREATE TABLE lambda_code_signing_configs (
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      id TEXT NOT NULL,
      config TEXT NOT NULL,
      PRIMARY KEY (account, region, id)
    ) WITHOUT ROWID;
    CREATE TABLE lambda_function_code_signing (
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      name TEXT NOT NULL,
      config_id TEXT NOT NULL,
      PRIMARY KEY (account, region, name)
    ) WITHOUT ROWID;
    `,
  },
];

export class CodeSigningStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  get(account: string, region: string, id: string): T.CodeSigningConfig | undefined {
    const row = this.#db
      .prepare('SELECT config FROM lambda_code_signing_configs WHERE account = ? AND region = ? AND id = ?')
      .get(account, region, id) as { config: string } | undefined;
    return row ? (JSON.parse(row.config) as T.CodeSigningConfig) : undefined;
  }

  put(account: string, region: string, config: T.CodeSigningConfig): void {
    this.#db
      .prepare(
        `INSERT INTO lambda_code_signing_configs (account, region, id, config) VALUES (?, ?, ?, ?)
         ON CONFLICT (account, region, id) DO UPDATE SET config = excluded.config`,
      )
      .run(account, region, config.CodeSigningConfigId, JSON.stringify(config));
  }

  delete(account: string, region: string, id: string): void {
    this.#db
      .prepare('DELETE FROM lambda_code_signing_configs WHERE account = ? AND region = ? AND id = ?')
      .run(account, region, id);
  }

  /** Configurations in id order after `after`. */
  list(account: string, region: string, after: string, limit: number): T.CodeSigningConfig[] {
    const rows = this.#db
      .prepare(
        'SELECT config FROM lambda_code_signing_configs WHERE account = ? AND region = ? AND id > ? ORDER BY id LIMIT ?',
      )
      .all(account, region, after, limit) as Array<{ config: string }>;
    return rows.map((row) => JSON.parse(row.config) as T.CodeSigningConfig);
  }

  configOf(account: string, region: string, name: string): string | undefined {
    const row = this.#db
      .prepare('SELECT config_id FROM lambda_function_code_signing WHERE account = ? AND region = ? AND name = ?')
      .get(account, region, name) as { config_id: string } | undefined;
    return row?.config_id;
  }

  link(account: string, region: string, name: string, id: string): void {
    this.#db
      .prepare(
        `INSERT INTO lambda_function_code_signing (account, region, name, config_id) VALUES (?, ?, ?, ?)
         ON CONFLICT (account, region, name) DO UPDATE SET config_id = excluded.config_id`,
      )
      .run(account, region, name, id);
  }

  /** Forgets a function's configuration (DeleteFunctionCodeSigningConfig, DeleteFunction). */
  unlink(account: string, region: string, name: string): void {
    this.#db
      .prepare('DELETE FROM lambda_function_code_signing WHERE account = ? AND region = ? AND name = ?')
      .run(account, region, name);
  }

  /** Names of the functions using a configuration, in name order after `after`. */
  functionsUsing(account: string, region: string, id: string, after: string, limit: number): string[] {
    const rows = this.#db
      .prepare(
        `SELECT name FROM lambda_function_code_signing WHERE account = ? AND region = ? AND config_id = ? AND name > ?
         ORDER BY name LIMIT ?`,
      )
      .all(account, region, id, after, limit) as Array<{ name: string }>;
    return rows.map((row) => row.name);
  }
}

const arnPattern = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):code-signing-config:(csc-[a-z0-9]{17})$/;

/** `The Lambda code signing configuration <arn> can not be found.` (no Type member, as recorded). */
function configNotFound(arn: string): ResourceNotFoundException {
  return new ResourceNotFoundException(`The Lambda code signing configuration ${arn} can not be found.`);
}

/** CodeSigningConfigNotFoundException (put_function_csc_invalid_csc_arn). */
function notFoundForFunction(arn: string): CodeSigningConfigNotFoundException {
  return new CodeSigningConfigNotFoundException(
    `The code signing configuration cannot be found. Check that the provided configuration is not deleted: ${arn}.`,
    { Type: 'User' },
  );
}

/** The configuration an ARN names in an account and region, or undefined. */
function findConfig(store: CodeSigningStore, account: string, region: string, arn: string) {
  const match = arnPattern.exec(arn);
  if (!match || match[1] !== region || match[2] !== account) return undefined;
  return store.get(account, region, match[3] as string);
}

/** Attaches the configuration a CreateFunction names, in its transaction (refused when unknown). */
export function attachOnCreate(state: LambdaState, account: string, region: string, name: string, arn: string): void {
  const config = findConfig(state.codeSigning, account, region, arn);
  if (!config) throw notFoundForFunction(arn);
  state.codeSigning.link(account, region, name, config.CodeSigningConfigId);
}

const untrusted: ReadonlySet<string> = new Set(['Warn', 'Enforce']);

function checkPublishers(publishers: T.AllowedPublishers | undefined): T.AllowedPublishers {
  const arns = publishers?.SigningProfileVersionArns;
  if (!Array.isArray(arns) || arns.length < 1 || arns.length > 20) {
    throw invalidParameter('AllowedPublishers must contain between 1 and 20 signing profile version ARNs.');
  }
  return { SigningProfileVersionArns: [...arns] };
}

function checkPolicies(policies: T.CodeSigningPolicies | undefined): T.CodeSigningPolicies {
  // Warn is the default (https://docs.aws.amazon.com/lambda/latest/api/API_CodeSigningPolicies.html).
  const value = policies?.UntrustedArtifactOnDeployment ?? 'Warn';
  if (!untrusted.has(value)) {
    throw invalidParameter(
      `1 validation error detected: Value '${value}' at 'codeSigningPolicies.untrustedArtifactOnDeployment' failed to satisfy constraint: Member must satisfy enum value set: [Warn, Enforce]`,
    );
  }
  return { UntrustedArtifactOnDeployment: value };
}

function pageSize(maxItems: number | undefined): number {
  return maxItems === undefined ? 50 : Math.min(Math.max(maxItems, 1), 10_000);
}

export function codeSigningOperations(state: LambdaState) {
  const store = state.codeSigning;

  /** The configuration an ARN names in the caller's account and region, or undefined. */
  const find = (ctx: RequestContext, arn: string) => findConfig(store, ctx.account, ctx.region, arn);

  function required(ctx: RequestContext, arn: string): T.CodeSigningConfig {
    const config = find(ctx, arn);
    if (!config) throw configNotFound(arn);
    return config;
  }

  /** The unqualified function a request names; its ARN in the message when it does not exist. */
  function existingFunction(ctx: RequestContext, name: string) {
    const ref = parseFunctionRef(ctx, name);
    const fn = state.store.get(ref.account, ref.region, ref.name);
    if (!fn) throw functionNotFound(functionArn(ref.account, ref.region, ref.name));
    return fn;
  }

  return {
    createCodeSigningConfig(ctx, input) {
      const id = `csc-${randomBytes(9).toString('hex').slice(0, 17)}`;
      const config: T.CodeSigningConfig = {
        CodeSigningConfigId: id,
        CodeSigningConfigArn: `arn:${ctx.partition}:lambda:${ctx.region}:${ctx.account}:code-signing-config:${id}`,
        Description: input.Description ?? '',
        AllowedPublishers: checkPublishers(input.AllowedPublishers),
        CodeSigningPolicies: checkPolicies(input.CodeSigningPolicies),
        LastModified: lastModified(state.now()),
      };
      store.put(ctx.account, ctx.region, config);
      return { CodeSigningConfig: config };
    },

    getCodeSigningConfig(ctx, input) {
      return { CodeSigningConfig: required(ctx, input.CodeSigningConfigArn) };
    },

    updateCodeSigningConfig(ctx, input) {
      const config = { ...required(ctx, input.CodeSigningConfigArn) };
      // A request that changes nothing answers the configuration as it is (update_csc_noupdate_response).
      if (input.Description === undefined && !input.AllowedPublishers && !input.CodeSigningPolicies) {
        return { CodeSigningConfig: config };
      }
      if (input.Description !== undefined) config.Description = input.Description;
      if (input.AllowedPublishers) config.AllowedPublishers = checkPublishers(input.AllowedPublishers);
      if (input.CodeSigningPolicies) config.CodeSigningPolicies = checkPolicies(input.CodeSigningPolicies);
      config.LastModified = lastModified(state.now());
      store.put(ctx.account, ctx.region, config);
      return { CodeSigningConfig: config };
    },

    deleteCodeSigningConfig(ctx, input) {
      const config = required(ctx, input.CodeSigningConfigArn);
      // Only a configuration no function uses may go (https://docs.aws.amazon.com/lambda/latest/api/API_DeleteCodeSigningConfig.html).
      // Not recorded: the text is ours.
      if (store.functionsUsing(ctx.account, ctx.region, config.CodeSigningConfigId, '', 1).length > 0) {
        throw new ResourceConflictException(
          `The code signing configuration ${config.CodeSigningConfigArn} is used by one or more functions.`,
          { Type: 'User' },
        );
      }
      store.delete(ctx.account, ctx.region, config.CodeSigningConfigId);
      return {};
    },

    listCodeSigningConfigs(ctx, input) {
      const limit = pageSize(input.MaxItems);
      const configs = store.list(ctx.account, ctx.region, input.Marker ?? '', limit + 1);
      const page = configs.slice(0, limit);
      const out: T.ListCodeSigningConfigsResponse = { CodeSigningConfigs: page };
      if (configs.length > limit) out.NextMarker = page[page.length - 1]?.CodeSigningConfigId;
      return out;
    },

    putFunctionCodeSigningConfig(ctx, input) {
      // The configuration is looked up first: with both unknown, it is the one named (put_function_csc_invalid_both).
      const config = find(ctx, input.CodeSigningConfigArn);
      if (!config) throw notFoundForFunction(input.CodeSigningConfigArn);
      const fn = existingFunction(ctx, input.FunctionName);
      store.link(fn.account, fn.region, fn.name, config.CodeSigningConfigId);
      return { CodeSigningConfigArn: config.CodeSigningConfigArn, FunctionName: fn.name };
    },

    getFunctionCodeSigningConfig(ctx, input) {
      const fn = existingFunction(ctx, input.FunctionName);
      const id = store.configOf(fn.account, fn.region, fn.name);
      const config = id === undefined ? undefined : store.get(fn.account, fn.region, id);
      // A function without one: an empty answer (get_function_csc_fnwithoutcsc).
      if (!config) return {} as T.GetFunctionCodeSigningConfigResponse;
      return { CodeSigningConfigArn: config.CodeSigningConfigArn, FunctionName: fn.name };
    },

    deleteFunctionCodeSigningConfig(ctx, input) {
      const fn = existingFunction(ctx, input.FunctionName);
      store.unlink(fn.account, fn.region, fn.name);
    },

    listFunctionsByCodeSigningConfig(ctx, input) {
      const config = required(ctx, input.CodeSigningConfigArn);
      const limit = pageSize(input.MaxItems);
      const names = store.functionsUsing(
        ctx.account,
        ctx.region,
        config.CodeSigningConfigId,
        input.Marker ?? '',
        limit + 1,
      );
      const page = names.slice(0, limit);
      const out: T.ListFunctionsByCodeSigningConfigResponse = {
        FunctionArns: page.map((name) => functionArn(ctx.account, ctx.region, name)),
      };
      if (names.length > limit) out.NextMarker = page[page.length - 1];
      return out;
    },
  } satisfies Partial<LambdaOperations<RequestContext>>;
}
