export { run, createProgram } from './program.js';
export { EXIT, CliError } from './exit-codes.js';
export type { ExitCode } from './exit-codes.js';
export { processIo } from './io.js';
export type { CliIo } from './io.js';
export { setupFromEnv, DEFAULT_IGNISIGN_API_URL, DEFAULT_SIGNIT_API_URL } from './env.js';
export type { Env, EnvSetup } from './env.js';
export type { CommandContext } from './commands/subscriptions/shared.js';
