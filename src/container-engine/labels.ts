/** Labels on every Docker resource Runcell creates, so cleanup touches only its own. */
export const LABEL_MANAGED = 'runcell.managed';
export const LABEL_INSTANCE = 'runcell.instance';
export const LABEL_KIND = 'runcell.kind';

export type ResourceKind = 'runtime' | 'sandbox';

export function runcellLabels(instanceId: string, kind: ResourceKind): Record<string, string> {
  return { [LABEL_MANAGED]: 'true', [LABEL_INSTANCE]: instanceId, [LABEL_KIND]: kind };
}
