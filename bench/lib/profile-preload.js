// Preloaded into the Runcell child by the benchmark (`node -r`): samples the CPU from start-up
// and, on SIGUSR2, writes the profile to $RUNCELL_BENCH_PROFILE (then keeps running).
'use strict';
const inspector = require('node:inspector');
const { writeFileSync, renameSync } = require('node:fs');

const target = process.env.RUNCELL_BENCH_PROFILE;
if (target) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable', () => session.post('Profiler.start'));
  process.on('SIGUSR2', () => {
    session.post('Profiler.stop', (error, result) => {
      if (!error) {
        writeFileSync(`${target}.partial`, JSON.stringify(result.profile));
        renameSync(`${target}.partial`, target);
      }
    });
  });
}
