// The tiers module's public surface: import from '@/server/tiers' (or the files directly).
export * from './types';
export * from './errors';
export { chat, chatStream, health, listModels } from './connector';
export type { CallOptions, ChatResult } from './parse';
export type { ChatStreamChunk, StreamOptions } from './stream';
export type { HealthResult } from './connector';
export { TierClient, type BreakerState, type ClientChatResult, type TierClientOptions } from './client';
export { startSimulator, simulatedTierConfigs, type Simulator, type SimulatorOptions } from './simulator';
export { DEFAULT_SIM_MODELS, SIMULATED_PRICES, type OutcomeOracle, type OracleInput, type OracleVerdict, type SimModelSpec } from './simulator-model';
export { estimateTokens, estimatePromptTokens, estimateUsage } from './tokens';
export { Admission, PRIORITIES, QueueFullError, type AdmissionState, type Permit, type Priority } from './admission';
export { MetricsScraper, type ScraperOptions } from './metrics-scraper';
export { parseVllmMetrics, MetricsParseError, type TierLoad } from './vllm-metrics';
export { createTierRegistry, type TierRegistry, type TierSource, type RegistryOptions } from './registry';
