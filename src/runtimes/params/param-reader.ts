import { ExecutorError, ExecutorErrorType } from '../http/executor-error';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const ASSOC_MAX_BYTES = 65535;
const NUMERIC = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;
const INTEGER = /^\s*[+-]?\d+\s*$/;

export const INTEGER_DESCRIPTION =
  'Value must be a valid signed 32-bit integer between -2,147,483,648 and 2,147,483,647';
export const FLOAT_DESCRIPTION = 'Value must be a valid float';
export const BOOLEAN_DESCRIPTION = 'Value must be a valid boolean';
export const OBJECT_DESCRIPTION = 'Value must be a valid object.';

export function textDescription(max: number, min: number): string {
  let description = 'Value must be a valid string';
  if (min > 0) description += ` and at least ${min} chars`;
  if (max > 0) description += ` and no longer than ${max} chars`;
  return description;
}

export function whiteListDescription(list: readonly string[]): string {
  return `Value must be one of (${list.join(', ')})`;
}

/**
 * Reads request parameters with the PHP executor's validators and exact error messages. Absent
 * (or `null`) parameters take their default; present ones are always validated, except that an
 * empty string means "default" (numbers) or `false` (booleans), as multipart clients send them.
 */
export class ParamReader {
  constructor(private readonly params: Record<string, unknown>) {}

  /** Text(max, min); `max` 0 means unlimited. Bytes from multipart are read as UTF-8. */
  text(name: string, options: { max: number; min?: number; default?: string }): string {
    const value = this.present(name, options.default);
    if (value === undefined) return options.default as string;
    const text = Buffer.isBuffer(value) ? value.toString('utf8') : value;
    const min = options.min ?? 1;
    if (typeof text !== 'string' || !lengthWithin(text, options.max, min)) {
      throw invalid(name, textDescription(options.max, min));
    }
    return text;
  }

