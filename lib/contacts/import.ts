/**
 * Importing CSV and vCard files into an owner's book: rows are validated,
 * matched to existing contacts (normalised email, else name and phone),
 * merged, and written in batches, each one KV atomic that checks the book
 * revision. The answer always reports what happened to every row.
 * @module
 */
import { commitWithRetry, retryLocked } from "../kv.ts";
import type { ImportRow, RowError } from "./csv.ts";
import {
  type BatchLimits,
  BatchTooBig,
  buildBatch,
  type BuiltBatch,
  loadMatchIndex,
  type Overlay,
} from "./import_batch.ts";
import type { BatchReport, ImportReport, Ready } from "./import_types.ts";
import { revKey } from "./keys.ts";
import { KV_LIMITS } from "./kv_size.ts";
import { placeRows } from "./import_order.ts";
import { type ImportFormat, prepareImport } from "./import_parse.ts";
import { RowPrep, toReady, type Valid } from "./import_prepare.ts";
import { batchSize } from "./import_size.ts";

export type { ImportReport } from "./import_types.ts";

/** Progress after each committed batch. */
export interface ImportProgress {
  done: number;
  total: number;
}

/** Options of {@link importContacts}. */
export interface ImportOptions {
  onProgress?: (p: ImportProgress) => void | Promise<void>;
  /** Most KV mutations per atomic (KV allows 1000). */
  maxMutations?: number;
  /** Most bytes per atomic (KV allows 800 KiB). */
  maxBytes?: number;
}

/** Imports a file's text; see {@link importPrepared}. */
export async function importContacts(
  kv: Deno.Kv,
  owner: string,
  text: string,
  format: ImportFormat,
  opts: ImportOptions = {},
): Promise<ImportReport> {
  return await importPrepared(kv, owner, prepareImport(text, format), opts);
}

/** Imports parsed rows; see {@link importPrepared}. */
export async function importRows(
  kv: Deno.Kv,
  owner: string,
  rows: ImportRow[],
  parseErrors: RowError[],
  opts: ImportOptions = {},
): Promise<ImportReport> {
  const prep = new RowPrep();
  rows.forEach(prep.add);
  prep.errors.push(...parseErrors);
  return await importPrepared(kv, owner, prep, opts);
}

/**
 * Imports of at least this many valid rows are written sorted by name;
 * smaller ones (a few batches) in file order.
 */
const SORT_FROM = 1_000;

/** Rows made ready ahead of the batch being sized (a batch is far fewer). */
const LOOKAHEAD = 1_500;

/**
 * Writes validated rows in batches. Each batch is one atomic; a failed
 * batch is reported with its lines and the import stops there, so the
 * report always says which rows are stored. Each row is released once its
 * batch is staged, so memory stays bounded by the batches in flight rather
 * than the file.
 */
