/** One sample line of the Prometheus text format. */
export interface PromSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A parsed exposition: samples, and the TYPE and HELP of each metric family. */
export interface PromExposition {
  readonly samples: readonly PromSample[];
  readonly types: ReadonlyMap<string, string>;
  readonly help: ReadonlyMap<string, string>;
  /** The value of the one sample with exactly these labels, or `undefined`. */
  value(name: string, labels?: Record<string, string>): number | undefined;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`);
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/y;
const TYPES = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];

/**
 * A strict parser of the Prometheus text format 0.0.4, enough to check our
 * /metrics: throws on any line it does not understand, on a sample before its
 * TYPE, and on a family declared twice.
 */
export function parsePrometheusText(text: string): PromExposition {
  const samples: PromSample[] = [];
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  text.slice(0, -1).split('\n').forEach((line, index) => {
    const where = `line ${index + 1}: ${JSON.stringify(line)}`;
    if (line === '') return;
    const meta = new RegExp(`^# (HELP|TYPE) (${NAME}) (.*)$`).exec(line);
    if (meta) {
      const [, kind, name, rest] = meta as unknown as [string, string, string, string];
      if (kind === 'TYPE') {
        if (!TYPES.includes(rest)) throw new Error(`${where}: unknown type`);
        if (types.has(name)) throw new Error(`${where}: TYPE declared twice`);
        types.set(name, rest);
      } else {
        help.set(name, rest);
      }
      return;
    }
    if (line.startsWith('#')) return;
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`${where}: not a sample`);
    const [, name, labelText, valueText] = match as unknown as [string, string, string | undefined, string];
    const labels: Record<string, string> = {};
    if (labelText) {
      LABEL.lastIndex = 0;
      while (LABEL.lastIndex < labelText.length) {
        const label = LABEL.exec(labelText);
        if (!label) throw new Error(`${where}: bad labels`);
        labels[label[1]!] = label[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
      }
    }
    // Prometheus parses values with Go's ParseFloat: NaN and Inf in any case (prom-client writes "Nan").
    const value = /^[+-]?inf$/i.test(valueText) ? (valueText.startsWith('-') ? -Infinity : Infinity) : /^nan$/i.test(valueText) ? NaN : Number(valueText);
    if (Number.isNaN(value) && !/^nan$/i.test(valueText)) throw new Error(`${where}: bad value`);
    const family = [...types.keys()].find((f) => name === f || /^_(bucket|sum|count|total|created)$/.test(name.slice(f.length)) && name.startsWith(f));
    if (family === undefined) throw new Error(`${where}: sample before its TYPE`);
    samples.push({ name, labels, value });
  });
  return {
    samples,
    types,
    help,
    value(name, labels = {}) {
      const wanted = JSON.stringify(Object.entries(labels).sort());
      const found = samples.filter((s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === wanted);
      if (found.length > 1) throw new Error(`${name} ${wanted} appears ${found.length} times`);
      return found[0]?.value;
    },
  };
}
