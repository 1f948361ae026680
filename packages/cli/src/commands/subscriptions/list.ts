import { Command } from 'commander';
import { formatListing } from '@countersign/subscriptions';
import { EXIT } from '../../exit-codes.js';
import { explainSkipped, print, select, withSelection, type CommandContext, type SelectionOptions } from './shared.js';

export function listCommand(context: CommandContext): Command {
  return withSelection(new Command('list'))
    .description("list what each platform has where the endpoint's subscription lives, the endpoint's own marked with *")
    .action(async (options: SelectionOptions) => {
      const { manager, endpoints, skipped } = select(context, options);
      const listings = explainSkipped(await manager.list({ endpoints }), skipped);
      print(context, options, listings, formatListing(listings));
      if (listings.some((l) => l.status === 'failed')) context.exitCode = EXIT.PLATFORM;
    });
}
