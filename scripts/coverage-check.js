/**
 * The coverage thresholds of `npm test` (scripts/coverage-thresholds.json) against the merged
 * report of the run (coverage/coverage-final.json, written by coverage-report.js): total lines and
 * branches, and lines per file, except for the files listed there with the reason.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const libCoverage = require('istanbul-lib-coverage');

const ROOT = path.resolve(__dirname, '..');
const thresholds = require('./coverage-thresholds.json');

function main() {
  const report = path.join(ROOT, 'coverage', 'coverage-final.json');
  if (!fs.existsSync(report)) throw new Error('coverage/coverage-final.json is missing');
  const map = libCoverage.createCoverageMap(JSON.parse(fs.readFileSync(report, 'utf8')));
  const problems = [];

  const total = map.getCoverageSummary();
  for (const metric of ['lines', 'branches']) {
    const pct = total[metric].pct;
    if (pct < thresholds[metric]) {
      problems.push(`${metric}: ${pct.toFixed(2)}% is below ${thresholds[metric]}%`);
    }
  }

  const exceptions = thresholds.fileExceptions;
  for (const file of map.files().sort()) {
    const relative = path.relative(ROOT, file);
    const pct = map.fileCoverageFor(file).toSummary().lines.pct;
    if (pct < thresholds.fileLines && !(relative in exceptions)) {
      problems.push(`${relative}: lines ${pct.toFixed(2)}% is below ${thresholds.fileLines}%`);
    }
  }
  for (const relative of Object.keys(exceptions)) {
    if (!map.files().includes(path.join(ROOT, relative))) {
      problems.push(`${relative} is listed as an exception but is not in the report`);
    }
  }

  for (const problem of problems) console.error(`coverage: ${problem}`);
  process.exit(problems.length === 0 ? 0 : 1);
}

try {
  main();
} catch (error) {
  console.error(`coverage check failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
