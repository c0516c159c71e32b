/**
 * Types shared by the import pipeline (`import.ts`) and its batch writer
 * (`import_batch.ts`), kept here so neither imports the other's types.
 * @module
 */
import type { RowError } from "./csv.ts";
import type { ContactData } from "./model.ts";

/** A validated row. */
export interface Ready {
  line: number;
  data: ContactData;
  /** Search tokens of `data`, computed once (sizing and staging share them). */
  tokens?: string[];
}

/** What one batch did. */
export interface BatchReport {
  imported: number;
  updated: number;
  skipped: number;
  errors: RowError[];
}

/** What an import did (DESIGN.md §9); `warnings` lists dropped fields. */
export interface ImportReport extends BatchReport {
  /** Rows imported without one of their fields, with why (additive). */
  warnings: RowError[];
}
