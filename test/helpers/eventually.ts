/**
 * Retries an async check until it passes or `timeoutMs` runs out, then throws
 * the check's last error: for effects that settle over loopback (a browser
 * rendering, a server counting).
 */
export async function eventually(check: () => Promise<unknown>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}
