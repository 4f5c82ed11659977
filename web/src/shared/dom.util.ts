/**
 * A tiny element builder, so components stay plain DOM without a framework.
 */

type Child = Node | string | number | null | undefined | false;

/** Attributes of `h`: `class`, `data-*`, `aria-*`, other attributes, `on*` listeners and DOM properties. */
export type Attrs = Record<string, unknown>;

/**
 * Create `<tag>` with attributes and children. `onclick: fn` adds a listener; `hidden`,
 * `checked`, `value`, `disabled`, `selected` set properties; other keys set attributes
 * (skipped when null, undefined or false).
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v as EventListener);
    else if (k === 'hidden' || k === 'checked' || k === 'value' || k === 'disabled' || k === 'selected') (el as unknown as Record<string, unknown>)[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'object' ? c : String(c));
  }
  return el;
}
