import { Command } from 'commander';
import { applyCommand } from './apply.js';
import { checkCommand } from './check.js';
import { listCommand } from './list.js';
import { planCommand } from './plan.js';
import { removeCommand } from './remove.js';
import type { CommandContext } from './shared.js';

/** `countersign subscriptions plan | apply | list | check | remove`. */
export function subscriptionsCommand(context: CommandContext): Command {
  return new Command('subscriptions')
    .description("register, list, check and remove each platform's webhook from the receiver's configuration (the examples' environment)")
    .addHelpText(
      'after',
      `
Environment: the receiver's (ADOBE_SIGN_CLIENT_IDS, IGNISIGN_APP_ID, IGNISIGN_APP_ENV, IGNISIGN_API_KEY, SIGNIT_APPS,
DOCSTUDIO_LOGIN, DOCSTUDIO_PASSWORD, DOCSTUDIO_SUCCESS_CODE), plus
  COUNTERSIGN_PUBLIC_URL     the base the platforms reach the receiver at; /webhooks/<endpoint> is appended
  DOCSTUDIO_API_URL, DOCSTUDIO_API_TOKEN, DOCSTUDIO_MAILBOX
  SIGNIT_API_URL (default https://api.signit.cn), SIGNIT_API_KEY, SIGNIT_API_SECRET, SIGNIT_USER_ID
  ADOBE_SIGN_API_URL, ADOBE_SIGN_ACCESS_TOKEN, ADOBE_SIGN_API_CLIENT_ID (default: the one API client id of ADOBE_SIGN_CLIENT_IDS)
  IGNISIGN_API_URL (default https://api.ignisign.io), IGNISIGN_API_KEY
  ADOBE_SIGN_EVENTS, IGNISIGN_EVENTS, SIGNIT_EVENTS, DOCSTUDIO_EVENTS   comma-separated; default every event
An endpoint whose API access is not set is skipped, with a line saying which variables to set.`,
    )
    .addCommand(planCommand(context))
    .addCommand(applyCommand(context))
    .addCommand(listCommand(context))
    .addCommand(checkCommand(context))
    .addCommand(removeCommand(context));
}
