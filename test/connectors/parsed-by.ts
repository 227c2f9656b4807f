import type { Connector } from '../../src/connectors/connector.js';

/** A `transport` parse result: acks, pongs, answers. */
export const TRANSPORT = { kind: 'transport' };

/** A `ticks` parse result. */
export const ticks = (list: readonly object[]) => ({ kind: 'ticks', ticks: list });

/**
 * What one connector's `parse` makes of a frame, in the shapes connector specs
 * compare: the control (or `undefined`), and the rejection (or the whole result).
 */
export function parsedBy(connector: Connector, receivedAt: number) {
  return {
    controlOf(frame: string) {
      const parsed = connector.parse(frame, receivedAt);
      return parsed.kind === 'control' ? parsed.control : undefined;
    },
    rejectionOf(frame: string, symbols?: Map<string, string>) {
      const parsed = connector.parse(frame, receivedAt, symbols);
      return parsed.kind === 'rejected' ? parsed.rejection : parsed;
    },
  };
}
