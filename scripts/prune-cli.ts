/** Entry point of `npm run prune`; see src/node/prune-command.ts. */
import { enableNodeKernelThreads } from '../src/node/kernel-threads';
import { runPruneCommand } from '../src/node/prune-command';

// The calibration pass shares its strips with one helper thread per extra core.
enableNodeKernelThreads();

process.exitCode = await runPruneCommand(process.argv.slice(2), {
  stdout: (line) => console.log(line),
  stderr: (line) => console.error(line),
});
