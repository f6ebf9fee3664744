import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  CONTAINER_ENGINE,
  ContainerEngineError,
  ContainerSpec,
} from '../../../src/container-engine';
import { DockerContainerEngine } from '../../../src/container-engine/docker/docker-container-engine';
import { FakeContainerEngine } from '../../../src/container-engine/testing/fake-container-engine';
import { createTaskFor, startExecution, waitForExecution } from '../../support/executions';
import { startTestApp, testConfig } from '../../support/test-app';
import { registerUser, TestUser } from '../../support/users';

const docker = new DockerContainerEngine({ host: 'unix:///var/run/docker.sock' });

/** An engine of your own implements `ContainerEngine`; this one keeps containers in memory. */
class RecordingEngine extends FakeContainerEngine {
  readonly created: ContainerSpec[] = [];

  override createContainer(spec: ContainerSpec): Promise<string> {
    this.created.push(spec);
    return super.createContainer(spec);
  }
}

describe('AppOptions.containerEngine: a container engine of your own', () => {
  const engine = new RecordingEngine();
  let sut: NestFastifyApplication;
  let alice: TestUser;

  beforeAll(async () => {
    engine.program = (spec) => ({ stdout: `ran in ${spec.image} of the custom engine\n` });
    sut = await startTestApp(testConfig({ RATE_LIMITS_ENABLED: 'false' }), {
      containerEngine: engine,
    });
    alice = await registerUser(sut, 'Alice');
  });

  afterAll(async () => {
    await sut?.close();
  });

  it('is the engine every module gets', () => {
    expect(sut.get(CONTAINER_ENGINE)).toBe(engine);
  });

  it('runs task executions, and no Docker container is made for them', async () => {
    const task = await createTaskFor(sut, alice, 'print("never run by Docker")');
    const created = await startExecution(sut, alice, task.id);

    const done = await waitForExecution(sut, alice, created.id);

    expect(done).toMatchObject({
      status: 'completed',
      exit_code: 0,
      stdout: 'ran in runcell/sandbox-python:1 of the custom engine\n',
    });
    const sandboxes = engine.created.filter(
      (spec) => spec.labels?.['runcell.execution-id'] === created.id,
    );
    expect(sandboxes).toHaveLength(1);
    expect(await docker.listContainers({ 'runcell.execution-id': created.id })).toEqual([]);
  });

  it('is checked by readiness, which names it when it is down', async () => {
    engine.failWith('ping', new ContainerEngineError('unavailable', 'the custom engine is off'));
    const response = await sut.inject({ method: 'GET', url: '/ready' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({
      error: { code: 'SERVICE_UNAVAILABLE', details: [{ field: 'docker' }] },
    });
  });
});
