import { Command, CommanderError } from 'commander';
import { deadLettersCommand } from './commands/dead-letters/index.js';
import { devCommand } from './commands/dev.js';
import { sendCommand } from './commands/send.js';
import { subscriptionsCommand } from './commands/subscriptions/index.js';
import type { CommandContext } from './commands/subscriptions/shared.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import { processIo, type CliIo } from './io.js';

const VERSION = '0.1.0';

/** The `countersign` program. Each command (group) lives in its own module under `commands/` and is added here. */
export function createProgram(context: CommandContext): Command {
  const program = new Command('countersign')
    .description('countersign: receive e-signature webhooks safely. Send test deliveries, run a local receiver, steer dead letters and the platforms\' subscriptions.')
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeOut: (s) => context.io.out(s.replace(/\n$/, '')), writeErr: (s) => context.io.err(s.replace(/\n$/, '')) })
    .exitOverride();
  program.addCommand(sendCommand(context));
  program.addCommand(deadLettersCommand(context));
  program.addCommand(devCommand(context));
  program.addCommand(subscriptionsCommand(context));
  // Every command answers --help, and reports usage errors through the same exit code.
  const configure = (command: Command): void => {
    command.exitOverride().configureOutput(program.configureOutput()).showHelpAfterError('(add --help for usage)');
    for (const sub of command.commands) configure(sub);
  };
  for (const command of program.commands) configure(command);
  return program;
}

/** Run `countersign` with `argv` (without `node` and the script); resolves to the exit code. */
export async function run(argv: readonly string[], io: CliIo = processIo()): Promise<ExitCode> {
  const context: CommandContext = { io, exitCode: EXIT.OK };
  const program = createProgram(context);
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT.USAGE;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return context.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exit code 0.
      return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    if (error instanceof CliError) {
      io.err(`countersign: ${error.message}`);
      return error.exitCode;
    }
    io.err(`countersign: unexpected failure: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.PLATFORM;
  }
}
