/**
 * Which runtimes Lambda accepts and how Nimbus runs each one as a plain process:
 * - `nodejs*`: this Node.js runs our bootstrap (runtimes/node-bootstrap.ts), which loads the
 *   handler from the task root;
 * - `python3.*`: the machine's `python3` runs our bootstrap (runtimes/python-bootstrap.ts),
 *   standard library only;
 * - `provided.al2`, `provided.al2023`: the function's own `bootstrap` executable.
 * Others AWS accepts (Java, .NET, Ruby) are stored and listed, and their invocations answer an
 * error that says what is missing.
 *
 * The accepted set is AWS's (shared/aws-reference/recorded-responses/services/lambda_/
 * test_lambda_api.snapshot.json `test_create_lambda_exceptions`, the enum of `invalid_runtime_exc`)
 * plus those newer than that recording; the model's other values are runtimes AWS no longer lets
 * a function be created or updated with (TestRuntimeValidation).
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** AWS's set when recorded, and ruby4.0, which came after it. */
const accepted = new Set([
  'nodejs20.x',
  'python3.14',
  'provided.al2023',
  'python3.12',
  'python3.13',
  'nodejs24.x',
  'nodejs22.x',
  'java25',
  'python3.10',
  'python3.11',
  'java21',
  'ruby3.3',
  'ruby3.4',
  'ruby3.2',
  'python3.8',
  'python3.9',
  'java17',
  'nodejs16.x',
  'dotnet10',
  'dotnet8',
  'java11',
  'dotnet6',
  'nodejs18.x',
  'provided.al2',
  'java8.al2',
  'ruby4.0',
]);

/** The model's runtimes that AWS refuses for new functions and updates. */
const deprecated = new Set([
  'nodejs',
  'nodejs4.3',
  'nodejs6.10',
  'nodejs8.10',
  'nodejs10.x',
  'nodejs12.x',
  'nodejs14.x',
  'java8',
  'python2.7',
  'python3.6',
  'python3.7',
  'dotnetcore1.0',
  'dotnetcore2.0',
  'dotnetcore2.1',
  'dotnetcore3.1',
  'nodejs4.3-edge',
  'go1.x',
  'ruby2.5',
  'ruby2.7',
  'provided',
]);

export type RuntimeCheck = 'accepted' | 'deprecated' | 'unknown';

export function checkRuntime(runtime: string): RuntimeCheck {
  if (accepted.has(runtime)) return 'accepted';
  return deprecated.has(runtime) ? 'deprecated' : 'unknown';
}

export type RuntimeFamily = 'node' | 'python' | 'provided' | 'other';

export function runtimeFamily(runtime: string): RuntimeFamily {
  if (runtime.startsWith('nodejs')) return 'node';
  if (runtime.startsWith('python')) return 'python';
  if (runtime.startsWith('provided')) return 'provided';
  return 'other';
}

/** The first of `names` found as an executable on PATH. */
export function findOnPath(names: string[], path = process.env.PATH ?? ''): string | undefined {
  for (const name of names) {
    for (const dir of path.split(delimiter)) {
      if (!dir) continue;
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // Not here.
      }
    }
  }
  return undefined;
}

/**
 * The interpreter for every Python runtime: the machine's `python3` (the handler API has not
 * changed between minor versions; the version a function names matters only to code that
 * checks it), or NIMBUS_LAMBDA_PYTHON. Not `python3.X` first: version managers (pyenv) put a
 * shim for every version on PATH that fails when that version is not the selected one.
 */
export function pythonInterpreter(): string | undefined {
  const override = process.env.NIMBUS_LAMBDA_PYTHON;
  if (override) return override;
  return findOnPath(['python3']);
}

/** Why Nimbus cannot start a runtime on this machine, in words that say what to install. */
export function missingInterpreter(runtime: string): string {
  const family = runtimeFamily(runtime);
  if (family === 'python') {
    return `Nimbus runs ${runtime} functions with the machine's python3 and found none on PATH: install Python 3 (Debian and Ubuntu: apt-get install python3; for boto3 inside functions also python3-boto3), or set NIMBUS_LAMBDA_PYTHON to an interpreter`;
  }
  return `Nimbus cannot run ${runtime} functions yet: it runs nodejs, python and provided (custom runtime) functions as local processes`;
}
