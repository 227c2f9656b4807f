/**
 * crypto-supervisor's public API. Re-exports only: everything a library user
 * may rely on is listed here, each documented at its definition.
 *
 * - Config: {@link loadConfig}, {@link decodeConfig} and the config types.
 * - Sources (cold `Observable<Tick>`s): {@link binanceTicks}, {@link coinbaseTicks},
 *   {@link krakenTicks}, {@link exchangeTicks}, {@link marketTicks}, {@link replayTicks}.
 * - Operators: {@link priceState}, {@link detectAlerts} and the pieces it is built from.
 * - Delivery: {@link openJournal}, {@link deliverChannel}, {@link emailChannel}; {@link recordTicks}.
 * - The whole service: {@link createSupervisor}.
 *
 * @packageDocumentation
 */

// Config
export { loadConfig, parseConfigText } from './config/load-config.js';
export { decodeConfig, type DecodeOptions } from './config/decode-config.js';
export { ConfigError, formatIssue, type ConfigIssue } from './config/config-issue.js';
export { summarizeConfig } from './config/summarize-config.js';
export {
  DEFAULT_DIVERGENCE,
  DEFAULT_LEVEL_HYSTERESIS,
  DEFAULT_THRESHOLDS,
  type AlertsConfig,
  type Config,
  type DivergenceConfig,
  type DivergenceMarket,
  type EmailConfig,
  type ExchangeConfig,
  type HttpConfig,
  type OpsConfig,
  type RuleOverrides,
  type SymbolRules,
  type ThresholdOverrides,
  type Thresholds,
} from './domain/config-types.js';

// Domain types
export type { Tick } from './domain/tick.js';
export type { Alert, Direction, DivergenceAlert, DivergenceRearmed, DivergenceSide, FeedAlert, JournalEntry, MoveRearmed, PriceAlert, PriceRule, Rearmed } from './domain/alert.js';
export type { DedupeLevel } from './domain/dedupe-level.js';
export type { FeedEvent, FeedGap, FeedState, FeedStatus, FrameRejection, RejectionReason } from './domain/feed-status.js';
export { EXCHANGE_IDS, type ExchangeId } from './domain/exchange-id.js';
export { canonicalSymbol } from './domain/symbol.js';
export { alertHeadline } from './domain/alert-text.js';

// Sources
export { type Connector, type ConnectorLimits, type ConnectorLiveness, type FeedControl, MAX_QUIET_FACTOR, type NativeSymbols, type ParsedFrame } from './connectors/connector.js';
export { controlFrame, heartbeatFrame, rejectedFrame, ticksFrame, transportFrame } from './connectors/parsed-frame.js';
export { type ConnectGates, connectGates } from './connectors/connect-gate.js';
export { exchangeTicks, type FeedOptions } from './connectors/exchange-ticks.js';
export { binance, binanceTicks } from './connectors/binance.js';
export { coinbase, coinbaseTicks } from './connectors/coinbase.js';
export { kraken, krakenTicks } from './connectors/kraken.js';
export { okx } from './connectors/okx.js';
export { bybit } from './connectors/bybit.js';
export { bitstamp } from './connectors/bitstamp.js';
export { liveMarketTicks, marketTicks } from './connectors/market-ticks.js';
export { rejectFrame } from './connectors/frame-rejection.js';
export { replayTicks, type ReplayOptions } from './replay/replay-ticks.js';
export type { ReplayProgress } from './replay/replay-progress.js';
export { parseTickLine } from './replay/parse-tick-line.js';
export { formatTickLine } from './replay/format-tick-line.js';

// Operators
export { createPriceState, priceState, type PriceState } from './operators/price-state.js';
export { detectAlerts, type DetectAlertsOptions } from './operators/detect-alerts.js';
export { detectMoves, type DetectMovesOptions } from './operators/detect-moves.js';
export type { RulesUpdate, SymbolKey } from './operators/rules-update.js';
export { isPriceAlert, type PriceMove } from './operators/price-move.js';
export { rebuildDedupeLevels, type RebuildDedupeLevelsOptions } from './operators/rebuild-dedupe-levels.js';
export { tickMetrics, type TickMetrics, type TickMetricsOptions } from './operators/tick-metrics.js';
export { priceRules, type AlertCandidate, type PriceRulesOptions } from './operators/price-rules.js';
export { dedupeAlerts } from './operators/dedupe-alerts.js';
export { dedupeMoves, type DedupeMovesOptions } from './operators/dedupe-moves.js';
export { feedDownAlerts } from './operators/feed-down-alerts.js';
export { divergenceAlerts, type DivergenceAlertsOptions } from './operators/divergence-alerts.js';
export { divergenceGroups, type DivergenceGroup } from './operators/divergence-groups.js';
export { rebuildDivergenceEpisodes } from './operators/rebuild-divergence-episodes.js';
export { silentSymbols, type SymbolActivity, type SymbolSilence, type WatchedFeed } from './operators/symbol-silence.js';

// Delivery: the journal, the durable per-channel path, the channels
export type { Channel, DeliveryBatch, DeliveryFailure, JournaledEntry } from './delivery/channel.js';
export { openJournal, type JournalWriter, type JournalWriterOptions } from './delivery/journal-writer.js';
export { readJournal, type JournalRead } from './delivery/read-journal.js';
export { journalEntries, type JournalEntriesOptions } from './delivery/journal-entries.js';
export { deliverChannel, type DeliverChannelOptions, type DeliveryEvent } from './delivery/deliver-channel.js';
export { emailChannel, type EmailChannelOptions } from './delivery/channels/email-channel.js';
export { channelsFromConfig, type ChannelsFromConfigOptions } from './delivery/channels-from-config.js';
export { webhookChannel, type WebhookChannelOptions } from './delivery/channels/webhook-channel.js';
export type { JsonWebhookBody } from './delivery/channels/json-format.js';
export { telegramChannels, type TelegramChannelOptions } from './delivery/channels/telegram-channels.js';
export { alertmanagerChannel, type AlertmanagerChannelOptions } from './delivery/channels/alertmanager-channel.js';
export type { AlertmanagerAlert } from './delivery/channels/alertmanager-alert.js';
export { classifyHttpFailure } from './delivery/channels/classify-http-failure.js';
export { HttpPostError, type HttpPostErrorCode } from './delivery/channels/http-post-error.js';
export { lockStateDir, StateDirLockedError, type StateDirLock } from './delivery/state-dir.js';
export { recordTicks, type RecordTicksOptions } from './replay/record-ticks.js';

// The service
export { createLogger, silentLogger, type Logger, type LogLevel, type LogOptions } from './log.js';
export { createSupervisor, exchangeConfigIssues } from './supervisor/create-supervisor.js';
export type { ReloadResult, ReplayRunOptions, ReplaySummary, Supervisor, SupervisorHandle, SupervisorOptions } from './supervisor/supervisor-types.js';
export { configDiff, type ConfigDiff, describeConfigDiff, type ExchangeDiff, RESTART_KEYS } from './config/config-diff.js';
