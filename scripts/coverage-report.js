/**
 * Merges the coverage of one `npm test` run into one report over `src/`: every Jest run
 * (coverage/parts/jest-*, V8 provider) and the Runcell child processes some end-to-end tests
 * start (raw V8 coverage in coverage/parts/children-v8, converted through their source maps by c8).
 * Writes coverage/index.html (HTML), coverage/coverage-final.json (for the threshold check) and
 * prints one summary line. Files no process loaded count as not covered at all.
 */
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const libCoverage = require('istanbul-lib-coverage');
const libReport = require('istanbul-lib-report');
const reports = require('istanbul-reports');
const v8toIstanbul = require('v8-to-istanbul');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'coverage');
const PARTS = path.join(OUT, 'parts');
const CHILDREN_RAW = path.join(PARTS, 'children-v8');
const CHILDREN = path.join(PARTS, 'children');

/** Every source file the report covers: `src/**` TypeScript without tests and declarations. */
function sourceFiles(directory = path.join(ROOT, 'src')) {
  return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    const wanted = /\.ts$/.test(file) && !/\.(spec|d)\.ts$/.test(file);
    return wanted ? [file] : [];
  });
}

/** c8 merges the raw V8 counters of all child processes and maps them back to the .ts files. */
function convertChildCoverage() {
  if (!fs.existsSync(CHILDREN_RAW) || fs.readdirSync(CHILDREN_RAW).length === 0) return;
  const c8 = path.join(path.dirname(require.resolve('c8/package.json')), 'bin/c8.js');
  execFileSync(
    process.execPath,
    [
      c8,
      'report',
      '--temp-directory',
      CHILDREN_RAW,
      '--reports-dir',
      CHILDREN,
      '--reporter',
      'json',
      '--include',
      'src/**',
      '--exclude',
      '**/*.spec.ts',
    ],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

function partReports() {
  if (!fs.existsSync(PARTS)) return [];
  return fs
    .readdirSync(PARTS)
    .map((part) => path.join(PARTS, part, 'coverage-final.json'))
    .filter((file) => fs.existsSync(file));
}

/** What V8 reports for a file that was never loaded: every line and the module not run. */
async function notLoaded(file) {
  const source = fs.readFileSync(file, 'utf8');
  const converter = v8toIstanbul(file, 0, { source });
  await converter.load();
  converter.applyCoverage([
    {
      functionName: '(not loaded)',
      isBlockCoverage: true,
      ranges: [{ startOffset: 0, endOffset: source.length, count: 0 }],
    },
  ]);
  return converter.toIstanbul();
}

function percent(metric) {
  return `${metric.pct.toFixed(2)}% (${metric.covered}/${metric.total})`;
}

async function main() {
  convertChildCoverage();
  const parts = partReports();
  if (parts.length === 0) throw new Error('no coverage was collected (coverage/parts is empty)');

  const files = sourceFiles();
  const wanted = new Set(files);
  const merged = libCoverage.createCoverageMap({});
  for (const part of parts) {
    const map = libCoverage.createCoverageMap(JSON.parse(fs.readFileSync(part, 'utf8')));
    map.filter((file) => wanted.has(file));
    merged.merge(map);
  }
  for (const file of files) {
    if (!merged.data[file]) merged.merge(await notLoaded(file));
  }

  fs.writeFileSync(path.join(OUT, 'coverage-final.json'), JSON.stringify(merged.toJSON()));
  const context = libReport.createContext({
    dir: OUT,
    coverageMap: merged,
    defaultSummarizer: 'flat',
  });
  reports.create('html', { skipEmpty: false }).execute(context);

  const total = merged.getCoverageSummary();
  console.log(
    `coverage of src/: lines ${percent(total.lines)}, branches ${percent(total.branches)}, ` +
      `functions ${percent(total.functions)}; report: coverage/index.html`,
  );
}

main().catch((error) => {
  console.error(`coverage report failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
