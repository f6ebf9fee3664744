import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DockerContainerEngine } from '../../src/container-engine/docker/docker-container-engine';
import { createTaskFor, startExecution, waitForExecution } from '../support/executions';
import { startTestApp, testConfig } from '../support/test-app';
import { registerUser, TestUser } from '../support/users';

const docker = new DockerContainerEngine({ host: 'unix:///var/run/docker.sock' });

const GO_ECHO =
  'package main\n\nimport (\n\t"io"\n\t"os"\n)\n\nfunc main() {\n\tio.Copy(os.Stdout, os.Stdin)\n}\n';

describe('languages through the API (API → queue → worker → compile and run stages)', () => {
  let sut: NestFastifyApplication;
  let user: TestUser;
  jest.setTimeout(120_000);

  beforeAll(async () => {
    sut = await startTestApp(testConfig({ RATE_LIMITS_ENABLED: 'false' }));
    user = await registerUser(sut, 'Polyglot');
  });

  afterAll(async () => {
    await sut.close();
  });

  it('lists every language with its image version, extension, compile stage and default limits', async () => {
    const anonymous = await sut.inject({ method: 'GET', url: '/api/v1/languages' });
    expect(anonymous.statusCode).toBe(401);

    const response = await sut.inject({
      method: 'GET',
      url: '/api/v1/languages',
      headers: user.auth,
    });
    expect(response.statusCode).toBe(200);
    const languages: Record<string, unknown>[] = response.json().data;
    expect(languages.length).toBeGreaterThanOrEqual(12);
    const byName = new Map(languages.map((language) => [language.name, language]));
    for (const name of ['python', 'javascript', 'typescript', 'bash', 'go', 'c', 'cpp', 'rust']) {
      expect(byName.get(name)?.version).toMatch(/^\d+\.\d+/);
    }
    for (const name of ['java', 'ruby', 'php', 'lua', 'perl']) {
      expect(byName.get(name)?.version).toMatch(/^\d+/);
    }
    expect(byName.get('go')).toMatchObject({
      extension: 'go',
      compiled: true,
      defaults: { timeout_seconds: 30, memory_mb: 256 },
      compile: { timeout_seconds: 60, memory_mb: 1024 },
    });
    expect(byName.get('python')).toMatchObject({ extension: 'py', compiled: false, compile: null });
  });

  it('documents the route and the compile fields in the OpenAPI document', async () => {
    const document = (await sut.inject({ method: 'GET', url: '/docs-json' })).json();
    expect(document.paths['/api/v1/languages']).toHaveProperty('get');
    expect(Object.keys(document.components.schemas.LanguageDto.properties)).toEqual(
      expect.arrayContaining(['name', 'version', 'extension', 'compiled', 'defaults', 'compile']),
    );
    expect(Object.keys(document.components.schemas.ExecutionDto.properties)).toEqual(
      expect.arrayContaining([
        'compile_status',
        'compile_output',
        'compile_exit_code',
        'compile_duration_ms',
      ]),
    );
  });

  it('refuses an unknown script_type with 400 and the list of languages', async () => {
    const response = await sut.inject({
      method: 'POST',
      url: '/api/v1/tasks',
      headers: user.auth,
      payload: { name: 'x', script_content: 'x', script_type: 'cobol' },
    });
    expect(response.statusCode).toBe(400);
    const details: { field: string; message: string }[] = response.json().error.details;
    const message = details.find((detail) => detail.field === 'script_type')?.message ?? '';
    for (const name of ['python', 'go', 'c', 'rust', 'java', 'perl']) {
      expect(message).toContain(name);
    }
  });

  it('gives a task the limits of its language when it names none', async () => {
    const task = await createTaskFor(sut, user, 'public class Main {}', { script_type: 'java' });
    const response = await sut.inject({
      method: 'GET',
      url: `/api/v1/tasks/${task.id}`,
      headers: user.auth,
    });
    expect(response.json()).toMatchObject({ timeout_seconds: 30, memory_mb: 512 });
  });

  it('compiles and runs a Go task and records the compile stage apart', async () => {
    const task = await createTaskFor(sut, user, GO_ECHO, { script_type: 'go' });
    const started = await startExecution(sut, user, task.id, { stdin: 'through go\n' });
    const done = await waitForExecution(sut, user, started.id, undefined, 90_000);
    expect(done).toMatchObject({
      status: 'completed',
      exit_code: 0,
      stdout: 'through go\n',
      error: null,
      compile_status: 'completed',
      compile_exit_code: 0,
      compile_output: '',
      compile_output_truncated: false,
    });
    expect(done.compile_duration_ms).toBeGreaterThan(0);
    expect(await docker.listContainers({ 'runcell.execution-id': started.id })).toEqual([]);
  });

  it('ends a C compile error as a failed execution with the message, on its first attempt', async () => {
    const task = await createTaskFor(sut, user, 'int main(void) { return nope; }\n', {
      script_type: 'c',
    });
    const started = await startExecution(sut, user, task.id);
    const done = await waitForExecution(sut, user, started.id);
    expect(done).toMatchObject({
      status: 'failed',
      exit_code: null,
      stdout: '',
      attempt: 1,
      compile_status: 'failed',
      compile_exit_code: 1,
    });
    expect(done.compile_output).toMatch(/error: .nope. undeclared/);
    expect(done.error).toMatch(/Compilation failed/);
    expect(await docker.listContainers({ 'runcell.execution-id': started.id })).toEqual([]);
  });

  it('leaves the compile fields null for interpreted languages', async () => {
    const task = await createTaskFor(sut, user, 'print "perl"', { script_type: 'perl' });
    const started = await startExecution(sut, user, task.id);
    const done = await waitForExecution(sut, user, started.id);
    expect(done).toMatchObject({
      status: 'completed',
      stdout: 'perl',
      compile_status: null,
      compile_output: null,
      compile_exit_code: null,
      compile_duration_ms: null,
    });
  });
});
