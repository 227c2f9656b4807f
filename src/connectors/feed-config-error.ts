import type { SymbolProblem } from './native-symbols.js';

/** A feed cannot start: some configured symbols cannot be mapped to the exchange's names. */
export class FeedConfigError extends Error {
  override readonly name = 'FeedConfigError';
  constructor(
    readonly exchange: string,
    readonly problems: readonly SymbolProblem[],
  ) {
    super(problems.map((p) => `exchanges.${exchange}.symbols[${p.index}]: ${p.message}`).join('; '));
  }
}
