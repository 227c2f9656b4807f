import { NEVER, type Observable, Subscription } from 'rxjs';
import type { Config } from './domain/config-types.js';
import { summarizeConfig } from './config/summarize-config.js';
import type { Tick } from './domain/tick.js';
import { type Logger, silentLogger } from './log.js';

/** What {@link createSupervisor} needs from the outside world. */
export interface SupervisorOptions {
  /** Where the service logs. Default: nothing is logged. */
  readonly logger?: Logger;
}

/** A running service; `stop()` shuts it down gracefully. */
export interface SupervisorHandle {
  /** Stops the feeds, lets the sinks flush, resolves when everything is closed. */
  stop(): Promise<void>;
}

/** The service's streams and its runner. */
export interface Supervisor {
  /** All configured exchanges' ticks, merged. Cold. */
  readonly ticks$: Observable<Tick>;
  /** Wires sources to sinks as `npm start` does. */
  run(): SupervisorHandle;
}

/** Creates the supervisor for a decoded config. Nothing connects until `run()` or a subscription. */
export function createSupervisor(config: Config, options: SupervisorOptions = {}): Supervisor {
  const logger = options.logger ?? silentLogger;
  const ticks$: Observable<Tick> = NEVER;
  return {
    ticks$,
    run() {
      logger.info(`starting: ${summarizeConfig(config)}`);
      const subscription = new Subscription();
      subscription.add(ticks$.subscribe());
      return {
        async stop() {
          subscription.unsubscribe();
        },
      };
    },
  };
}
