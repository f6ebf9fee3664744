import { Inject, Injectable } from '@nestjs/common';
import { CONTAINER_ENGINE, ContainerEngine } from '../../container-engine';
import { ExecutorError, ExecutorErrorType } from '../http/executor-error';
import { RuntimeRegistry } from '../registry/runtime-registry.service';

const MAX_COMMAND_OUTPUT_BYTES = 1_000_000;

/** `POST /v1/runtimes/:runtimeId/commands` (§1.8): `bash -c <command>` inside a runtime. */
@Injectable()
export class RuntimeCommandsService {
  constructor(
    @Inject(CONTAINER_ENGINE) private readonly engine: ContainerEngine,
    private readonly registry: RuntimeRegistry,
  ) {}

  async run(name: string, command: string, timeoutSeconds: number): Promise<{ output: string }> {
    if (!this.registry.has(name)) throw new ExecutorError(ExecutorErrorType.RUNTIME_NOT_FOUND);
    let result;
    try {
      result = await this.engine.exec(name, {
        cmd: ['bash', '-c', command],
        timeoutMs: timeoutSeconds > 0 ? timeoutSeconds * 1000 : undefined,
        maxOutputBytes: MAX_COMMAND_OUTPUT_BYTES,
      });
    } catch {
      throw new ExecutorError(ExecutorErrorType.COMMAND_FAILED);
    }
    if (result.timedOut) throw new ExecutorError(ExecutorErrorType.COMMAND_TIMEOUT);
    if (result.exitCode !== 0) throw new ExecutorError(ExecutorErrorType.COMMAND_FAILED);
    return { output: Buffer.concat([result.stdout, result.stderr]).toString('utf8') };
  }
}
