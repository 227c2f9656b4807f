import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { lockStateDir, readStateFile, StateDirLockedError, writeStateFile } from '../../src/delivery/state-dir.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';

describe('state-dir', () => {
  let dir: TempDir;
  let outside: TempDir;
  beforeEach(() => {
    dir = tempDir();
    outside = tempDir();
  });
  afterEach(() => {
    dir.remove();
    outside.remove();
  });

  it('writes a state file atomically with mode 0600 in directories of mode 0700, and reads it back', () => {
    const state = join(dir.path, 'state');
    const path = join(state, 'delivery', 'email.cursor.json');
    writeStateFile(state, path, '{"a":1}\n');
    writeStateFile(state, path, '{"a":2}\n');
    expect(readStateFile(state, path)).to.equal('{"a":2}\n');
    expect(statSync(path).mode & 0o777).to.equal(0o600);
    expect(statSync(join(state, 'delivery')).mode & 0o777).to.equal(0o700);
    expect(statSync(state).mode & 0o777).to.equal(0o700);
    expect(readdirSync(join(state, 'delivery'))).to.deep.equal(['email.cursor.json']);
  });

  it('never follows a symlink inside the state directory out of it', () => {
    symlinkSync(outside.path, join(dir.path, 'delivery'));
    writeFileSync(join(outside.path, 'email.cursor.json'), 'theirs');
    const path = join(dir.path, 'delivery', 'email.cursor.json');
    expect(() => writeStateFile(dir.path, path, 'ours')).to.throw(/delivery is a symlink/).with.property('code', 'STATE_SYMLINK');
    expect(() => readStateFile(dir.path, path)).to.throw(/is a symlink/);
    expect(readdirSync(outside.path)).to.deep.equal(['email.cursor.json']);
    expect(readFileSync(join(outside.path, 'email.cursor.json'), 'utf8')).to.equal('theirs');
  });

  it('lets one supervisor hold a state directory: a second gets the holder\'s pid; a dead holder\'s lock is taken over', () => {
    const alive = new Set([111]);
    const first = lockStateDir(dir.path, { pid: 111, isAlive: (pid) => alive.has(pid) });
    expect(first.note).to.equal(undefined);
    expect(statSync(join(dir.path, 'supervisor.lock')).mode & 0o777).to.equal(0o600);
    let refused: unknown;
    try {
      lockStateDir(dir.path, { pid: 222, isAlive: (pid) => alive.has(pid) });
    } catch (error) {
      refused = error;
    }
    expect(refused).to.be.instanceOf(StateDirLockedError);
    expect((refused as Error).message).to.equal(`state_dir ${dir.path} is in use by another crypto-supervisor (pid 111); one supervisor per state_dir`);

    alive.delete(111); // killed with SIGKILL: the lock file stays behind
    const second = lockStateDir(dir.path, { pid: 222, isAlive: (pid) => alive.has(pid) });
    expect(second.note).to.equal('took over the lock of pid 111, which is not running');
    first.release(); // no longer ours: left alone
    expect(readFileSync(join(dir.path, 'supervisor.lock'), 'utf8')).to.equal('222\n');
    second.release();
    expect(existsSync(join(dir.path, 'supervisor.lock'))).to.equal(false);
  });

  it('refuses a lock file that is a symlink', () => {
    mkdirSync(join(outside.path, 'x'));
    symlinkSync(join(outside.path, 'x'), join(dir.path, 'supervisor.lock'));
    expect(() => lockStateDir(dir.path, { pid: 1, isAlive: () => false })).to.throw(/not a regular file/);
    expect(existsSync(join(outside.path, 'x'))).to.equal(true);
  });
});
