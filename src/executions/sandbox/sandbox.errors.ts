/**
 * The engine failed (Docker unreachable, image missing, create/start/wait errors): the run says
 * nothing about the program, so the job may be retried.
 */
export class SandboxInfrastructureError extends Error {
  readonly retryable = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SandboxInfrastructureError';
  }
}

/** The caller built a request the runner refuses; retrying the same request cannot help. */
export class InvalidSandboxRequestError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid sandbox request: ${problems.join('; ')}`);
    this.name = 'InvalidSandboxRequestError';
  }
}
