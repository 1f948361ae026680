/** The exit codes of `countersign`: stable, for scripts and CI. */
export const EXIT = {
  /** Done; `check`: no error-level mismatch; `send`: every answer was 2xx. */
  OK: 0,
  /** `check` found an error-level mismatch (with `--strict`, any mismatch) or a failed test delivery. */
  DRIFT: 1,
  /** `send`: a delivery was refused (non-2xx); `dead-letters show | replay`: no such dead letter. Same code as DRIFT. */
  FAILED: 1,
  /** Wrong usage: an unknown option or endpoint, or `apply`/`remove` without `--yes` where it cannot ask. */
  USAGE: 2,
  /** The environment is incomplete or wrong (COUNTERSIGN_PUBLIC_URL, the endpoints' variables). */
  CONFIG: 3,
  /** A platform's API failed or refused a call (credentials, network, a change it rejected). */
  PLATFORM: 4,
  /** The change was not confirmed. */
  CANCELLED: 5,
  /** `send`: the receiver could not be reached or did not answer in time; `dead-letters`, `dev`: Redis or a port could not be reached. */
  UNREACHABLE: 6,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error that ends the command with `exitCode` and prints `message` (never a secret). */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
  }
}
