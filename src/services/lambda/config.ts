/**
 * A function's configuration: the checks CreateFunction and UpdateFunctionConfiguration make
 * beyond the model's, and the configuration as AWS shows it, with AWS's defaults (Timeout 3,
 * MemorySize 128, 512 MB of ephemeral storage, x86_64, PassThrough tracing, a Text log format
 * in `/aws/lambda/<name>`). Shapes and defaults: shared/aws-reference/recorded-responses/
 * services/lambda_/test_lambda_api.snapshot.json `test_function_lifecycle`.
 */
import { createHash, randomUUID } from 'node:crypto';
import { ValidationException } from '../../errors/common.js';
import type * as T from '../../generated/lambda/types.js';
import type { FunctionConfiguration } from '../../generated/lambda/types.js';
import { deprecatedRuntime, environmentTooLarge, invalidParameter, unknownRuntime } from './errors.js';
import { logGroupOf } from './logs.js';
import { functionArn, latest } from './names.js';
import { checkRuntime } from './runtimes.js';

/** The documented limits (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). */
export const maxMemorySize = 10240;
export const maxTimeout = 900;
const maxEnvironmentBytes = 4096;

/**
 * Variables the runtime sets, which a function may not
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
 */
const reservedVariables = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
]);

/** Lambda's LastModified: `2024-05-01T12:00:00.000+0000`. */
export function lastModified(now: number): string {
  return new Date(now).toISOString().replace('Z', '+0000');
}

export function newRevisionId(): string {
  return randomUUID();
}

export function checkRuntimeName(runtime: string): void {
  const check = checkRuntime(runtime);
  if (check === 'deprecated') throw deprecatedRuntime(runtime);
  if (check === 'unknown') throw unknownRuntime(runtime);
}

/** The limits the model leaves open, in the front end's words (guessed: no recording). */
export function checkLimits(memorySize: number | undefined, timeout: number | undefined): void {
  const failures: string[] = [];
  if (memorySize !== undefined && memorySize > maxMemorySize) {
    failures.push(
      `Value '${memorySize}' at 'memorySize' failed to satisfy constraint: Member must have value less than or equal to ${maxMemorySize}`,
    );
  }
  if (timeout !== undefined && timeout > maxTimeout) {
    failures.push(
      `Value '${timeout}' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to ${maxTimeout}`,
    );
  }
  if (failures.length === 0) return;
  const count = failures.length;
  throw new ValidationException(`${count} validation error${count === 1 ? '' : 's'} detected: ${failures.join('; ')}`);
}

export function checkEnvironment(variables: Record<string, string> | undefined): void {
  if (!variables) return;
  const reserved = Object.keys(variables).filter((name) => reservedVariables.has(name));
  if (reserved.length > 0) {
    // Not recorded: the text AWS gives, as the AWS CLI shows it.
    throw invalidParameter(
      `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  }
  const measured = JSON.stringify(variables);
  if (Buffer.byteLength(measured, 'utf8') > maxEnvironmentBytes) throw environmentTooLarge(measured);
}

/** A stable stand-in for AWS's runtime version ARN: one per runtime and region. */
function runtimeVersionArn(region: string, runtime: string): string {
  const digest = createHash('sha256').update(`nimbus ${runtime}`).digest('hex');
  return `arn:aws:lambda:${region}::runtime:${digest}`;
}

export interface NewConfiguration {
  account: string;
  region: string;
  name: string;
  runtime: string;
  role: string;
  handler: string;
  description?: string;
  timeout?: number;
  memorySize?: number;
  variables?: Record<string, string>;
  tracingMode?: string;
  architectures?: string[];
  ephemeralStorage?: number;
  logFormat?: string;
  logGroup?: string;
  codeSha256: string;
  codeSize: number;
  now: number;
}

/** The stored configuration of a new function (Active, its last update Successful). */
export function newConfiguration(input: NewConfiguration): FunctionConfiguration {
  const config: FunctionConfiguration = {
    FunctionName: input.name,
    FunctionArn: functionArn(input.account, input.region, input.name),
    Runtime: input.runtime as FunctionConfiguration['Runtime'],
    Role: input.role,
    Handler: input.handler,
    CodeSize: input.codeSize,
    Description: input.description ?? '',
    Timeout: input.timeout ?? 3,
    MemorySize: input.memorySize ?? 128,
    LastModified: lastModified(input.now),
    CodeSha256: input.codeSha256,
    Version: latest,
    TracingConfig: { Mode: (input.tracingMode ?? 'PassThrough') as 'PassThrough' },
    RevisionId: newRevisionId(),
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
    Architectures: (input.architectures ?? ['x86_64']) as Array<'x86_64'>,
    EphemeralStorage: { Size: input.ephemeralStorage ?? 512 },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    RuntimeVersionConfig: { RuntimeVersionArn: runtimeVersionArn(input.region, input.runtime) },
    LoggingConfig: {
      LogFormat: (input.logFormat ?? 'Text') as 'Text',
      LogGroup: input.logGroup ?? logGroupOf(input.name),
    },
  };
  if (input.variables !== undefined) config.Environment = { Variables: input.variables };
  return config;
}

export function withRuntimeVersion(config: FunctionConfiguration, region: string): FunctionConfiguration {
  return { ...config, RuntimeVersionConfig: { RuntimeVersionArn: runtimeVersionArn(region, config.Runtime ?? '') } };
}

/**
 * The answer of CreateFunction: Pending with "The function is being created.", and a revision
 * of its own (AWS moves to Active at once here, with a new revision, which GetFunction shows).
 */
export function pendingView(config: FunctionConfiguration): FunctionConfiguration {
  const { LastUpdateStatus: _status, ...rest } = config;
  return {
    ...rest,
    State: 'Pending',
    StateReason: 'The function is being created.',
    StateReasonCode: 'Creating',
    RevisionId: newRevisionId(),
  };
}

/**
 * The answer of an update: InProgress, in AWS's words (which say "being created" for updates
 * too: test_function_lifecycle `update_func_conf_response`), with a revision of its own.
 */
export function inProgressView(config: FunctionConfiguration): FunctionConfiguration {
  return {
    ...config,
    LastUpdateStatus: 'InProgress',
    LastUpdateStatusReason: 'The function is being created.',
    // Not in the model's enum, but what AWS answers.
    LastUpdateStatusReasonCode: 'Creating' as T.LastUpdateStatusReasonCode,
    RevisionId: newRevisionId(),
  };
}

/** ListFunctions shows neither state nor runtime version (test_list_functions). */
export function listView(config: FunctionConfiguration, qualified: boolean): FunctionConfiguration {
  const {
    State: _state,
    StateReason: _reason,
    StateReasonCode: _code,
    LastUpdateStatus: _update,
    RuntimeVersionConfig: _runtimeVersion,
    ...rest
  } = config;
  return qualified ? { ...rest, FunctionArn: `${config.FunctionArn}:${latest}` } : rest;
}
