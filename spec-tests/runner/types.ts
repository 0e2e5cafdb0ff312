/** What a script runs against, and what a run reports. */

export interface Target {
  /** Where to connect; wins over a script's connect_host / connect_port. */
  host: string;
  port: number;
  /** Replaces the scripts' domain `localhost` in JIDs and payloads. */
  domain: string;
  /** For characters with `tls: direct` (XEP-0368). */
  directTlsPort?: number;
  /** Deadline for each `receives:` and for each connection/negotiation step; default 5000 ms. */
  timeoutMs?: number;
  /** The window a `receives: nothing` waits; default 300 ms. */
  quietMs?: number;
  /** Extra `${key}` variables for payloads. */
  vars?: Record<string, string>;
  /** Features this server has; scripts tagged `## requires: x` are skipped when x is missing. */
  features?: Iterable<string>;
  /** "foreign" targets (Prosody, ejabberd, …) skip scripts tagged `## runner: ours`. Default "ours". */
  kind?: "ours" | "foreign";
  /** Called once per distinct account (Client characters, and Raw ones with jid and password) before any action. */
  ensureAccount?(local: string, password: string): Promise<void>;
}

export interface RunResult {
  ok: boolean;
  /** Empty when ok; otherwise the parse, account set-up or step failure that aborted the script. */
  failures: string[];
  /** Every step and every byte-level exchange, for debugging a failure. */
  log: string[];
}
