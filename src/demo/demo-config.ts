/** What {@link demoConfig} plugs in: where the demo's own parts listen. */
export interface DemoConfigOptions {
  /** The simulated Binance's `ws://127.0.0.1:<port>`. */
  readonly binanceUrl: string;
  /** The simulated Coinbase's `ws://127.0.0.1:<port>`. */
  readonly coinbaseUrl: string;
  /** The mail catcher's port on 127.0.0.1. */
  readonly smtpPort: number;
  /** The demo's own state dir (a fresh temporary directory). */
  readonly stateDir: string;
  /** `host:port` of the status page. */
  readonly listen: string;
}

/**
 * The demo's configuration, as the YAML would say it (decode it with
 * `decodeConfig`): Binance BTC/USDT and ETH/USDT, Coinbase BTC/USD and
 * ETH/USD from the simulators (each pair compared: a divergence of 1 % for
 * 3 s, USDT and USD treated as equal), the shipped thresholds (5 % in 24 h,
 * 2 % in 1 h), email to the mail catcher with a 1 s digest window, the status page on, and timers short enough
 * for the simulator's one-minute script: a reconnect within 2 s and a
 * `feed_down` after 4 s of Binance's 12 s outage (Coinbase stays up).
 *
 * @example
 * decodeConfig(demoConfig({ binanceUrl: binance.url, coinbaseUrl: coinbase.url, smtpPort: catcher.port, stateDir, listen: '127.0.0.1:9464' }));
 */
export function demoConfig(options: DemoConfigOptions): Record<string, unknown> {
  return {
    exchanges: {
      binance: { symbols: ['BTC/USDT', 'ETH/USDT'], reconnect_delay: 1, reconnect_max_delay: 2, url: options.binanceUrl },
      coinbase: { symbols: ['BTC/USD', 'ETH/USD'], reconnect_delay: 1, reconnect_max_delay: 2, url: options.coinbaseUrl },
    },
    alerts: {
      feed_down_after_ms: 4000,
      // Coinbase plays the script 3 s late: in the rally and the fall the two drift 2 to 3 % apart for several seconds.
      divergence: {
        pct: 0.01,
        min_duration_ms: 3000,
        max_age_ms: 5000,
        pairs: [['binance:BTC/USDT', 'coinbase:BTC/USD'], ['binance:ETH/USDT', 'coinbase:ETH/USD']],
      },
      email: {
        smtp_host: '127.0.0.1',
        smtp_port: options.smtpPort,
        from_addr: 'crypto-supervisor@demo.invalid',
        to_addrs: ['you@demo.invalid'],
        group_wait_ms: 1000,
      },
    },
    state_dir: options.stateDir,
    http: { listen: options.listen },
  };
}
