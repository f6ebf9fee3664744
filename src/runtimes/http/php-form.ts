/** A form value as PHP builds it: strings (or raw bytes from multipart) nested by bracket keys. */
export type FormValue = string | Buffer | FormValue[] | FormMap;
export interface FormMap {
  [key: string]: FormValue;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Sets `name` in `target` the way PHP does for form fields: `a[b][c]=v` nests maps, `a[]=v`
 * appends to a list, a repeated plain key keeps the last value.
 */
export function setFormValue(target: FormMap, name: string, value: string | Buffer): void {
  const path = splitFormName(name);
  if (path.length === 0 || path.some((key) => key !== null && FORBIDDEN_KEYS.has(key))) return;
  let container: FormMap | FormValue[] = target;
  for (let index = 0; index < path.length; index++) {
    const key = path[index];
    const last = index === path.length - 1;
    if (last) {
      assign(container, key, value);
      return;
    }
    const existing: FormValue | undefined =
      key === null ? undefined : (container as Record<string, FormValue>)[key];
    if (existing !== undefined && typeof existing === 'object' && !Buffer.isBuffer(existing)) {
      container = existing;
      continue;
    }
    const child: FormMap | FormValue[] = path[index + 1] === null ? [] : {};
    assign(container, key, child);
    container = child;
  }
}

function assign(container: FormMap | FormValue[], key: string | null, value: FormValue): void {
  if (Array.isArray(container)) {
    if (key === null) container.push(value);
    else if (/^\d+$/.test(key)) container[Number(key)] = value;
    return;
  }
  if (key === null) {
    const next = Object.keys(container).filter((existing) => /^\d+$/.test(existing)).length;
    container[String(next)] = value;
  } else {
    container[key] = value;
  }
}

/** `a[b][]` → `['a', 'b', null]`; a name without a well-formed bracket part is one key. */
export function splitFormName(name: string): (string | null)[] {
  const open = name.indexOf('[');
  if (open <= 0) return name === '' ? [] : [name];
  const base = name.slice(0, open);
  const keys: (string | null)[] = [base];
  let rest = name.slice(open);
  while (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) break;
    const key = rest.slice(1, close);
    keys.push(key === '' ? null : key);
    rest = rest.slice(close + 1);
  }
  return keys;
}

/** `application/x-www-form-urlencoded` with PHP semantics; every value is a string. */
export function parseUrlEncodedForm(text: string): FormMap {
  const form: FormMap = {};
  if (text === '') return form;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const separator = pair.indexOf('=');
    const rawName = separator < 0 ? pair : pair.slice(0, separator);
    const rawValue = separator < 0 ? '' : pair.slice(separator + 1);
    setFormValue(form, decodeFormComponent(rawName), decodeFormComponent(rawValue));
  }
  return form;
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
