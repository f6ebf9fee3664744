import {
  formatTimestamp,
  MAX_BUILD_LOG_BYTES,
  parseBuildOutput,
  parseTimings,
  TRUNCATED_NOTE,
} from './build-output';

const START = Date.UTC(2025, 0, 1, 10, 0, 0, 0);
const HEADER = 'Script started on 2025-01-01 10:00:00+00:00 [COMMAND="echo hi"]\n';

describe('parseBuildOutput', () => {
  it('skips the header line and slices the log by the timing rows', () => {
    const logs = Buffer.from(`${HEADER}hello\r\nworld\r\n`);
    const sut = parseBuildOutput(logs, '0.5 7\n0.25 7\n', START);
    expect(sut).toEqual([
      { timestamp: '2025-01-01T10:00:00.500+00:00', content: 'hello\r\n' },
      { timestamp: '2025-01-01T10:00:00.750+00:00', content: 'world\r\n' },
    ]);
  });

  it('returns no entries without timing rows', () => {
    expect(parseBuildOutput(Buffer.from(`${HEADER}text`), '', START)).toEqual([]);
  });

  it('keeps a log under the cap whole', () => {
    const chunk = 'a'.repeat(128 * 1024);
    const logs = Buffer.from(HEADER + chunk.repeat(7));
    const timings = `0.1 ${chunk.length}\n`.repeat(7);
    const sut = parseBuildOutput(logs, timings, START);
    expect(sut).toHaveLength(7);
    expect(sut.map((entry) => entry.content).join('')).toBe(chunk.repeat(7));
  });

  it('stops with the note once the cap is reached, keeping the first entries', () => {
    const chunk = 'b'.repeat(128 * 1024);
    const logs = Buffer.from(HEADER + chunk.repeat(14));
    const timings = `0.1 ${chunk.length}\n`.repeat(14);
    const sut = parseBuildOutput(logs, timings, START);
    const kept = sut.slice(0, -1);
    expect(sut[0].content).toBe(chunk);
    expect(sut[sut.length - 1].content).toBe(TRUNCATED_NOTE);
    expect(kept).toHaveLength(Math.ceil(MAX_BUILD_LOG_BYTES / chunk.length));
  });

  it('decodes every entry as UTF-8', () => {
    const logs = Buffer.concat([Buffer.from(HEADER), Buffer.from('héllo')]);
    expect(parseBuildOutput(logs, '0 6\n', START)[0].content).toBe('héllo');
  });
});

describe('parseTimings', () => {
  it('ignores malformed rows', () => {
    expect(parseTimings('0.1 5\nnot a row\n0.2\n-1 x\n0.3 2')).toEqual([
      { delaySeconds: 0.1, length: 5 },
      { delaySeconds: 0.3, length: 2 },
    ]);
  });
});

describe('formatTimestamp', () => {
  it('uses milliseconds and +00:00', () => {
    expect(formatTimestamp(START + 123)).toBe('2025-01-01T10:00:00.123+00:00');
  });
});
