'use strict';

const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');

const LOGS_DIR = process.env.OPEN_RUNTIMES_LOGS_DIR || '/mnt/logs';
const WRITE_LIMIT = 8000;
// The id becomes part of a file name; anything else is ignored and a fresh id generated.
const SAFE_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

// PHP uniqid() look-alike (8 hex digits of seconds, 5 of microseconds) plus 7 random hex digits.
function uniqid() {
  const now = Date.now();
  const seconds = Math.floor(now / 1000).toString(16);
  const micros = ((now % 1000) * 1000 + Math.floor(Math.random() * 1000)).toString(16).padStart(5, '0');
  let random = '';
  for (let i = 0; i < 7; i++) random += Math.floor(Math.random() * 16).toString(16);
  return seconds + micros + random;
}

function stringify(value) {
  if (value instanceof Error) return value.stack || String(value);
  if (value !== null && typeof value === 'object') {
    try {
      return JSON.stringify(value);
    } catch {
      return util.inspect(value);
    }
  }
  return String(value);
}

/**
 * Per-request log files: /mnt/logs/<id>_logs.log and /mnt/logs/<id>_errors.log.
 * Writes are synchronous so that order is kept and nothing is pending when the response is
 * sent (the executor reads and deletes the files right after it).
 */
class Logger {
  constructor(loggingHeader, idHeader) {
    this.enabled = (loggingHeader || 'enabled') === 'enabled';
    this.id = '';
    this.closed = false;
    this.nativeNoticed = false;
    if (!this.enabled) return;

    if (idHeader && SAFE_ID.test(idHeader)) this.id = idHeader;
    else if (process.env.OPEN_RUNTIMES_ENV === 'development') this.id = 'dev';
    else this.id = uniqid();

    this.files = {
      log: path.join(LOGS_DIR, `${this.id}_logs.log`),
      error: path.join(LOGS_DIR, `${this.id}_errors.log`),
    };
    try {
      fs.mkdirSync(LOGS_DIR, { recursive: true });
      fs.appendFileSync(this.files.log, '');
      fs.appendFileSync(this.files.error, '');
    } catch (err) {
      process.stderr.write(`Cannot write logs to ${LOGS_DIR}: ${err.message}\n`);
      this.files = null;
    }
  }

  write(args, type = 'log', native = false) {
    if (!this.enabled || this.closed || !this.files) return;
    if (native && !this.nativeNoticed) {
      this.nativeNoticed = true;
      this.write(['Native logs detected. Use context.log() or context.error() for better experience.']);
    }
    let line = args.map(stringify).join(' ');
    if (line.length > WRITE_LIMIT) line = line.slice(0, WRITE_LIMIT);
    try {
      fs.appendFileSync(type === 'error' ? this.files.error : this.files.log, line + '\n');
    } catch (err) {
      process.stderr.write(`Cannot write logs to ${LOGS_DIR}: ${err.message}\n`);
    }
  }

  log(...args) {
    this.write(args, 'log');
  }

  error(...args) {
    this.write(args, 'error');
  }

  // Later writes (from code still running after a timeout) are dropped: the files belong to a
  // response that has been sent.
  close() {
    this.closed = true;
  }
}

module.exports = { Logger, uniqid };
