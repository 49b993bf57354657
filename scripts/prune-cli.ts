/** Entry point of `npm run prune`; see src/node/prune-command.ts. */
import { runPruneCommand } from '../src/node/prune-command';

process.exitCode = await runPruneCommand(process.argv.slice(2), {
  stdout: (line) => console.log(line),
  stderr: (line) => console.error(line),
});
