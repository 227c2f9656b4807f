import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { emailBatch } from '../../../src/delivery/channels/email-batch.js';
import { emailOutbox } from '../../../src/delivery/channels/email-outbox.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';
import { btcUp, ethDown, krakenDown, T0 } from './email/alert-fixtures.js';

describe('emailOutbox', () => {
  let dir: TempDir;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  it('writes a batch as <batchId>.json under <stateDir>/outbox, leaving no temporary file', () => {
    const outbox = emailOutbox(join(dir.path, 'state'));
    const batch = emailBatch([btcUp, krakenDown], T0);
    outbox.put(batch);
    expect(outbox.dir).to.equal(join(dir.path, 'state', 'outbox'));
    expect(readdirSync(outbox.dir)).to.deep.equal([`${batch.batchId}.json`]);
    expect(JSON.parse(readFileSync(join(outbox.dir, `${batch.batchId}.json`), 'utf8'))).to.include({ messageId: batch.messageId });
  });

  it('loads what an earlier instance left, oldest first, equal to what was written', () => {
    const first = emailOutbox(dir.path);
    const older = emailBatch([ethDown], T0);
    const newer = emailBatch([btcUp], T0 + 10);
    first.put(newer);
    first.put(older);
    expect(emailOutbox(dir.path).load()).to.deep.equal({ batches: [older, newer], problems: [] });
  });

  it('is empty before anything was written', () => {
    expect(emailOutbox(dir.path).load()).to.deep.equal({ batches: [], problems: [] });
  });

  it('removes a sent batch', () => {
    const outbox = emailOutbox(dir.path);
    const batch = emailBatch([btcUp], T0);
    outbox.put(batch);
    outbox.remove(batch.batchId);
    outbox.remove(batch.batchId);
    expect(outbox.load().batches).to.deep.equal([]);
  });

  it('moves a refused batch to failed/ with the reason', () => {
    const outbox = emailOutbox(dir.path);
    const batch = emailBatch([btcUp], T0);
    outbox.put(batch);
    const path = outbox.fail(batch, '550 mailbox unavailable');
    expect(path).to.equal(join(outbox.failedDir, `${batch.batchId}.json`));
    expect(outbox.failedDir).to.equal(join(dir.path, 'outbox', 'failed'));
    expect(JSON.parse(readFileSync(path, 'utf8'))).to.include({ error: '550 mailbox unavailable', batchId: batch.batchId });
    expect(readdirSync(outbox.dir)).to.deep.equal(['failed']);
    expect(outbox.load().batches).to.deep.equal([]);
  });

  it('moves an unreadable file to failed/ and removes an interrupted write, saying so', () => {
    const outbox = emailOutbox(dir.path);
    const good = emailBatch([btcUp], T0);
    outbox.put(good);
    mkdirSync(outbox.dir, { recursive: true });
    writeFileSync(join(outbox.dir, 'broken.json'), '{"format":');
    writeFileSync(join(outbox.dir, 'half.json.tmp'), '{');
    writeFileSync(join(outbox.dir, 'notes.txt'), 'not ours');
    const { batches, problems } = outbox.load();
    expect(batches).to.deep.equal([good]);
    expect(problems).to.have.length(2);
    expect(problems.find((p) => p.includes('broken.json'))).to.match(/^moved unreadable .*broken\.json to .*failed: /);
    expect(problems.find((p) => p.includes('half.json.tmp'))).to.match(/interrupted write$/);
    expect(existsSync(join(outbox.failedDir, 'broken.json'))).to.equal(true);
    expect(existsSync(join(outbox.dir, 'half.json.tmp'))).to.equal(false);
    expect(existsSync(join(outbox.dir, 'notes.txt'))).to.equal(true);
  });

  it('rejects a file whose batchId does not match its name', () => {
    const outbox = emailOutbox(dir.path);
    const batch = emailBatch([btcUp], T0);
    outbox.put(batch);
    writeFileSync(join(outbox.dir, 'other.json'), readFileSync(join(outbox.dir, `${batch.batchId}.json`)));
    const { batches, problems } = outbox.load();
    expect(batches).to.deep.equal([batch]);
    expect(problems[0]).to.contain('does not match the file name');
  });
});
