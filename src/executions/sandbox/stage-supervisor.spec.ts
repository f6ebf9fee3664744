import { Logger } from '@nestjs/common';
import {
  FakeContainerEngine,
  FakeProgram,
} from '../../container-engine/testing/fake-container-engine';
import { superviseStage, StageOutcome } from './stage-supervisor';

const NONCE = 'a1'.repeat(16);
const record = (code: number, kills = '0') => `\0runcell-end:${NONCE}:${code}:${kills}\n`;

/** A warm-run supervision against the fake engine, whose program is `program`. */
async function superviseWarm(program: FakeProgram): Promise<StageOutcome> {
  const engine = new FakeContainerEngine();
  engine.program = () => program;
  const id = await engine.createContainer({ image: 'img', cmd: ['x'], openStdin: true });
  await engine.startContainer(id);
  const outcome = await superviseStage(
    engine,
    id,
    {
      payload: Buffer.from('frame'),
      timeoutMs: 5_000,
      stdoutCap: 1024,
      stderrCap: 1024,
      running: true,
      endNonce: NONCE,
    },
    new Logger('test'),
  );
  if (outcome === 'cancelled-before-start') throw new Error('not started');
  return outcome;
}

describe('superviseStage with an end record', () => {
  it('ends at the record of a plain exit without waiting for the container to stop', async () => {
    const outcome = await superviseWarm({
      stdout: `out${record(3)}after`,
      stderr: `err${record(3)}`,
      runMs: Number.POSITIVE_INFINITY,
    });
    expect(outcome).toMatchObject({ status: 'failed', exitCode: 3, oomKilled: false });
    expect(outcome.stdout.text()).toBe('out');
    expect(outcome.stderr.text()).toBe('err');
  });

  it('waits for the engine when a stream lacks the record', async () => {
    const outcome = await superviseWarm({ stdout: `out${record(0)}`, exitCode: 0, runMs: 20 });
    expect(outcome).toMatchObject({ status: 'completed', exitCode: 0 });
    expect(outcome.stdout.text()).toBe('out');
  });

  it("takes the engine's account after an exit by a signal", async () => {
    const outcome = await superviseWarm({
      stdout: record(137, '1'),
      stderr: record(137, '1'),
      exitCode: 137,
      oomKilled: true,
      runMs: 20,
    });
    expect(outcome).toMatchObject({ status: 'failed', exitCode: 137, oomKilled: true });
  });

  it('reports an OOM kill the record counted even when the engine missed it', async () => {
    const outcome = await superviseWarm({
      stdout: `survived\n${record(0, '1')}`,
      stderr: record(0, '1'),
      exitCode: 0,
      oomKilled: false,
      runMs: 20,
    });
    expect(outcome).toMatchObject({ status: 'completed', exitCode: 0, oomKilled: true });
    expect(outcome.stdout.text()).toBe('survived\n');
  });

  it('waits for the engine when the OOM count is unknown', async () => {
    const outcome = await superviseWarm({
      stdout: record(0, '-'),
      stderr: record(0, '-'),
      exitCode: 0,
      runMs: 20,
    });
    expect(outcome).toMatchObject({ status: 'completed', exitCode: 0, oomKilled: false });
  });

  it('falls back to the engine when no record comes and keeps a held-back start as output', async () => {
    const start = record(0).slice(0, 10);
    const outcome = await superviseWarm({ stdout: `out${start}`, exitCode: 9, runMs: 20 });
    expect(outcome).toMatchObject({ status: 'failed', exitCode: 9 });
    expect(outcome.stdout.text()).toBe(`out${start}`);
  });
});
