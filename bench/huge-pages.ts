/** The glibc tunable that has `malloc` ask the kernel for transparent huge pages (glibc 2.35 and later). */
export const HUGE_PAGES_TUNABLE = 'glibc.malloc.hugetlb=1';

/**
 * `env` with {@link HUGE_PAGES_TUNABLE} added to `GLIBC_TUNABLES` (kept if the
 * variable already sets others). Node allocates `ArrayBuffer`s, and so every
 * price window, with glibc's `malloc`; with huge pages 10,000 symbols' windows
 * take a few hundred TLB entries instead of tens of thousands of 4 KiB pages.
 * Elsewhere (musl, macOS, a kernel with transparent huge pages `never`) the
 * variable does nothing.
 *
 * @example
 * withHugePages({ PATH: '/usr/bin' }); // { PATH: '/usr/bin', GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' }
 */
export function withHugePages(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const tunables = (env['GLIBC_TUNABLES'] ?? '').split(':').filter((tunable) => tunable !== '' && !tunable.startsWith('glibc.malloc.hugetlb='));
  return { ...env, GLIBC_TUNABLES: [...tunables, HUGE_PAGES_TUNABLE].join(':') };
}
