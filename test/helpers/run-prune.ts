import { runPruneCommand } from '../../src/node/prune-command';

/** Runs the prune command in-process, capturing its stdout and stderr lines and its duration. */
export async function runPruneCapturing(argv: string[]): Promise<{ code: number; stdout: string[]; stderr: string[]; ms: number }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const started = performance.now();
  const code = await runPruneCommand(argv, { stdout: (line) => stdout.push(line), stderr: (line) => stderr.push(line) });
  return { code, stdout, stderr, ms: performance.now() - started };
}
