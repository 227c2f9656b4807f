/** Where each base asset's price starts (its exchange 24 h open); others start at 100. */
const BASE_PRICES: Readonly<Record<string, number>> = { BTC: 64_000, ETH: 3_200, SOL: 150, XRP: 0.52 };

/** The simulated 24 h open of a base asset (`BTC`), the same on every simulated exchange. */
export const scriptedOpen = (base: string): number => BASE_PRICES[base.toUpperCase()] ?? 100;

/**
 * The scripted market, as a fraction of the cycle (0..1) -> move from the 24 h
 * open and whether the exchange is reachable. One cycle: calm, a rally to +7 %
 * (crosses the default 5 % 24 h threshold), a plateau, a fall to -1 % (re-arms
 * the rule), then an outage (every socket dropped, connections refused), then
 * calm again. Deterministic: the same time gives the same price.
 */
export function scriptedMove(phase: number): { readonly move: number; readonly reachable: boolean } {
  const ramp = (from: number, to: number, a: number, b: number) => from + ((to - from) * (phase - a)) / (b - a);
  const wobble = 0.002 * Math.sin(phase * 2 * Math.PI * 17);
  if (phase < 0.1) return { move: 0.005 + wobble, reachable: true };
  if (phase < 0.25) return { move: ramp(0.005, 0.07, 0.1, 0.25) + wobble, reachable: true };
  if (phase < 0.5) return { move: 0.07 + wobble, reachable: true };
  if (phase < 0.65) return { move: ramp(0.07, -0.01, 0.5, 0.65) + wobble, reachable: true };
  if (phase < 0.85) return { move: -0.01 + wobble, reachable: false };
  return { move: -0.01 + wobble, reachable: true };
}
