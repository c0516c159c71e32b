/**
 * Composes a page vnode: `_app` → `_layout`s (outermost first) → page.
 * @module
 */
import { type ComponentType, h, type VNode } from "preact";
import type { PageProps } from "./types.ts";

/** Wraps `Page` in its layouts and the app shell. */
export function composePage(
  Page: ComponentType<PageProps>,
  layouts: ComponentType<Record<string, unknown>>[],
  props: PageProps,
): VNode {
  let Inner: ComponentType = () => h(Page, props);
  for (let i = layouts.length - 1; i >= 0; i--) {
    const Layout = layouts[i];
    const Child: ComponentType = Inner;
    Inner = (): VNode => h(Layout, { ...props, Component: Child });
  }
  return h(Inner, null);
}
