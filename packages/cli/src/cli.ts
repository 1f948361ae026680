/** The `countersign` executable (bin/countersign.js loads the build of this file). */
import { run } from './program.js';

// Exit once the command is done, after stdout and stderr are flushed: a connection still closing (Redis that was
// never reached) must not keep the process alive. `dev` resolves only when it is stopped.
void run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
});
