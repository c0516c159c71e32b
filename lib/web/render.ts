/**
 * Server rendering of pages with islands. An island renders as normal HTML
 * between `<!--rt:N:ID-->` and `<!--/rt:N-->` comments; its props go into one
 * JSON script and one module script hydrates exactly the islands used.
 * @module
 */
import {
  type ComponentType,
  createContext,
  Fragment,
  h,
  options,
  type VNode,
} from "preact";
import { useContext } from "preact/hooks";
import { renderToString } from "preact-render-to-string";
import type { IslandEntry } from "./manifest.ts";
import { toScriptJson } from "./serialize.ts";
import { resetTitle, takeTitle } from "./title.ts";

function escapeText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(
    />/g,
    "&gt;",
  );
}

/** Where the client bundle put each island and the runtime. */
export interface ClientAssets {
  /** URL of the runtime module (exports `boot`). */
  runtime: string;
  /** Island file name → URL of its module. */
  islands: Map<string, string>;
}

interface RenderState {
  props: unknown[];
  used: Map<number, IslandEntry>;
}

const InIsland = createContext(false);
const byComponent = new Map<unknown, IslandEntry>();
const wrappers = new Map<IslandEntry, ComponentType>();
let current: RenderState | null = null;
let bypass = false;

/** Registers island components so the render hook can recognise them. */
export function registerIslands(islands: IslandEntry[]): void {
  for (const island of islands) byComponent.set(island.component, island);
}

function wrapperFor(island: IslandEntry): ComponentType {
  let wrapper = wrappers.get(island);
  if (wrapper) return wrapper;
  wrapper = (props: Record<string, unknown>) => {
    const inside = useContext(InIsland);
    bypass = true;
    const inner = h(island.component, props);
    bypass = false;
    if (inside || !current) return inner;
    const index = current.props.length;
    const { children: _children, ...rest } = props;
    current.props.push(rest);
    current.used.set(index, island);
    return h(Fragment, null, [
      h("rt-island-start", { "data-i": index, "data-id": island.id }),
      h(InIsland.Provider, { value: true }, inner),
      h("rt-island-end", { "data-i": index }),
    ]);
  };
  wrappers.set(island, wrapper);
  return wrapper;
}

const previousVnode = options.vnode;
options.vnode = (vnode: VNode) => {
  if (current && !bypass && typeof vnode.type === "function") {
    const island = byComponent.get(vnode.type);
    if (island) vnode.type = wrapperFor(island);
  }
  previousVnode?.(vnode);
};

/** The result of rendering one page. */
export interface RenderedPage {
  html: string;
  /** True when the page used at least one island (and so ships JS). */
  hasIslands: boolean;
}

/**
 * Renders `vnode` to a full HTML document, adding the island props and one
 * module boot script (with `nonce`) before `</body>` when islands were used.
 */
export function renderPage(
  vnode: VNode,
  assets: ClientAssets,
  nonce: string,
): RenderedPage {
  const state: RenderState = { props: [], used: new Map() };
  const previous = current;
  current = state;
  let body: string;
  let title: string;
  resetTitle();
  try {
    body = renderToString(vnode);
  } finally {
    current = previous;
    title = takeTitle();
  }
  // Replacer functions throughout: a string replacement would expand `$&`,
  // `$'`, `` $` `` in user text (titles, island props).
  body = body.replace(
    /<title>[^<]*<\/title>/,
    () => `<title>${escapeText(title)}</title>`,
  );
  body = body
    .replace(
      /<rt-island-start data-i="(\d+)" data-id="([\w.-]+)"><\/rt-island-start>/g,
      "<!--rt:$1:$2-->",
    )
    .replace(
      /<rt-island-end data-i="(\d+)"><\/rt-island-end>/g,
      "<!--/rt:$1-->",
    );
  let html = "<!DOCTYPE html>" + body;
  if (state.used.size > 0) {
    const files = [...new Set([...state.used.values()].map((i) => i.file))];
    const imports = files.map((file, n) => {
      const url = assets.islands.get(file);
      if (!url) throw new Error(`island ${file} is not in the client bundle`);
      return `import*as i${n} from${JSON.stringify(url)};`;
    });
    const map = files.map((file, n) => `${JSON.stringify(file)}:i${n}`).join(
      ",",
    );
    const scripts = `<script id="__rt_props" type="application/json">${
      toScriptJson(state.props)
    }</script><script type="module" nonce="${nonce}">import{boot}from${
      JSON.stringify(assets.runtime)
    };${imports.join("")}boot({${map}});</script>`;
    html = html.includes("</body>")
      ? html.replace(/<\/body>(?![\s\S]*<\/body>)/, () => scripts + "</body>")
      : html + scripts;
  }
  return { html, hasIslands: state.used.size > 0 };
}
