/**
 * A Deno.Kv that enforces denokv's / KV Connect's atomic limits, which a
 * local KV file is more lenient about: at most 10 checks, 1,000 mutations
 * and 800 KiB of keys and values per atomic, at most 10 keys per getMany.
 * An atomic over a limit is refused with the error a remote KV gives (the
 * same text as Deno's own, so code that recovers from it, like the import's
 * batch halving, does so here too); refusals and the largest atomic that
 * committed are recorded for the test to report.
 * @module
 */
import v8 from "node:v8";

/** The limits of a remote KV (denokv / KV Connect / Deploy). */
export const REMOTE_LIMITS = {
  checks: 10,
  mutations: 1000,
  bytes: 800 * 1024,
  getMany: 10,
};

/** Largest figures seen over all atomics. */
export interface StrictStats {
  atomics: number;
  maxChecks: number;
  maxMutations: number;
  maxBytes: number;
  /** Atomics refused (the app may have recovered, e.g. by halving a batch). */
  violations: string[];
}

const size = (v: unknown): number => {
  try {
    return v8.serialize(v).length;
  } catch {
    return 0;
  }
};

/** Wraps `kv`; the stats object fills as the app runs. */
export function strictKv(kv: Deno.Kv): { kv: Deno.Kv; stats: StrictStats } {
  const stats: StrictStats = {
    atomics: 0,
    maxChecks: 0,
    maxMutations: 0,
    maxBytes: 0,
    violations: [],
  };
  const wrapAtomic = (op: Deno.AtomicOperation): Deno.AtomicOperation => {
    let checks = 0, mutations = 0, bytes = 0;
    const proxy: Deno.AtomicOperation = new Proxy(op, {
      get(target, prop) {
        const orig = Reflect.get(target, prop, target);
        if (typeof orig !== "function") return orig;
        return (...args: unknown[]) => {
          if (prop === "check") {
            checks += args.length;
            for (const c of args as Deno.AtomicCheck[]) bytes += size(c.key);
          } else if (prop === "set") {
            mutations++;
            bytes += size(args[0]) + size(args[1]);
          } else if (
            prop === "delete" || prop === "sum" || prop === "min" ||
            prop === "max"
          ) {
            mutations++;
            bytes += size(args[0]);
          } else if (prop === "mutate") {
            mutations += args.length;
            for (const m of args as Deno.KvMutation[]) {
              bytes += size(m.key) + ("value" in m ? size(m.value) : 0);
            }
          } else if (prop === "commit") {
            stats.atomics++;
            const over = checks > REMOTE_LIMITS.checks
              ? `Too many checks (max ${REMOTE_LIMITS.checks})`
              : mutations > REMOTE_LIMITS.mutations
              ? `Too many mutations (max ${REMOTE_LIMITS.mutations})`
              : bytes > REMOTE_LIMITS.bytes
              ? `Total mutation size too large (max ${REMOTE_LIMITS.bytes} bytes)`
              : "";
            if (over) {
              stats.violations.push(over);
              return Promise.reject(new TypeError(over));
            }
          }
          if (prop === "commit") {
            stats.maxChecks = Math.max(stats.maxChecks, checks);
            stats.maxMutations = Math.max(stats.maxMutations, mutations);
            stats.maxBytes = Math.max(stats.maxBytes, bytes);
          }
          const r = orig.apply(target, args);
          return r === target ? proxy : r;
        };
      },
    });
    return proxy;
  };
  const wrapped = new Proxy(kv, {
    get(target, prop) {
      const orig = Reflect.get(target, prop, target);
      if (prop === "atomic") return () => wrapAtomic(target.atomic());
      if (prop === "getMany") {
        return (keys: Deno.KvKey[], o?: unknown) => {
          if (keys.length > REMOTE_LIMITS.getMany) {
            stats.violations.push(`getMany of ${keys.length}`);
            return Promise.reject(
              new TypeError(`remote KV would refuse getMany of ${keys.length}`),
            );
          }
          return target.getMany(
            keys,
            o as { consistency?: Deno.KvConsistencyLevel },
          );
        };
      }
      return typeof orig === "function" ? orig.bind(target) : orig;
    },
  });
  return { kv: wrapped, stats };
}
