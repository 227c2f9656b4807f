/** How far a replay has got; reported by `replayTicks`'s `onProgress` and drawn by `renderProgress`. */
export interface ReplayProgress {
  /** The tick file's path, or `ticks` for an iterable. */
  readonly source: string;
  /** Lines read so far (items, for an iterable), blank and malformed ones included. */
  readonly linesRead: number;
  /** Ticks emitted so far. */
  readonly ticks: number;
  /** Malformed lines skipped so far. */
  readonly skipped: number;
  /** Bytes of the file read so far (0 for an iterable). */
  readonly bytesRead: number;
  /** Size of the file (undefined for an iterable): with `bytesRead`, the fraction done. */
  readonly totalBytes: number | undefined;
  /** `ts` of the first tick (ms), once there is one. */
  readonly firstTs: number | undefined;
  /** `ts` of the latest tick emitted (ms): the simulated time reached. */
  readonly lastTs: number | undefined;
  /** True in the last report, once the source is exhausted. */
  readonly done: boolean;
}
