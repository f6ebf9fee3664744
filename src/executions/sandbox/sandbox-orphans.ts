import type { ContainerSummary } from '../../container-engine';
import { LABEL_EXECUTION_ID, SANDBOX_NAME_PREFIX } from './sandbox-container.factory';
import { LABEL_POOL, POOL_NAME_PREFIX } from './pooled-sandbox';
import type { SandboxContainer } from './sandbox.types';

/**
 * How much longer than the idle time a warm container of another pool may live: its pool
 * replaces every warm container within the idle time plus one check, so an older one has no
 * living pool (workers sharing an instance id must share `SANDBOX_POOL_IDLE_SECONDS`).
 */
export const FOREIGN_POOL_GRACE_MS = 120_000;

export function toSandboxContainer(container: ContainerSummary): SandboxContainer {
  const poolId = container.labels[LABEL_POOL] ?? null;
  let executionId = container.labels[LABEL_EXECUTION_ID] ?? null;
  // A claimed warm container carries no execution label (labels are fixed at creation): its
  // name, `runcell-sandbox-<executionId>`, says whose it is.
  if (executionId === null && poolId !== null && container.name.startsWith(SANDBOX_NAME_PREFIX)) {
    executionId = container.name.slice(SANDBOX_NAME_PREFIX.length);
  }
  return {
    containerId: container.id,
    name: container.name,
    executionId,
    poolId,
    state: container.state,
    createdAt: container.createdAt,
  };
}

export interface OrphanRules {
  known: ReadonlySet<string>;
  now: number;
  minAgeMs: number;
  /** This process's pool: what it holds is never an orphan. */
  ownPool?: { readonly poolId: string; owns(containerId: string): boolean };
  poolIdleMs: number;
  /**
   * Claimed warm containers of unknown executions, with when a sweep first saw them (kept by
   * the caller between sweeps). Their creation time says nothing about when they were claimed,
   * so one is removed only when a sweep at least `minAgeMs` after the first still finds it.
   */
  suspects: Map<string, number>;
}

/** The sandboxes to remove: no running execution, no living pool holds them. */
export function orphanedSandboxes(
  sandboxes: SandboxContainer[],
  rules: OrphanRules,
): SandboxContainer[] {
  const bornBefore = rules.now - rules.minAgeMs;
  const seen = new Set<string>();
  const orphans = sandboxes.filter((sandbox) => {
    if (rules.ownPool?.owns(sandbox.containerId)) return false;
    if (sandbox.executionId !== null && rules.known.has(sandbox.executionId)) return false;
    const age = rules.now - sandbox.createdAt.getTime();
    if (sandbox.poolId === null) return sandbox.createdAt.getTime() <= bornBefore;
    if (sandbox.executionId === null || sandbox.name.startsWith(POOL_NAME_PREFIX)) {
      // Still warm: left by this pool (a failed removal) or by a pool that is gone.
      return sandbox.poolId === rules.ownPool?.poolId
        ? age >= rules.minAgeMs
        : age >= Math.max(rules.minAgeMs, rules.poolIdleMs + FOREIGN_POOL_GRACE_MS);
    }
    seen.add(sandbox.containerId);
    const firstSeen = rules.suspects.get(sandbox.containerId);
    if (firstSeen === undefined) rules.suspects.set(sandbox.containerId, rules.now);
    return rules.now - (firstSeen ?? rules.now) >= rules.minAgeMs;
  });
  for (const id of rules.suspects.keys()) if (!seen.has(id)) rules.suspects.delete(id);
  return orphans;
}
