import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A stretch of the run, in the monotonic clock of `process.hrtime` (µs, like V8's profile). */
export interface ProfileWindow {
  name: string;
  startUs: number;
  endUs: number;
}

export interface HotFunction {
  function: string;
  location: string;
  selfMs: number;
  /** Share of the window's samples, in percent. */
  share: number;
}

export interface ProfileSummary {
  scenario: string;
  sampledMs: number;
  /** Samples in which the process was not idle (`(idle)` left out). */
  busyShare: number;
  top: HotFunction[];
}

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export function nowUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** The newest `.cpuprofile` in `folder` (what `node --cpu-prof` writes at exit). */
export function readNewestProfile(folder: string): CpuProfile | undefined {
  const files = readdirSync(folder).filter((name) => name.endsWith('.cpuprofile'));
  if (files.length === 0) return undefined;
  files.sort();
  return JSON.parse(readFileSync(join(folder, files[files.length - 1]), 'utf8')) as CpuProfile;
}

/** The functions with the most self time in each window, `top` of them. */
export function summarizeProfile(
  profile: CpuProfile,
  windows: ProfileWindow[],
  root: string,
  top = 8,
): ProfileSummary[] {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const perWindow = windows.map(() => ({ total: 0, idle: 0, self: new Map<string, number>() }));
  let time = profile.startTime;
  for (let index = 0; index < profile.samples.length; index++) {
    const delta = profile.timeDeltas[index] ?? 0;
    time += delta;
    const windowIndex = windows.findIndex(
      (window) => time >= window.startUs && time < window.endUs,
    );
    if (windowIndex < 0) continue;
    const bucket = perWindow[windowIndex];
    const frame = nodes.get(profile.samples[index])?.callFrame;
    const name = frame?.functionName || '(anonymous)';
    bucket.total += delta;
    if (name === '(idle)') {
      bucket.idle += delta;
      continue;
    }
    const location = frame?.url ? `${shorten(frame.url, root)}:${frame.lineNumber + 1}` : '';
    const key = `${name}\u0000${location}`;
    bucket.self.set(key, (bucket.self.get(key) ?? 0) + delta);
  }
  return windows.map((window, index) => {
    const { total, idle, self } = perWindow[index];
    const ranked = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
    return {
      scenario: window.name,
      sampledMs: Math.round(total / 1000),
      busyShare: total === 0 ? 0 : round(((total - idle) / total) * 100),
      top: ranked.map(([key, micros]) => {
        const [name, location] = key.split('\u0000');
        return {
          function: name,
          location,
          selfMs: Math.round(micros / 1000),
          share: total === 0 ? 0 : round((micros / total) * 100),
        };
      }),
    };
  });
}

function shorten(url: string, root: string): string {
  const path = url.startsWith('file://') ? url.slice('file://'.length) : url;
  const inside = relative(root, path);
  return inside.startsWith('..') ? path : inside.replace(/^node_modules\//, '');
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
