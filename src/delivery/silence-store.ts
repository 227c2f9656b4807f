import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { BehaviorSubject, type Observable } from 'rxjs';
import { errorMessage } from '../domain/error-message.js';
import { type Silence, type SilenceRequest, silenceActive } from '../domain/silence.js';
import { type Logger, silentLogger } from '../log.js';
import { readStateFile, writeStateFile } from './state-dir.js';

/** Options of {@link openSilenceStore}. */
export interface SilenceStoreOptions {
  /** Silences of `alerts.silences`: listed and applied, never written to the file. */
  readonly configured?: readonly Silence[];
  /** The wall clock for `createdAt` and for dropping ended silences. Default `Date.now`. */
  readonly now?: () => number;
  /** New ids (tests). Default: 8 random hex digits. */
  readonly newId?: () => string;
  readonly logger?: Logger;
}

/** The silences in force: the configured ones and the runtime ones, kept in `<state_dir>/silences.json`. */
export interface SilenceStore {
  /** The file the runtime silences are kept in. */
  readonly path: string;
  /** Every silence not ended yet, configured ones first. */
  list(): Silence[];
  /** Adds a runtime silence and writes the file before answering; throws when the file cannot be written (nothing is added then). */
  add(request: SilenceRequest): Silence;
  /** Removes a runtime silence; false when there is none with this id (a configured one cannot be removed). */
  remove(id: string): boolean;
  /** Replaces the configured silences (a config reload); the runtime ones stay. Emits the new set. */
  setConfigured(silences: readonly Silence[]): void;
  /** The whole set on every change, the current one first (for `silenceAlerts`). */
  readonly silences$: Observable<readonly Silence[]>;
}

const FORMAT = 'crypto-supervisor/silences@1';

/**
 * Opens the runtime silences of `stateDir`: reads `silences.json` (a file that
 * cannot be read or parsed is one ERROR and no runtime silence, never a crash),
 * and writes it atomically (0600, never through a symlink) on every change.
 * Ended silences are dropped from the list and the file at the next change.
 *
 * @example
 * const store = openSilenceStore('var', { configured: config.alerts.silences, logger });
 * store.add({ match: { symbol: 'DOGE/USDT' }, until: Date.now() + 3_600_000, comment: 'listing day' });
 * // var/silences.json now holds it; a restart finds it again
 */
export function openSilenceStore(stateDir: string, options: SilenceStoreOptions = {}): SilenceStore {
  const path = join(stateDir, 'silences.json');
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const newId = options.newId ?? (() => randomBytes(4).toString('hex'));
  let configured = options.configured ?? [];
  let runtime: Silence[] = [];
  try {
    const text = readStateFile(stateDir, path);
    if (text !== undefined) {
      const value = JSON.parse(text) as { format?: unknown; silences?: unknown };
      if (value.format !== FORMAT || !Array.isArray(value.silences)) throw new Error('not a silences file');
      runtime = (value.silences as Silence[]).filter((s) => typeof s?.id === 'string' && typeof s.match === 'object' && s.match !== null);
      if (runtime.length > 0) logger.info(`${runtime.length} runtime silence(s) restored from ${path}`);
    }
  } catch (error) {
    logger.error(`cannot read the runtime silences in ${path}: ${errorMessage(error)}; starting without them (the file is replaced at the next change)`);
  }
  const current = (): Silence[] => [...configured, ...runtime].filter((s) => silenceActive(s, now()));
  const subject = new BehaviorSubject<readonly Silence[]>(current());
  const save = (next: Silence[]) => {
    writeStateFile(stateDir, path, `${JSON.stringify({ format: FORMAT, silences: next }, null, 1)}\n`);
    runtime = next;
    subject.next(current());
  };
  return {
    path,
    list: current,
    add(request) {
      const ids = new Set([...configured, ...runtime].map((s) => s.id));
      let id = newId();
      while (ids.has(id)) id = newId();
      const silence: Silence = {
        id,
        match: request.match,
        ...(request.until !== undefined ? { until: request.until } : {}),
        ...(request.comment !== undefined ? { comment: request.comment } : {}),
        source: 'api',
        createdAt: now(),
      };
      save([...runtime.filter((s) => silenceActive(s, now())), silence]);
      return silence;
    },
    remove(id) {
      if (!runtime.some((s) => s.id === id)) return false;
      save(runtime.filter((s) => s.id !== id && silenceActive(s, now())));
      return true;
    },
    setConfigured(silences) {
      configured = silences;
      subject.next(current());
    },
    silences$: subject.asObservable(),
  };
}
