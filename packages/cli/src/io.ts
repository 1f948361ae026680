import { createInterface } from 'node:readline/promises';

/** Where the command reads and writes: the process's streams, or a test's. */
export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  /** Results. */
  out(line: string): void;
  /** Progress, questions and errors. */
  err(line: string): void;
  /** Whether a person can answer a question (stdin is a terminal). */
  interactive: boolean;
  /** Ask a question and read one line of answer. */
  ask(question: string): Promise<string>;
}

export function processIo(): CliIo {
  return {
    env: process.env,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    interactive: process.stdin.isTTY === true,
    async ask(question) {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
  };
}
