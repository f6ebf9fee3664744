import type { ContainerLimits } from '../../container-engine';
import type { SandboxPoolSettings } from './sandbox-pool.settings';

/** A started container waiting for its one program. */
export interface WarmSandbox {
  containerId: string;
  name: string;
  language: string;
  /** The limits it was created with. */
  limits: ContainerLimits;
  /** As the engine reported it after the start: a restarted container has another. */
  startedAt: Date;
  /** When it joined the pool (ms since the epoch). */
  warmSince: number;
}

/**
 * The pool's bookkeeping, without any I/O: which containers are warm per language (oldest
 * first), how many are being created, which ones the pool still owns, and which language to
 * fill next within the per-language targets and the total.
 */
export class PoolBook {
  private readonly targets = new Map<string, number>();
  private readonly warm = new Map<string, WarmSandbox[]>();
  private readonly reserved = new Map<string, number>();
  private readonly lastClaim = new Map<string, number>();
  private readonly owned = new Set<string>();
  private startedAt = 0;

  constructor(private readonly settings: SandboxPoolSettings) {
    for (const { language, count } of settings.targets) {
      if (count > 0) this.targets.set(language, count);
    }
  }

  get enabled(): boolean {
    return this.settings.size > 0 && this.targets.size > 0;
  }

  pooled(language: string): boolean {
    return this.enabled && this.targets.has(language);
  }

  markStarted(now: number): void {
    this.startedAt = now;
  }

  sizes(): Record<string, number> {
    const sizes: Record<string, number> = {};
    for (const language of this.targets.keys()) sizes[language] = this.warmOf(language).length;
    return sizes;
  }

  owns(containerId: string): boolean {
    return this.owned.has(containerId);
  }

  /** The oldest warm container of `language` (still owned until `forget`); notes the demand. */
  take(language: string, now: number): WarmSandbox | undefined {
    this.lastClaim.set(language, now);
    return this.warmOf(language).shift();
  }

  /**
   * The language to create a container for next: the one furthest below its target among those
   * used within the idle time (every language right after the start), while the total (warm and
   * being created) is below the pool size.
   */
  nextToFill(now: number): string | undefined {
    if (!this.enabled || this.total() >= this.settings.size) return undefined;
    let best: string | undefined;
    let bestDeficit = 0;
    for (const [language, target] of this.targets) {
      const demandAt = this.lastClaim.get(language) ?? this.startedAt;
      if (now - demandAt > this.settings.idleMs) continue;
      const deficit = target - this.warmOf(language).length - (this.reserved.get(language) ?? 0);
      if (deficit > bestDeficit) {
        best = language;
        bestDeficit = deficit;
      }
    }
    return best;
  }

  reserve(language: string): void {
    this.reserved.set(language, (this.reserved.get(language) ?? 0) + 1);
  }

  /** A reserved creation got its container id (owned from now on). */
  creating(_language: string, containerId: string): void {
    this.owned.add(containerId);
  }

  /** A reserved creation finished: the container is warm. */
  add(sandbox: WarmSandbox): void {
    this.unreserve(sandbox.language);
    this.owned.add(sandbox.containerId);
    this.warmOf(sandbox.language).push(sandbox);
  }

  /** A reserved creation failed. */
  release(language: string, containerId?: string): void {
    this.unreserve(language);
    if (containerId) this.owned.delete(containerId);
  }

  /** The container was removed: the pool no longer owns it. */
  forget(containerId: string): void {
    this.owned.delete(containerId);
  }

  takeAll(): WarmSandbox[] {
    return this.takeWhere(() => true);
  }

  /** Warm containers idle longer than the idle time. */
  takeIdle(now: number): WarmSandbox[] {
    return this.takeWhere((sandbox) => now - sandbox.warmSince > this.settings.idleMs);
  }

  takeWhere(predicate: (sandbox: WarmSandbox) => boolean): WarmSandbox[] {
    const taken: WarmSandbox[] = [];
    for (const [language, list] of this.warm) {
      const kept = list.filter((sandbox) => !predicate(sandbox));
      taken.push(...list.filter((sandbox) => predicate(sandbox)));
      this.warm.set(language, kept);
    }
    return taken;
  }

  private total(): number {
    let total = 0;
    for (const list of this.warm.values()) total += list.length;
    for (const count of this.reserved.values()) total += count;
    return total;
  }

  private unreserve(language: string): void {
    this.reserved.set(language, Math.max(0, (this.reserved.get(language) ?? 0) - 1));
  }

  private warmOf(language: string): WarmSandbox[] {
    let list = this.warm.get(language);
    if (!list) {
      list = [];
      this.warm.set(language, list);
    }
    return list;
  }
}
