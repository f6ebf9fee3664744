import { ExecutorError } from './executor-error';

/** A form value as PHP builds it: strings (or raw bytes from multipart) nested by bracket keys. */
export type FormValue = string | Buffer | FormValue[] | FormMap;
export interface FormMap {
  [key: string]: FormValue;
}

/**
 * Bounds of one form, like PHP's `max_input_vars` and `max_input_nesting_level`: more fields is
 * a 400; a name nested deeper is dropped, as PHP drops it. Multipart bodies may have at most
 * `maxParts` parts (the executor's clients send about twenty).
 */
export const FORM_LIMITS = { maxFields: 10_000, maxDepth: 64, maxParts: 200 } as const;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const INTEGER_KEY = /^(0|[1-9]\d{0,14})$/;

/** A PHP array while it is built: ordered entries and the next free integer key. */
interface FormNode {
  entries: Map<string, string | Buffer | FormNode>;
  nextIndex: number;
}

/**
 * Builds one form from its fields in linear time: `a[b][c]=v` nests maps, `a[]=v` appends
 * (after the largest integer key so far, like PHP), a repeated plain key keeps the last value.
 * A map whose keys are exactly 0..n-1 in order comes out as a list.
 */
export class FormBuilder {
  private readonly root: FormNode = newNode();
  private fields = 0;

  add(name: string, value: string | Buffer): void {
    this.fields += 1;
    if (this.fields > FORM_LIMITS.maxFields) {
      throw ExecutorError.badParam(`Too many form fields (more than ${FORM_LIMITS.maxFields}).`);
    }
    const path = splitFormName(name, FORM_LIMITS.maxDepth);
    if (path === null || path.length === 0) return;
    if (path.some((key) => key !== null && FORBIDDEN_KEYS.has(key))) return;
    let node = this.root;
    for (let index = 0; index < path.length - 1; index++) {
      const key = claimKey(node, path[index]);
      const existing = node.entries.get(key);
      if (existing !== undefined && isNode(existing)) {
        node = existing;
        continue;
      }
      const child = newNode();
      node.entries.set(key, child);
      node = child;
    }
    node.entries.set(claimKey(node, path[path.length - 1]), value);
  }

  build(): FormMap {
    return toMap(this.root);
  }
}

/**
 * `a[b][]` → `['a', 'b', null]`; a name without a well-formed bracket part is one key. More than
 * `maxDepth` bracket parts gives `null` (the field is dropped).
 */
export function splitFormName(
  name: string,
  maxDepth: number = FORM_LIMITS.maxDepth,
): (string | null)[] | null {
  const open = name.indexOf('[');
  if (open <= 0) return name === '' ? [] : [name];
  const keys: (string | null)[] = [name.slice(0, open)];
  let position = open;
  while (position < name.length && name.charCodeAt(position) === 0x5b /* [ */) {
    const close = name.indexOf(']', position);
    if (close < 0) break;
    if (keys.length > maxDepth) return null;
    const key = name.slice(position + 1, close);
    keys.push(key === '' ? null : key);
    position = close + 1;
  }
  return keys;
}

/** `application/x-www-form-urlencoded` with PHP semantics; every value is a string. */
export function parseUrlEncodedForm(text: string): FormMap {
  const builder = new FormBuilder();
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('&', start);
    if (end < 0) end = text.length;
    if (end > start) {
      const pair = text.slice(start, end);
      const separator = pair.indexOf('=');
      const rawName = separator < 0 ? pair : pair.slice(0, separator);
      const rawValue = separator < 0 ? '' : pair.slice(separator + 1);
      builder.add(decodeFormComponent(rawName), decodeFormComponent(rawValue));
    }
    start = end + 1;
  }
  return builder.build();
}

function newNode(): FormNode {
  return { entries: new Map(), nextIndex: 0 };
}

function isNode(value: string | Buffer | FormNode): value is FormNode {
  return typeof value === 'object' && !Buffer.isBuffer(value);
}

/** The key a path part stands for in `node`: `[]` takes the next free integer. */
function claimKey(node: FormNode, key: string | null): string {
  if (key === null) {
    const next = String(node.nextIndex);
    node.nextIndex += 1;
    return next;
  }
  if (INTEGER_KEY.test(key)) node.nextIndex = Math.max(node.nextIndex, Number(key) + 1);
  return key;
}

function toValue(value: string | Buffer | FormNode): FormValue {
  if (!isNode(value)) return value;
  let position = 0;
  for (const key of value.entries.keys()) {
    if (key !== String(position)) return toMap(value);
    position += 1;
  }
  return Array.from(value.entries.values(), toValue);
}

function toMap(node: FormNode): FormMap {
  const map: FormMap = {};
  for (const [key, value] of node.entries) map[key] = toValue(value);
  return map;
}

function decodeFormComponent(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced.replace(/%([0-9a-fA-F]{2})/g, (_match, hex: string) =>
      String.fromCharCode(parseInt(hex, 16)),
    );
  }
}
