import { expect } from 'chai';
import { withHugePages } from '../../bench/huge-pages.js';

describe('bench: huge pages', () => {
  it('adds the malloc tunable to GLIBC_TUNABLES, keeping the others and the rest of the environment', () => {
    expect(withHugePages({ PATH: '/usr/bin' })).to.deep.equal({ PATH: '/usr/bin', GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' });
    expect(withHugePages({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' })['GLIBC_TUNABLES']).to.equal('glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1');
    // A hugetlb already set (to 0 or 2) is replaced, not doubled.
    expect(withHugePages({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0:glibc.malloc.arena_max=2' })['GLIBC_TUNABLES']).to.equal('glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1');
  });

  it('leaves the given environment as it was', () => {
    const env = { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' };
    withHugePages(env);
    expect(env).to.deep.equal({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' });
  });
});
