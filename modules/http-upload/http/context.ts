/** What the upload listener's request handlers share. */
import type { Logger } from "../../../lib/log";
import type { SlotTable } from "../slots";
import type { FileStore } from "../store";

export interface HttpContext {
  /** The path files are served under, ending in "/". */
  readonly prefix: string;
  readonly slots: SlotTable;
  readonly store: FileStore;
  readonly corsOrigins: readonly string[];
  /** How long a file is kept once uploaded (ms). */
  readonly expireAfter: number;
  readonly log: Logger;
  now(): number;
}
