import { Command } from 'commander';
import { formatCheck } from '@countersign/subscriptions';
import { EXIT } from '../../exit-codes.js';
import { explainSkipped, print, select, withSelection, type CommandContext, type SelectionOptions } from './shared.js';

interface CheckCommandOptions extends SelectionOptions {
  handled?: string[];
  testDelivery?: boolean;
  docstudioEnvelope?: string;
  strict?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];

export function checkCommand(context: CommandContext): Command {
  return withSelection(new Command('check'))
    .description('compare what each platform has with what the receiver expects; print every mismatch with its fix (changes nothing)')
    .option('--handled <names>', 'event names your handlers are registered for, as given to receiver.on() (e.g. docstudio:COMPLETED,adobe-sign:AGREEMENT): reports subscribed events nothing handles', collect)
    .option('--test-delivery', "fire a delivery at the live receiver and report its answer: DocStudio's send, Ignisign's resend of the newest delivery, Acrobat Sign's intent GET (handlers run as for a real event)")
    .option('--docstudio-envelope <uuid>', "the envelope DocStudio's test delivery is about (default: DOCSTUDIO_TEST_ENVELOPE)")
    .option('--strict', 'exit 1 on warnings too')
    .addHelpText('after', '\nExit codes: 0 no error-level mismatch, 1 mismatches (see --strict), 2 usage, 3 configuration, 4 a platform API failed.')
    .action(async (options: CheckCommandOptions) => {
      const { manager, endpoints, skipped } = select(context, options);
      const report = await manager.check({
        endpoints,
        handled: options.handled,
        testDelivery: options.testDelivery === true,
        docstudioEnvelope: options.docstudioEnvelope ?? (context.io.env.DOCSTUDIO_TEST_ENVELOPE || undefined),
      });
      explainSkipped(report.endpoints, skipped);
      print(context, options, report, formatCheck(report));
      const failing = report.findings.filter((f) => f.severity === 'error' || options.strict === true);
      if (report.endpoints.some((e) => e.status === 'failed')) context.exitCode = EXIT.PLATFORM;
      else if (failing.length > 0) context.exitCode = EXIT.DRIFT;
    });
}
