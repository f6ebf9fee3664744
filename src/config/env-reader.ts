/**
 * Reads typed values from an environment map and collects every problem instead of
 * stopping at the first, so a bad configuration is reported in one message.
 */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Readonly<Record<string, string | undefined>>) {}

  /** The first of `names` that is set (an empty value counts as set), or undefined. */
  raw(...names: string[]): { name: string; value: string } | undefined {
    for (const name of names) {
      const value = this.env[name];
      if (value !== undefined) return { name, value };
    }
    return undefined;
  }

  string(names: string | string[], fallback: string): string {
    return this.raw(...toList(names))?.value ?? fallback;
  }

  optionalString(names: string | string[]): string | undefined {
    const found = this.raw(...toList(names));
    return found && found.value !== '' ? found.value : undefined;
  }

  int(
    names: string | string[],
    fallback: number,
    range: { min?: number; max?: number } = {},
  ): number {
    const found = this.raw(...toList(names));
    if (!found || found.value.trim() === '') return fallback;
    const text = found.value.trim();
    if (!/^-?\d+$/.test(text)) {
      this.problems.push(`${found.name} must be a whole number (got "${found.value}")`);
      return fallback;
    }
    return this.checkRange(found.name, Number(text), range, fallback);
  }

  float(
    names: string | string[],
    fallback: number,
    range: { min?: number; max?: number } = {},
  ): number {
    const found = this.raw(...toList(names));
    if (!found || found.value.trim() === '') return fallback;
    const value = Number(found.value.trim());
    if (!Number.isFinite(value)) {
      this.problems.push(`${found.name} must be a number (got "${found.value}")`);
      return fallback;
    }
    return this.checkRange(found.name, value, range, fallback);
  }

  bool(names: string | string[], fallback: boolean): boolean {
    const found = this.raw(...toList(names));
    if (!found || found.value.trim() === '') return fallback;
    const text = found.value.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on', 'enabled'].includes(text)) return true;
    if (['0', 'false', 'no', 'off', 'disabled'].includes(text)) return false;
    this.problems.push(`${found.name} must be true or false (got "${found.value}")`);
    return fallback;
  }

  oneOf<T extends string>(names: string | string[], allowed: readonly T[], fallback: T): T {
    const found = this.raw(...toList(names));
    if (!found || found.value.trim() === '') return fallback;
    const text = found.value.trim() as T;
    if (!allowed.includes(text)) {
      this.problems.push(
        `${found.name} must be one of ${allowed.join(', ')} (got "${found.value}")`,
      );
      return fallback;
    }
    return text;
  }

  list(names: string | string[], fallback: string[]): string[] {
    const found = this.raw(...toList(names));
    if (!found) return fallback;
    return found.value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }

  /** Byte sizes as a plain number or with a unit: `22MB`, `512k`, `1g` (binary multiples). */
  bytes(names: string | string[], fallback: number): number {
    const found = this.raw(...toList(names));
    if (!found || found.value.trim() === '') return fallback;
    const match = /^(\d+)\s*([kmg]?)i?b?$/i.exec(found.value.trim());
    if (!match) {
      this.problems.push(
        `${found.name} must be a size in bytes such as 20971520 or 20MB (got "${found.value}")`,
      );
      return fallback;
    }
    const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[
      match[2].toLowerCase() as '' | 'k' | 'm' | 'g'
    ];
    const value = Number(match[1]) * unit;
    return this.checkRange(found.name, value, { min: 1 }, fallback);
  }

  url(names: string | string[], fallback: string, protocols: string[]): string {
    const value = this.string(names, fallback);
    const name = this.raw(...toList(names))?.name ?? toList(names)[0];
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) {
        this.problems.push(`${name} must use ${protocols.join(' or ')} (got "${parsed.protocol}")`);
      }
    } catch {
      this.problems.push(`${name} must be a URL such as ${fallback}`);
    }
    return value;
  }

  problem(message: string): void {
    this.problems.push(message);
  }

  private checkRange(
    name: string,
    value: number,
    range: { min?: number; max?: number },
    fallback: number,
  ): number {
    if (range.min !== undefined && value < range.min) {
      this.problems.push(`${name} must be at least ${range.min} (got ${value})`);
      return fallback;
    }
    if (range.max !== undefined && value > range.max) {
      this.problems.push(`${name} must be at most ${range.max} (got ${value})`);
      return fallback;
    }
    return value;
  }
}

function toList(names: string | string[]): string[] {
  return Array.isArray(names) ? names : [names];
}

/** `URT_X` first, then the legacy `OPR_EXECUTOR_X` spelling. */
export function executorVar(name: string, ...legacyAliases: string[]): string[] {
  return [
    `URT_${name}`,
    `OPR_EXECUTOR_${name}`,
    ...legacyAliases.map((alias) => `OPR_EXECUTOR_${alias}`),
  ];
}
