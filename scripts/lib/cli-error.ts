/** An error the CLI prints as it is, and exits with: 1 for a failed check or a refused change, 2 for a usage error. */
export class CliError extends Error {
  readonly exitCode: number
  constructor(message: string, exitCode = 1) {
    super(message)
    this.exitCode = exitCode
  }
}
