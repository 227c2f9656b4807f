/**
 * An app of its own that embeds crypto-supervisor.
 *
 * It merges the supervisor's `alerts$` with its own stream (the symbols it
 * holds, changed by typing `+ETH/USDT` or `-BTC/USDT` on stdin), folds both into
 * one state with `scan`, and reacts: an alert on a held symbol asks for a
 * review, an alert on anything else is noted and ignored, a feed outage always
 * matters.
 *
 *     npx tsx examples/portfolio-watch.ts config/exchanges.yaml BTC/USDT
 *
 * Ctrl-C unsubscribes, which closes every socket: the process then exits by itself.
 */
import { createInterface } from 'node:readline';
import { filter, fromEvent, map, merge, type Observable, scan, share, takeUntil } from 'rxjs';
import { type Alert, alertHeadline, createSupervisor, loadConfig } from 'crypto-supervisor';

type AppEvent = { readonly type: 'hold' | 'sell'; readonly symbol: string } | { readonly type: 'alert'; readonly alert: Alert };
interface AppState {
  readonly held: ReadonlySet<string>;
  readonly reaction?: string;
}

const [configPath = 'config/exchanges.yaml', ...initiallyHeld] = process.argv.slice(2);
const supervisor = createSupervisor(await loadConfig(configPath));
const stop$ = fromEvent(process, 'SIGINT').pipe(share());

// The app's own stream: holdings typed on stdin ("+ETH/USDT", "-BTC/USDT").
const lines = createInterface({ input: process.stdin });
const holdings$: Observable<AppEvent> = fromEvent(lines, 'line', (line: string) => line.trim()).pipe(
  filter((line) => /^[+-]\S+$/.test(line)),
  map((line) => ({ type: line.startsWith('+') ? 'hold' : 'sell', symbol: line.slice(1).toUpperCase() }) as const),
);
const alerts$: Observable<AppEvent> = supervisor.alerts$.pipe(map((alert) => ({ type: 'alert', alert }) as const));

function react(state: AppState, event: AppEvent): AppState {
  const held = new Set(state.held);
  if (event.type === 'alert') {
    const { alert } = event;
    if (alert.kind === 'feed') return { held, reaction: `ATTENTION ${alertHeadline(alert)}` };
    // A divergence names two sides (the same symbol on two exchanges, or a configured pair).
    const symbols = alert.kind === 'divergence' ? [alert.high.symbol, alert.low.symbol] : [alert.symbol];
    const verdict = symbols.some((symbol) => held.has(symbol)) ? 'REVIEW' : 'ignored';
    return { held, reaction: `${verdict} ${alertHeadline(alert)}` };
  }
  if (event.type === 'hold') return { held: held.add(event.symbol), reaction: `now holding ${[...held].join(', ')}` };
  held.delete(event.symbol);
  return { held, reaction: `sold ${event.symbol}` };
}

merge(holdings$, alerts$)
  .pipe(
    scan(react, { held: new Set(initiallyHeld.map((s) => s.toUpperCase())) }),
    takeUntil(stop$),
  )
  .subscribe({
    next: (state) => console.log(state.reaction),
    complete: () => lines.close(),
  });
console.log(`watching, holding ${initiallyHeld.join(', ') || 'nothing'}`);
