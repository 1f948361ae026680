import { Command } from 'commander';
import { formatPlan } from '@countersign/subscriptions';
import { EXIT } from '../../exit-codes.js';
import { explainSkipped, print, select, withSelection, type CommandContext, type SelectionOptions } from './shared.js';

export function planCommand(context: CommandContext): Command {
  return withSelection(new Command('plan'))
    .description('show what `apply` would create, change and remove so each platform matches the receiver (changes nothing)')
    .action(async (options: SelectionOptions) => {
      const { manager, endpoints, skipped } = select(context, options);
      const plan = await manager.plan({ endpoints });
      explainSkipped(plan.endpoints, skipped);
      print(context, options, plan, formatPlan(plan));
      if (plan.endpoints.some((e) => e.status === 'failed')) context.exitCode = EXIT.PLATFORM;
    });
}
