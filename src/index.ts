/**
 * crypto-supervisor's public API. Re-exports only: everything a library user
 * may rely on is listed here, each with its TSDoc at the definition.
 *
 * @packageDocumentation
 */

export { loadConfig, parseConfigText } from './config/load-config.js';
export { decodeConfig, type DecodeOptions } from './config/decode-config.js';
export { ConfigError, formatIssue, type ConfigIssue } from './config/config-issue.js';
export { summarizeConfig } from './config/summarize-config.js';
export type {
  AlertsConfig,
  Config,
  EmailConfig,
  ExchangeConfig,
  HttpConfig,
  OpsConfig,
  Thresholds,
} from './domain/config-types.js';
export { DEFAULT_THRESHOLDS } from './domain/config-types.js';
export type { Tick } from './domain/tick.js';
export type { Alert, Direction, FeedAlert, PriceAlert, PriceRule } from './domain/alert.js';
export type { FeedEvent, FeedGap, FeedState, FeedStatus, FrameRejection, RejectionReason } from './domain/feed-status.js';
export { EXCHANGE_IDS, type ExchangeId } from './domain/exchange-id.js';
export { canonicalSymbol } from './domain/symbol.js';
export { createLogger, silentLogger, type Logger, type LogLevel, type LogOptions } from './log.js';
export {
  createSupervisor,
  type Supervisor,
  type SupervisorHandle,
  type SupervisorOptions,
} from './supervisor.js';
