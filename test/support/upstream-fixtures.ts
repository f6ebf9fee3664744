import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';

/** The functions the upstream executor's e2e cases deploy, written for offline builds. */
export const UPSTREAM_FIXTURES = join(__dirname, '../fixtures/upstream');

/** `code.tar.gz` of one fixture folder, as a caller would upload it (remove with removeArchive). */
export function fixtureArchive(folder: string): string {
  const archive = join(mkdtempSync('/tmp/runcell-upstream-'), 'code.tar.gz');
  execFileSync('tar', ['-czf', archive, '-C', join(UPSTREAM_FIXTURES, folder), '.']);
  return archive;
}

export interface StreamedLine {
  timestamp: string;
  content: string;
}

/**
 * Splits a build-log stream into its `<timestamp> <content>` lines the way the upstream test
 * does: an escaped `\n` inside a content stays part of it.
 */
export function parseLogStream(text: string): StreamedLine[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && line !== '0')
    .map((line) => {
      const space = line.indexOf(' ');
      const unescaped = line.replace(/\\n/g, '\n');
      return space === -1
        ? { timestamp: unescaped, content: '' }
        : { timestamp: line.slice(0, space), content: unescaped.slice(space + 1) };
    });
}
