import { PoolBook, WarmSandbox } from './sandbox-pool.book';

const IDLE_MS = 60_000;

function bookOf(size: number, targets: Record<string, number>) {
  return new PoolBook({
    size,
    targets: Object.entries(targets).map(([language, count]) => ({ language, count })),
    idleMs: IDLE_MS,
  });
}

let serial = 0;
function warm(language: string, warmSince = 0): WarmSandbox {
  serial += 1;
  return {
    containerId: `id-${serial}`,
    name: `runcell-pool-${language}-${serial}`,
    language,
    limits: { memoryBytes: 1, memorySwapBytes: 1, cpus: 1 },
    startedAt: new Date(0),
    warmSince,
  };
}

/** Fills the book the way the pool does until nothing more is wanted; returns the languages. */
function fill(sut: PoolBook, now = 0): string[] {
  const filled: string[] = [];
  for (let language = sut.nextToFill(now); language; language = sut.nextToFill(now)) {
    sut.reserve(language);
    sut.add(warm(language, now));
    filled.push(language);
  }
  return filled;
}

describe('PoolBook', () => {
  it('is disabled with size 0 or without a positive target', () => {
    expect(bookOf(0, { python: 2 }).enabled).toBe(false);
    expect(bookOf(4, { python: 0 }).enabled).toBe(false);
    expect(bookOf(4, {}).pooled('python')).toBe(false);
    expect(bookOf(4, { python: 1 }).pooled('python')).toBe(true);
    expect(bookOf(4, { python: 1 }).pooled('bash')).toBe(false);
  });

  it('fills the language furthest below its target, up to the targets', () => {
    const sut = bookOf(10, { python: 2, bash: 1 });
    sut.markStarted(0);
    expect(fill(sut)).toEqual(['python', 'python', 'bash']);
    expect(sut.sizes()).toEqual({ python: 2, bash: 1 });
  });

  it('never holds more than the total, counting creations in flight', () => {
    const sut = bookOf(3, { python: 2, javascript: 2, bash: 2 });
    sut.markStarted(0);
    sut.reserve('python');
    expect(fill(sut)).toEqual(['javascript', 'bash']);
    expect(sut.nextToFill(0)).toBeUndefined();
    sut.release('python');
    expect(sut.nextToFill(0)).toBe('python');
  });

  it('hands out the oldest warm container first, and each one once', () => {
    const sut = bookOf(2, { python: 2 });
    const first = warm('python');
    const second = warm('python');
    sut.reserve('python');
    sut.add(first);
    sut.reserve('python');
    sut.add(second);
    expect(sut.take('python', 1)).toBe(first);
    expect(sut.take('python', 2)).toBe(second);
    expect(sut.take('python', 3)).toBeUndefined();
  });

  it('owns a container from its creation until it is forgotten', () => {
    const sut = bookOf(1, { python: 1 });
    sut.reserve('python');
    sut.creating('python', 'abc');
    expect(sut.owns('abc')).toBe(true);
    sut.release('python', 'abc');
    expect(sut.owns('abc')).toBe(false);
    const sandbox = warm('python');
    sut.reserve('python');
    sut.add(sandbox);
    sut.take('python', 0);
    expect(sut.owns(sandbox.containerId)).toBe(true);
    sut.forget(sandbox.containerId);
    expect(sut.owns(sandbox.containerId)).toBe(false);
  });

  it('retires idle containers and refills only languages used within the idle time', () => {
    const sut = bookOf(4, { python: 2, bash: 2 });
    sut.markStarted(0);
    fill(sut, 0);
    sut.take('python', IDLE_MS / 2);
    const later = IDLE_MS + 1;
    expect(
      sut
        .takeIdle(later)
        .map((sandbox) => sandbox.language)
        .sort(),
    ).toEqual(['bash', 'bash', 'python']);
    expect(sut.sizes()).toEqual({ python: 0, bash: 0 });
    // python was claimed half-way: it is refilled; bash, unused since the start, is not.
    expect(fill(sut, later)).toEqual(['python', 'python']);
    // A claim (hit or miss) brings a shrunk language back.
    expect(sut.take('bash', later)).toBeUndefined();
    expect(fill(sut, later)).toEqual(['bash', 'bash']);
  });

  it('drains everything it holds', () => {
    const sut = bookOf(3, { python: 2, bash: 1 });
    sut.markStarted(0);
    fill(sut);
    expect(sut.takeAll()).toHaveLength(3);
    expect(sut.sizes()).toEqual({ python: 0, bash: 0 });
  });
});
