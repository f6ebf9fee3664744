import { LANGUAGES } from '../../languages/language-registry';

/** The warm pool of sandboxes (`SANDBOX_POOL_*`); see src/executions/sandbox/README.md. */
export interface SandboxPoolSettings {
  /** Warm containers over all languages together; 0 disables the pool (every run is cold). */
  size: number;
  /** Warm containers wanted per language, in the order the setting lists them. */
  targets: ReadonlyArray<{ language: string; count: number }>;
  /**
   * A warm container idle this long is removed; a language with no run in that time is not
   * refilled (the pool shrinks to nothing while nobody uses it).
   */
  idleMs: number;
}

export const POOL_DEFAULTS = {
  size: 8,
  languages: 'python=4,javascript=2,bash=2',
  idleSeconds: 300,
} as const;
export const MAX_POOL_SIZE = 64;

/**
 * Languages whose sandbox runs one stage reading a framed program (the interpreted ones).
 * Compiled languages run two containers per execution and stay on the unpooled path.
 */
export const POOLABLE_LANGUAGES: readonly string[] = LANGUAGES.filter(
  (language) => !('compileCommand' in language),
).map((language) => language.name);

/** Parses `python=2,javascript=1`; returns the targets or the problems found. */
export function parsePoolLanguages(
  text: string,
  settingName = 'SANDBOX_POOL_LANGUAGES',
): { targets: SandboxPoolSettings['targets']; problems: string[] } {
  const targets: { language: string; count: number }[] = [];
  const problems: string[] = [];
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const entry of entries) {
    const match = /^([a-z][a-z0-9+-]{0,31})\s*=\s*(\d{1,3})$/.exec(entry);
    if (!match) {
      problems.push(
        `${settingName} entries must be <language>=<count> such as python=2 (got "${entry.slice(0, 40)}")`,
      );
      continue;
    }
    const [, language, countText] = match;
    const count = Number(countText);
    if (!POOLABLE_LANGUAGES.includes(language)) {
      problems.push(
        `${settingName}: "${language}" cannot be pooled (poolable: ${POOLABLE_LANGUAGES.join(', ')})`,
      );
    } else if (targets.some((target) => target.language === language)) {
      problems.push(`${settingName} names ${language} twice`);
    } else if (count > MAX_POOL_SIZE) {
      problems.push(`${settingName}: ${language} must be at most ${MAX_POOL_SIZE}`);
    } else {
      targets.push({ language, count });
    }
  }
  return { targets, problems };
}
