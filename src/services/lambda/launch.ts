/**
 * What an execution environment's process is: the command for its runtime (runtimes.ts) and
 * the environment AWS gives a function
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime;
 * test_lambda_init_environment recorded the whole set), with these local differences:
 * - LAMBDA_TASK_ROOT is the extracted code's directory, not /var/task;
 * - AWS_ENDPOINT_URL names Nimbus, so that SDK calls made inside the function come back here;
 * - NODE_PATH lists Nimbus's own node_modules, so that `require('@aws-sdk/client-s3')` works
 *   without bundling, as the AWS SDK is preinstalled in AWS's Node.js runtimes. ES modules do
 *   not read NODE_PATH: for them the code directories' parent holds a `node_modules` symbolic
 *   link to the same directory (see `linkNodeModules`), which Node finds by walking up from the
 *   importing file;
 * - PATH and HOME pass through from Nimbus (interpreters and version managers need them); no
 *   other variable of Nimbus's own environment does.
 */
import { existsSync } from 'node:fs';
import { symlink } from 'node:fs/promises';
import { basename, delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { missingInterpreter, pythonInterpreter, runtimeFamily } from './runtimes.js';

export interface LaunchSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

/** Why a runtime cannot start, as the invocation's error. */
export interface LaunchFailure {
  errorType: string;
  errorMessage: string;
}

export interface LaunchInput {
  runtime: string;
  handler: string;
  taskRoot: string;
  functionName: string;
  memorySize: number;
  region: string;
  logGroup: string;
  logStream: string;
  runtimeApi: string;
  /** A Unix socket the same Runtime API answers on, for our Node.js and Python runtimes (runtime-local.ts). */
  runtimeApiSocket?: string;
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  variables: Record<string, string>;
  /** Where the provider wrote the Python runtime's bootstrap. */
  pythonBootstrap: string;
  /** `$LATEST` or the published version the environment runs. */
  version?: string;
  /** The function's layers, extracted in order into one directory: what AWS mounts at /opt. */
  optDir?: string;
}

/** The file descriptor our bootstraps write whole log records to (one JSON string a line). */
export const logRecordFd = 3;

const nodeBootstrap = fileURLToPath(new URL('./runtimes/node-bootstrap.cjs', import.meta.url));

let nodeModules: string[] | undefined;

/**
 * Every node_modules directory above this module, nearest first (Nimbus's own dependencies).
 * Looked up once: it is synchronous file-system work, and each environment's start needs it.
 */
export function nimbusNodeModules(): string[] {
  nodeModules ??= findNodeModules();
  return nodeModules;
}

function findNodeModules(): string[] {
  const found: string[] = [];
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (basename(dir) === 'node_modules') found.push(dir);
    else if (existsSync(join(dir, 'node_modules'))) found.push(join(dir, 'node_modules'));
    const parent = dirname(dir);
    if (parent === dir) return [...new Set(found)];
    dir = parent;
  }
}

/** Makes `<codeRoot>/node_modules` point at the nearest node_modules that holds the AWS SDK. */
export async function linkNodeModules(codeRoot: string): Promise<void> {
  const target = nimbusNodeModules().find((dir) => existsSync(join(dir, '@aws-sdk')));
  if (!target) return;
  await symlink(target, join(codeRoot, 'node_modules'), 'dir').catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
}

export function launchSpec(input: LaunchInput): LaunchSpec | LaunchFailure {
  const family = runtimeFamily(input.runtime);
  const env: Record<string, string> = {
    AWS_LAMBDA_FUNCTION_NAME: input.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: input.version ?? '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(input.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: input.logGroup,
    AWS_LAMBDA_LOG_STREAM_NAME: input.logStream,
    AWS_LAMBDA_RUNTIME_API: input.runtimeApi,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_EXECUTION_ENV: `AWS_Lambda_${input.runtime}`,
    AWS_REGION: input.region,
    AWS_DEFAULT_REGION: input.region,
    AWS_ACCESS_KEY_ID: input.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: input.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: input.credentials.sessionToken,
    AWS_ENDPOINT_URL: input.endpoint,
    _HANDLER: input.handler,
    LAMBDA_TASK_ROOT: input.taskRoot,
    LAMBDA_RUNTIME_DIR: dirname(nodeBootstrap),
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    NIMBUS_LOG_FD: String(logRecordFd),
  };
  for (const name of ['PATH', 'HOME', 'SYSTEMROOT']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  const opt = input.optDir;
  if (opt !== undefined) {
    // Layers: /opt is not ours to write, so the directory is named here and in the search paths
    // AWS's runtimes give /opt (https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html#packaging-layers-paths).
    env.NIMBUS_LAMBDA_OPT = opt;
    env.PATH = [join(opt, 'bin'), env.PATH].filter((part) => part !== undefined).join(delimiter);
  }
  Object.assign(env, input.variables);
  const base = { env, cwd: input.taskRoot };
  switch (family) {
    case 'node': {
      const layerPaths =
        opt === undefined ? [] : [join(opt, 'nodejs', 'node_modules'), join(opt, 'nodejs', 'node20', 'node_modules')];
      env.NODE_PATH = [input.taskRoot, ...layerPaths, ...nimbusNodeModules()].join(delimiter);
      if (input.runtimeApiSocket !== undefined) env.NIMBUS_RUNTIME_API_SOCKET = input.runtimeApiSocket;
      return { ...base, command: process.execPath, args: [nodeBootstrap] };
    }
    case 'python': {
      const python = pythonInterpreter();
      if (!python) return { errorType: 'Runtime.Unavailable', errorMessage: missingInterpreter(input.runtime) };
      if (opt !== undefined) {
        env.PYTHONPATH = [join(opt, 'python'), join(opt, 'python', 'lib', input.runtime, 'site-packages')].join(
          delimiter,
        );
      }
      if (input.runtimeApiSocket !== undefined) env.NIMBUS_RUNTIME_API_SOCKET = input.runtimeApiSocket;
      env.PYTHONUNBUFFERED = '1';
      env.PYTHONDONTWRITEBYTECODE = '1';
      return { ...base, command: python, args: [input.pythonBootstrap] };
    }
    case 'provided':
      return { ...base, command: join(input.taskRoot, 'bootstrap'), args: [] };
    default:
      return { errorType: 'Runtime.Unavailable', errorMessage: missingInterpreter(input.runtime) };
  }
}