export async function importPrepared(
  kv: Deno.Kv,
  owner: string,
  prepared: RowPrep,
  opts: ImportOptions = {},
): Promise<ImportReport> {
  const report: ImportReport = {
    imported: 0,
    updated: 0,
    skipped: 0,
    errors: prepared.errors,
    warnings: prepared.warnings,
  };
  const groupIds = await prepared.groups(kv, owner);
  // Pipelined: batch N+1 is read, merged and staged while batch N commits;
  // it then commits only if the book revision is still the one N wrote
  // (read before the match keys, so a write in between fails the first
  // commit instead of going unseen).
  let rev = await kv.get<number>(revKey(owner));
  // The book's match keys, read once (and kept up to date with what this
  // import commits) instead of looked up per batch; dropped when another
  // write comes in between (batches then read them again).
  let known = await loadMatchIndex(kv, owner);
  // A big import writes its rows sorted by name (see import_order.ts), so
  // each batch's sort, group and (usually) email keys land next to each
  // other in the store instead of all over it.
  const ordered = prepared.valid.length >= SORT_FROM && known !== null;
  const valid = ordered
    ? placeRows(prepared.valid, prepared.placements, known!)
    : prepared.valid.slice();
  prepared.placements.length = 0;
  prepared.valid.length = 0;
  // Rows become Ready just ahead of their batch and are dropped from here
  // once their batch is staged (the batch keeps them until it commits).
  const ready: Array<Ready | undefined> = new Array(valid.length);
  let filled = 0;
  const fill = (upTo: number) => {
    for (; filled < Math.min(upTo, valid.length); filled++) {
      ready[filled] = toReady(valid[filled], groupIds);
      (valid as Array<Valid | undefined>)[filled] = undefined;
    }
    return filled;
  };
  // Batches are sized by mutations, bytes and key bytes (KV's limits), with
  // a margin for what merging with stored contacts adds; a batch that still
  // does not fit is halved.
  const limits: BatchLimits = {
    mutations: opts.maxMutations ?? KV_LIMITS.mutations,
    bytes: opts.maxBytes ?? KV_LIMITS.mutationBytes,
    keys: KV_LIMITS.keyBytes,
  };
  const target: BatchLimits = {
    mutations: Math.floor(limits.mutations * 0.9),
    bytes: Math.floor(limits.bytes * 0.85),
    keys: Math.floor(limits.keys * 0.85),
  };
  const total = ready.length;
  /** Rows not saved when the batch starting at `from` fails. */
  const stopped = (from: number) => ordered ? total - from : undefined;
  let inflight: Inflight | null = null;
  let i = 0;
  let shrink = 1;
  // "ok": committed as built; "redone": committed again from fresh reads
  // (so a batch built on its overlay must be built again); "failed".
  const settle = async (): Promise<"ok" | "redone" | "failed"> => {
    const f = inflight!;
    inflight = null;
    let res: Deno.KvCommitResult | Deno.KvCommitError;
    try {
      res = await f.commit;
    } catch (err) {
      stopAt(report, f.rows[0].line, err, stopped(f.end - f.rows.length));
      return "failed";
    }
    if (res.ok) {
      rev = { key: rev.key, value: f.rev, versionstamp: res.versionstamp };
      for (const [k, id] of f.overlay.keys) known?.set(k, id);
      add(report, f.report);
      await opts.onProgress?.({ done: f.end, total });
      return "ok";
    }
    // Another write to the book came in between: redo from fresh reads.
    known = null;
    try {
      add(
        report,
        await commitWithRetry(kv, async () => {
          const now = await kv.get<number>(revKey(owner));
          const b = await buildBatch(kv, owner, f.rows, limits);
          b.op.check(now).set(revKey(owner), (now.value ?? 0) + 1);
          return [b.op, b.report];
        }, REDO_TRIES),
      );
    } catch (err) {
      stopAt(report, f.rows[0].line, err, stopped(f.end - f.rows.length));
      return "failed";
    }
    rev = await kv.get<number>(revKey(owner));
    await opts.onProgress?.({ done: f.end, total });
    return "redone";
  };
  while (i < ready.length) {
    const end = fill(i + LOOKAHEAD);
    let size = batchSize(owner, ready as Ready[], i, end, target);
    size = Math.max(1, Math.floor(size / shrink));
    const batch = ready.slice(i, i + size) as Ready[];
    let built: BuiltBatch;
    try {
      built = await buildBatch(
        kv,
        owner,
        batch,
        limits,
        inflight?.overlay,
        known ?? undefined,
      );
    } catch (err) {
      if (inflight && (await settle()) === "failed") break;
      if (err instanceof BatchTooBig && size > 1) {
        shrink *= 2;
        continue;
      }
      stopAt(report, batch[0].line, err, stopped(i));
      break;
    }
    if (inflight) {
      const settled = await settle();
      if (settled === "failed") break;
      if (settled === "redone") continue; // build this batch again
    }
    const next = (rev.value ?? 0) + 1;
    built.op.check(rev).set(revKey(owner), next);
    const commit = retryLocked(() => built.op.commit());
    built.overlay.committed = commit.catch(() => {});
    inflight = {
      commit,
      rows: batch,
      end: i + batch.length,
      rev: next,
      report: built.report,
      overlay: built.overlay,
    };
    shrink = 1;
    ready.fill(undefined, i, i + batch.length);
    i += batch.length;
  }
  if (inflight) await settle();
  report.errors.sort((a, b) => a.line - b.line);
  report.warnings.sort((a, b) => a.line - b.line);
  return report;
}

/**
 * How many other writes to the book a batch outlasts while being redone
 * (each failed try means one committed in between): a person editing their
 * book during an import never makes it give up.
 */
const REDO_TRIES = 200;

interface Inflight {
  commit: Promise<Deno.KvCommitResult | Deno.KvCommitError>;
  rows: Ready[];
  end: number;
  rev: number;
  report: BatchReport;
  overlay: Overlay;
}

function add(report: ImportReport, r: BatchReport) {
  report.imported += r.imported;
  report.updated += r.updated;
  report.skipped += r.skipped;
  report.errors.push(...r.errors);
}

/**
 * Reports where an import stopped: at `line`, and with `left` (rows not
 * saved, this one included) when the import wrote rows sorted by name.
 */
function stopAt(
  report: ImportReport,
  line: number,
  err: unknown,
  left?: number,
) {
  const message = (err as Error).message;
  report.errors.push({
    line,
    message: left === undefined
      ? `Rows from line ${line} on were not saved: ${message}`
      : `This row and ${left - 1} more were not saved (an import of ${
        SORT_FROM.toLocaleString("en")
      } rows or more writes them sorted by name): ${message}`,
  });
}
