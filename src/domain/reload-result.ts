/** What a config reload did (`SupervisorHandle.reload`, SIGHUP, `POST /-/reload`). */
export type ReloadResult =
  /** Applied: `changes` is the INFO line's summary; `needsRestart` the changed keys kept at their old value. */
  | { readonly ok: true; readonly changes: string; readonly needsRestart: readonly string[] }
  /** Refused, nothing changed: `error` is the ERROR line's reason (for a config file: `file: key.path: message`). */
  | { readonly ok: false; readonly error: string };

/** One reload's outcome, for the metrics (`config_last_reload_successful`, `config_last_reload_success_timestamp_seconds`). */
export interface ReloadOutcome {
  readonly ok: boolean;
  /** When it was tried (wall clock, ms). */
  readonly at: number;
}
