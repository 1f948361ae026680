import { Command } from 'commander';
import { formatApply, formatPlan } from '@countersign/subscriptions';
import { EXIT } from '../../exit-codes.js';
import { confirm, explainSkipped, print, select, withSelection, type CommandContext, type SelectionOptions } from './shared.js';

export function removeCommand(context: CommandContext): Command {
  return withSelection(new Command('remove'))
    .description("remove the endpoints' subscriptions from their platforms (SignIt, which cannot delete: switch them off); asks first")
    .option('-y, --yes', 'remove without asking (scripts, CI); required when stdin is not a terminal')
    .action(async (options: SelectionOptions & { yes?: boolean }) => {
      const { manager, endpoints, skipped } = select(context, options);
      const plan = await manager.planRemoval({ endpoints });
      explainSkipped(plan.endpoints, skipped);
      const readFailed = plan.endpoints.some((e) => e.status === 'failed');
      if (options.json !== true) for (const line of formatPlan(plan)) context.io.out(line);
      if (plan.changes === 0) {
        if (options.json === true) print(context, options, { plan, applied: null }, []);
        else context.io.out('Nothing to remove.');
        if (readFailed) context.exitCode = EXIT.PLATFORM;
        return;
      }
      if (!(await confirm(context, `Remove ${plan.changes} subscription(s)?`, options.yes))) return;
      const result = await manager.apply(plan);
      print(context, options, { plan, applied: result }, formatApply(result));
      if (readFailed || result.failed > 0) context.exitCode = EXIT.PLATFORM;
    });
}
