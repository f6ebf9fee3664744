import { getHeapSpaceStatistics } from 'node:v8';
import { releaseStartupMemory } from './release-startup-memory';

const MIB = 1024 * 1024;

function spaceSize(name: string): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === name)?.space_size ?? 0;
}

/** What start-up does to the heap: much that survives a while, then is dropped. */
function growHeapLikeStartUp(): number {
  let kept: { index: number; values: number[] }[] = [];
  for (let round = 0; round < 30; round += 1) {
    for (let index = 0; index < 50_000; index += 1) kept.push({ index, values: [index] });
    if (kept.length > 400_000) kept = kept.slice(200_000);
  }
  return kept.length;
}

describe('releaseStartupMemory', () => {
  it('shrinks the young generation and drops old garbage at once', async () => {
    expect(growHeapLikeStartUp()).toBeGreaterThan(0);
    const youngBefore = spaceSize('new_space');
    const oldBefore = spaceSize('old_space');
    expect(youngBefore).toBeGreaterThan(4 * MIB);

    await releaseStartupMemory();

    expect(spaceSize('new_space')).toBeLessThanOrEqual(youngBefore / 4);
    expect(spaceSize('old_space')).toBeLessThan(oldBefore);
  });
});
