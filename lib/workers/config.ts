/**
 * What changes when one process runs `WORKERS=N` app instances.
 * @module
 */
import type { Config } from "../config.ts";

/**
 * Parses `WORKERS`: a positive integer, or `auto` for the number of CPUs.
 * Default 1.
 */
export function parseWorkers(raw: string | undefined, cpus: number): number {
  const v = raw?.trim() || "1";
  if (v === "auto") return Math.max(1, cpus);
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new Error(`WORKERS must be a positive integer or auto, got "${v}"`);
  }
  return n;
}

/**
 * A worker's share of per-process settings: the mail rate (`MAIL_RATE` is
 * per process) and mail concurrency are split between the workers, so the
 * process as a whole keeps the configured figures.
 */
export function workerConfig(config: Config, count: number): Config {
  if (count <= 1) return config;
  return {
    ...config,
    mailConcurrency: Math.max(1, Math.ceil(config.mailConcurrency / count)),
    mailRatePerSecond: config.mailRatePerSecond === 0
      ? 0
      : Math.max(1, Math.round(config.mailRatePerSecond / count)),
    workers: count,
  };
}
