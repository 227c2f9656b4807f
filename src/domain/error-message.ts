/**
 * The words of a caught error for a log line or a report: its message (or, when
 * that is empty, its name); anything thrown that is not an Error, as text.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
