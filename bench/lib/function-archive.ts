import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const V5_IMAGE = 'runcell/node:v5';
export const V5_START =
  'cp /tmp/code.tar.gz /mnt/code/code.tar.gz && nohup helpers/start.sh "bash helpers/server.sh"';

/** The smallest useful v5 function: answers a short text, so the figures are pure overhead. */
const FUNCTION_SOURCE = "module.exports = async (context) => context.res.send('ok');\n";

/** A `code.tar.gz` as a build leaves it; returns its folder (remove it when done) and path. */
export function functionArchive(): { folder: string; archive: string } {
  const folder = mkdtempSync('/tmp/runcell-bench-fn-');
  const sourceDir = join(folder, 'src');
  mkdirSync(sourceDir);
  writeFileSync(join(sourceDir, 'index.js'), FUNCTION_SOURCE);
  const archive = join(folder, 'code.tar.gz');
  execFileSync('tar', ['-czf', archive, '-C', sourceDir, '.']);
  return { folder, archive };
}
