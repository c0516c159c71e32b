/**
 * Summarises V8 heap snapshots (`.heapsnapshot` JSON): self size and count
 * per (node type, constructor/name), and the growth between two snapshots
 * divided by the sockets opened in between — what each socket holds.
 *
 *   deno run -A bench/_heap_summary.ts BEFORE.heapsnapshot AFTER.heapsnapshot [SOCKETS]
 * @module
 */

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: unknown[] } };
  nodes: number[];
  strings: string[];
}

type Groups = Map<string, { count: number; size: number }>;

/** Count and self size per (type, name); strings grouped by shape. */
export function groups(snap: Snapshot): Groups {
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0] as string[];
  const width = fields.length;
  const iType = fields.indexOf("type");
  const iName = fields.indexOf("name");
  const iSize = fields.indexOf("self_size");
  const out: Groups = new Map();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + iType]];
    let name = snap.strings[snap.nodes[i + iName]];
    if (type.endsWith("string")) {
      name = name.length > 40
        ? "(long)"
        : name.replace(/[0-9a-f]{8,}/g, "#").replace(/\d+/g, "N");
    } else name = name.replace(/@\d+/, "@").slice(0, 60);
    const key = `${type} ${name}`;
    const size = snap.nodes[i + iSize];
    const g = out.get(key);
    if (g) {
      g.count++;
      g.size += size;
    } else out.set(key, { count: 1, size });
  }
  return out;
}

/** The `top` groups that grew most from `before` to `after`, per socket. */
export function growth(
  before: Groups,
  after: Groups,
  sockets: number,
  top = 30,
): string {
  const rows = [...after].map(([key, a]) => {
    const b = before.get(key) ?? { count: 0, size: 0 };
    return { key, count: a.count - b.count, size: a.size - b.size };
  }).sort((x, y) => y.size - x.size);
  const total = rows.reduce((s, r) => s + r.size, 0);
  const lines = [
    `  heap growth ${(total / sockets).toFixed(0)} B per socket; largest ` +
    `(objects per socket, bytes per socket):`,
  ];
  for (const r of rows.slice(0, top)) {
    lines.push(
      `    ${(r.count / sockets).toFixed(2).padStart(7)} ${
        (r.size / sockets).toFixed(0).padStart(6)
      } B  ${r.key}`,
    );
  }
  return lines.join("\n");
}

if (import.meta.main) {
  const [a, b, sockets] = Deno.args;
  const read = async (f: string) =>
    groups(JSON.parse(await Deno.readTextFile(f)));
  console.log(growth(await read(a), await read(b), Number(sockets ?? 1)));
}
