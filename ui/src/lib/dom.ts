/**
 * A tiny element builder: `h("button", { class: "btn", testid: "x", onclick }, "text")`.
 *
 * - Strings become text nodes (never HTML): no injection from patient data.
 * - `testid` sets `data-testid`; `on<event>` functions become listeners;
 *   `value`, `checked`, `disabled`, `hidden`, `inert`, `selected`, `required` are set as properties;
 *   `false`/`null`/`undefined` attributes are left out; `true` sets an empty attribute.
 */
export type Child = Node | string | number | null | undefined | false | Child[];
export type Attrs = { [name: string]: unknown };

const PROPS = new Set(["value", "checked", "disabled", "hidden", "inert", "selected", "required", "readOnly"]);

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) setAttrs(el, attrs);
  append(el, children);
  return el;
}

export function setAttrs(el: HTMLElement, attrs: Attrs): void {
  for (const [name, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) {
      if (PROPS.has(name)) (el as unknown as Record<string, unknown>)[name] = false;
      continue;
    }
    if (name.startsWith("on") && typeof v === "function") {
      el.addEventListener(name.slice(2), v as EventListener);
    } else if (name === "testid") {
      el.dataset.testid = String(v);
    } else if (PROPS.has(name)) {
      (el as unknown as Record<string, unknown>)[name] = v;
    } else {
      el.setAttribute(name, v === true ? "" : String(v));
    }
  }
}

export function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replace all children. */
export function replace(el: Node, ...children: Child[]): void {
  while (el.firstChild) el.removeChild(el.firstChild);
  append(el, children);
}

let uid = 0;
/** A unique id for label/aria wiring. */
export function nextId(prefix = "f"): string {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** Debounce: the returned function runs `fn` `ms` after the last call; `.flush()` runs it now. */
export function debounce<A extends unknown[]>(fn: (...a: A) => void, ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last: A | undefined;
  const d = (...a: A) => {
    last = a;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      fn(...(last as A));
    }, ms);
  };
  d.cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  d.flush = () => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
      fn(...(last as A));
    }
  };
  return d;
}
