import { readFileSync } from 'node:fs';

const cache = new Map<string, string[]>();

/** The files of `frames/`: each exchange's documented messages, and OKX frames recorded live. */
export type FrameFile = 'binance' | 'coinbase' | 'kraken' | 'okx' | 'bybit' | 'bitstamp' | 'okx-recorded';

/**
 * Line `line` (1-based) of `frames/<exchange>.jsonl`, byte for byte: the
 * exchanges' documented messages (see frames/README.md).
 */
export function docFrame(exchange: FrameFile, line: number): string {
  let lines = cache.get(exchange);
  if (!lines) {
    lines = readFileSync(new URL(`./frames/${exchange}.jsonl`, import.meta.url), 'utf8').split('\n');
    cache.set(exchange, lines);
  }
  const text = lines[line - 1];
  if (text === undefined || text === '') throw new Error(`no line ${line} in ${exchange}.jsonl`);
  return text;
}
