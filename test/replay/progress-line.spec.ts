import { expect } from 'chai';
import { progressLine } from '../../src/replay/progress-line.js';

/**
 * What a terminal shows after `chunks`: a tiny emulator of the three controls
 * the bar uses (`\r` to column 0, `\x1b[K` erase to end of line, `\n` next line).
 */
function screen(chunks: readonly string[]): string[] {
  const lines: string[] = [''];
  let col = 0;
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) {
      const row = lines.length - 1;
      if (chunk.startsWith('\x1b[K', i)) {
        lines[row] = lines[row]!.slice(0, col);
        i += 2;
      } else if (chunk[i] === '\r') col = 0;
      else if (chunk[i] === '\n') {
        lines.push('');
        col = 0;
      } else {
        const line = lines[row]!.padEnd(col);
        lines[row] = line.slice(0, col) + chunk[i] + line.slice(col + 1);
        col++;
      }
    }
  }
  return lines;
}

describe('progressLine (the replay bar and log lines on one terminal)', () => {
  const terminal = () => {
    const chunks: string[] = [];
    const line = progressLine({ writeBar: (c) => chunks.push(c), writeLog: (c) => chunks.push(c) });
    return { chunks, line };
  };

  it('clears the bar before a log line and redraws it after: the log line stands alone, the bar stays last', () => {
    const { chunks, line } = terminal();
    line.draw('[###         ] 25 %');
    line.log('INFO first alert');
    line.draw('[######      ] 50 %');
    line.log('INFO second alert');
    line.log('INFO third alert');
    expect(screen(chunks)).to.deep.equal(['INFO first alert', 'INFO second alert', 'INFO third alert', '[######      ] 50 %']);
  });

  it('after finish the bar keeps its line and later log lines follow it', () => {
    const { chunks, line } = terminal();
    line.draw('[######      ] 50 %');
    line.finish('[############] 100 %');
    line.log('INFO stopped');
    expect(screen(chunks)).to.deep.equal(['[############] 100 %', 'INFO stopped', '']);
  });

  it('with no bar drawn, a log line is written as it is', () => {
    const { chunks, line } = terminal();
    line.log('INFO starting');
    expect(chunks).to.deep.equal(['INFO starting\n']);
  });

  it('a shorter redraw leaves nothing of the longer one', () => {
    const { chunks, line } = terminal();
    line.draw('[#           ] 10 % ETA 1:05:00');
    line.draw('[##          ] 20 %');
    expect(screen(chunks)).to.deep.equal(['[##          ] 20 %']);
  });

  it('the emulator sees the glue that a bare log write makes (what this prevents)', () => {
    expect(screen(['\r[###] 25 %', 'INFO alert\n'])).to.deep.equal(['[###] 25 %INFO alert', '']);
  });
});
