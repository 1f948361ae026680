import { Command } from 'commander';
import { carryOut, select, withSelection, type CommandContext, type SelectionOptions } from './shared.js';

export function removeCommand(context: CommandContext): Command {
  return withSelection(new Command('remove'))
    .description("remove the endpoints' subscriptions from their platforms (SignIt, which cannot delete: switch them off); asks first")
    .option('-y, --yes', 'remove without asking (scripts, CI); required when stdin is not a terminal')
    .action(async (options: SelectionOptions & { yes?: boolean }) => {
      const selected = select(context, options);
      const plan = await selected.manager.planRemoval({ endpoints: selected.endpoints });
      await carryOut(context, options, selected, plan, { question: 'Remove %d subscription(s)?', nothing: 'Nothing to remove.' });
    });
}