  /** Like `text` but keeps the exact bytes (the execution `body`). */
  bytes(name: string, options: { max: number; min?: number }): Buffer | undefined {
    const value = this.present(name, '');
    if (value === undefined) return undefined;
    const min = options.min ?? 1;
    const bytes = Buffer.isBuffer(value) ? value : typeof value === 'string' ? value : undefined;
    if (bytes === undefined || !lengthWithin(bytes, options.max, min)) {
      throw invalid(name, textDescription(options.max, min));
    }
    return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'utf8');
  }

  integer(name: string, options: { loose: boolean; default: number }): number {
    const value = this.scalar(name);
    if (value === undefined || value === '') return options.default;
    let number: number | undefined;
    if (typeof value === 'number') number = value;
    else if (options.loose && typeof value === 'string' && INTEGER.test(value)) {
      number = Number(value);
    }
    if (
      number === undefined ||
      !Number.isInteger(number) ||
      number < INT32_MIN ||
      number > INT32_MAX
    ) {
      throw invalid(name, INTEGER_DESCRIPTION);
    }
    return number;
  }

  float(name: string, options: { loose: boolean; default: number }): number {
    const value = this.scalar(name);
    if (value === undefined || value === '') return options.default;
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    if (options.loose && typeof value === 'string' && NUMERIC.test(value)) return Number(value);
    throw invalid(name, FLOAT_DESCRIPTION);
  }

  boolean(name: string, options: { loose: boolean; default: boolean }): boolean {
    const value = this.scalar(name);
    if (value === undefined) return options.default;
    if (typeof value === 'boolean') return value;
    if (value === '') return false;
    if (options.loose) {
      if (value === 1 || value === 'true' || value === '1') return true;
      if (value === 0 || value === 'false' || value === '0') return false;
    }
    throw invalid(name, BOOLEAN_DESCRIPTION);
  }

  whiteList<T extends string>(
    name: string,
    list: readonly T[],
    options: { caseSensitive: boolean; default: T },
  ): string {
    const value = this.scalar(name);
    if (value === undefined) return options.default;
    const matches =
      typeof value === 'string' &&
      list.some((item) =>
        options.caseSensitive ? item === value : item.toLowerCase() === value.toLowerCase(),
      );
    if (!matches) throw invalid(name, whiteListDescription(list));
    return value;
  }

  /** Assoc: an object (an empty list counts as one), at most 65535 bytes of JSON. */
  assoc(name: string): Record<string, unknown> {
    const value = this.present(name, {});
    if (value === undefined) return {};
    const map = toMap(value);
    if (map === undefined) throw invalid(name, OBJECT_DESCRIPTION);
    return map;
  }

  /**
   * AnyOf(Text(65535), Assoc): a JSON string (invalid JSON is `{}`) or an object. A string that
   * decodes to something other than an object is an `execution_bad_request`.
   */
  jsonOrAssoc(name: string): Record<string, unknown> {
    const value = this.present(name, {});
    if (value === undefined) return {};
    const text = Buffer.isBuffer(value) ? value.toString('utf8') : value;
    if (typeof text === 'string') {
      if (text === '') return {};
      if (!lengthWithin(text, 65535, 1)) throw invalid(name, OBJECT_DESCRIPTION);
      let decoded: unknown;
      try {
        decoded = JSON.parse(text);
      } catch {
        return {};
      }
      const map = toMap(decoded);
      if (map === undefined) {
        throw new ExecutorError(ExecutorErrorType.EXECUTION_BAD_REQUEST, OBJECT_DESCRIPTION);
      }
      return map;
    }
    const map = toMap(text);
    if (map === undefined) throw invalid(name, OBJECT_DESCRIPTION);
    return map;
  }

  /** The raw value, or undefined when absent; a required parameter that is absent throws. */
  private present(name: string, fallback: unknown): unknown {
    const value = this.params[name];
    if (value === undefined || value === null) {
      if (fallback === undefined) throw ExecutorError.badParam(`Param "${name}" is not optional.`);
      return undefined;
    }
    return value;
  }

  private scalar(name: string): unknown {
    const value = this.params[name];
    if (value === undefined || value === null) return undefined;
    return Buffer.isBuffer(value) ? value.toString('utf8') : value;
  }
}

function invalid(name: string, description: string): ExecutorError {
  return ExecutorError.badParam(`Invalid \`${name}\` param: ${description}`);
}

/** `mb_strlen` bounds: bytes are a cheap upper bound, characters are counted only when needed. */
function lengthWithin(value: string | Buffer, max: number, min: number): boolean {
  const bytes = Buffer.isBuffer(value) ? value.length : Buffer.byteLength(value, 'utf8');
  if (bytes < min) return false;
  if (max === 0 || bytes <= max) return true;
  const text = Buffer.isBuffer(value) ? value.toString('utf8') : value;
  let characters = 0;
  for (const _character of text) {
    if (++characters > max) return false;
  }
  return characters >= min;
}

function toMap(value: unknown): Record<string, unknown> | undefined {
  if (Array.isArray(value)) return value.length === 0 ? {} : undefined;
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return undefined;
  const json = JSON.stringify(value, (_key, item: unknown) =>
    Buffer.isBuffer(item) ? item.toString('utf8') : item,
  );
  if (Buffer.byteLength(json, 'utf8') > ASSOC_MAX_BYTES) return undefined;
  return value as Record<string, unknown>;
}

/** Values of a `variables`/`headers` map as the strings PHP would make of them. */
export function stringifyValues(map: Record<string, unknown>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(map)) result[key] = phpString(value);
  return result;
}

export function phpString(value: unknown): string {
  if (value === null || value === undefined || value === false) return '';
  if (value === true) return '1';
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'number') return formatPhpFloat(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return typeof value === 'string' ? value : '';
}

/** PHP's string form of a number: `1` for 1.0, shortest round-trip otherwise. */
export function formatPhpFloat(value: number): string {
  return Number.isInteger(value) ? value.toFixed(0) : String(value);
}
