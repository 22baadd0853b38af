/** Runs the `nimbus` command as a real process, for tests of the CLI and of crash safety. */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export const cliPath = join(process.cwd(), 'dist', 'src', 'cli.js');

export interface NimbusProcess {
  child: ChildProcess;
  endpoint: string;
  readyLine: string;
}

/** Starts `nimbus` with the given arguments and waits for its ready line. */
export function spawnNimbus(args: string[], env: Record<string, string> = {}): Promise<NimbusProcess> {
  const child = spawn(process.execPath, [cliPath, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    let errors = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`nimbus did not get ready: ${output}${errors}`));
    }, 10_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.includes(' ready at '));
      const match = line ? /ready at (http:\/\/\S+)/.exec(line) : null;
      if (line && match) {
        clearTimeout(timer);
        resolve({ child, endpoint: match[1] as string, readyLine: line });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nimbus exited with ${code}: ${output}${errors}`));
    });
  });
}

/** Kills a process with SIGKILL and waits until it is gone. */
export function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
