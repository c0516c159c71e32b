/**
 * Browser runtime: finds island markers, decodes props and hydrates each
 * island in place. Bundled by esbuild; keep it small.
 * @module
 */
import { type ComponentType, h, hydrate } from "preact";
import { decode } from "../serialize.ts";

type IslandModules = Record<string, Record<string, ComponentType>>;

/** A stand-in parent so Preact hydrates just the nodes between two markers. */
function rangeRoot(start: Comment, end: Comment): Element {
  const parent = start.parentNode!;
  const nodes: ChildNode[] = [];
  for (let n = start.nextSibling; n && n !== end; n = n.nextSibling) {
    nodes.push(n);
  }
  return {
    nodeType: 1,
    parentNode: parent,
    firstChild: nodes[0] ?? null,
    childNodes: nodes,
    insertBefore: (node: Node, ref: Node | null) =>
      parent.insertBefore(node, ref ?? end),
    appendChild: (node: Node) => parent.insertBefore(node, end),
    removeChild: (node: Node) => parent.removeChild(node),
    contains: (node: Node) => nodes.includes(node as ChildNode),
  } as unknown as Element;
}

/** Hydrates every island on the page from the given island modules. */
export function boot(modules: IslandModules): void {
  const propsEl = document.getElementById("__rt_props");
  const allProps = decode(JSON.parse(propsEl?.textContent || "[]")) as Record<
    string,
    unknown
  >[];
  const starts = new Map<string, { node: Comment; id: string }>();
  const pairs: { start: Comment; end: Comment; index: number; id: string }[] =
    [];
  const walker = document.createTreeWalker(
    document.body,
    NodeFilter.SHOW_COMMENT,
  );
  while (walker.nextNode()) {
    const node = walker.currentNode as Comment;
    const open = /^rt:(\d+):([\w.-]+)$/.exec(node.data);
    if (open) {
      starts.set(open[1], { node, id: open[2] });
      continue;
    }
    const close = /^\/rt:(\d+)$/.exec(node.data);
    const start = close && starts.get(close[1]);
    if (start) {
      pairs.push({
        start: start.node,
        end: node,
        index: Number(close[1]),
        id: start.id,
      });
    }
  }
  for (const { start, end, index, id } of pairs) {
    const [file, exportName = "default"] = id.split(".");
    const component = modules[file]?.[exportName];
    if (!component) {
      console.error(`island ${id} has no module`);
      continue;
    }
    hydrate(h(component, allProps[index] ?? {}), rangeRoot(start, end));
  }
  // A signal for tests and tooling: every island on the page is live.
  document.documentElement.dataset.rtHydrated = "true";
}
