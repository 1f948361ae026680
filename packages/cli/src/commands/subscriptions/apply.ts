import { Command } from 'commander';
import { carryOut, select, withSelection, type CommandContext, type SelectionOptions } from './shared.js';

export function applyCommand(context: CommandContext): Command {
  return withSelection(new Command('apply'))
    .description('create, change and remove subscriptions so each platform matches the receiver; shows the plan and asks first')
    .option('-y, --yes', 'apply without asking (scripts, CI); required when stdin is not a terminal')
    .action(async (options: SelectionOptions & { yes?: boolean }) => {
      const selected = select(context, options);
      const plan = await selected.manager.plan({ endpoints: selected.endpoints });
      await carryOut(context, options, selected, plan, { question: 'Apply %d change(s)?', nothing: 'Nothing to change.' });
    });
}
