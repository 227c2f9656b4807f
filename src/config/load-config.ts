import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { load, YAMLException } from 'js-yaml';
import { ConfigError } from './config-issue.js';
import type { Config } from '../domain/config-types.js';
import { decodeConfig, type DecodeOptions } from './decode-config.js';
import { errorMessage } from '../domain/error-message.js';

/** Parses YAML text; a syntax error becomes a one-line {@link ConfigError} with line and column. */
export function parseConfigText(text: string, file: string): unknown {
  try {
    return load(text, { filename: file });
  } catch (error) {
    if (error instanceof YAMLException) {
      const line = error.mark ? error.mark.line + 1 : undefined;
      const column = error.mark ? error.mark.column + 1 : undefined;
      const where = line !== undefined ? `line ${line}, column ${column}` : 'somewhere';
      throw new ConfigError(file, [{ path: '', message: `YAML syntax error at ${where}: ${error.reason}` }]);
    }
    throw error;
  }
}

/**
 * Reads, parses and decodes a YAML config file.
 *
 * @throws {@link ConfigError} with one line naming the file and key path, when
 * the file is missing, is not YAML, or does not decode.
 */
export async function loadConfig(path: string, options: DecodeOptions = {}): Promise<Config> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : errorMessage(error);
    throw new ConfigError(path, [{ path: '', message: `cannot read config: ${why}` }]);
  }
  const decoded = decodeConfig(parseConfigText(text, path), { baseDir: dirname(path), ...options });
  if (E.isLeft(decoded)) throw new ConfigError(path, decoded.left);
  return decoded.right;
}
