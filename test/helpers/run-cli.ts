import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root, so the CLI resolves `config/exchanges.yaml` as `npm start` does. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Result of a finished CLI run. */
export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts the CLI from source (`node --import tsx src/cli.ts`), as a real child process. */
export function startCli(args: readonly string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Collects a child's output until it exits. */
export function finished(child: ChildProcess): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      // 'exit' can fire before the pipes drain; 'close' waits for them.
      child.on('close', () => resolve({ code, signal, stdout, stderr }));
    });
  });
}

/** Runs the CLI to completion. */
export function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return finished(startCli(args, env));
}

/** Resolves once the child's stdout contains `text`; rejects when it exits first. */
export function waitForOutput(child: ChildProcess, text: string | RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (typeof text === 'string' ? seen.includes(text) : text.test(seen)) {
        child.stdout?.off('data', onData);
        resolve(seen);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing ${String(text)}; saw:\n${seen}`)));
  });
}
