import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileWhat, readProblem } from './cli-error.ts';

export class EventFileError extends Error {
  override readonly name = 'EventFileError';
}

export interface LoadedEvent {
  readonly file: string;
  readonly event: unknown;
}

/**
 * Reads every event of the given files (a directory means its `.json` files in
 * name order). Each file holds one event or an array of them. Everything is
 * read before anything is applied, so one bad file changes nothing.
 */
export function loadEventFiles(paths: readonly string[]): LoadedEvent[] {
  const files = paths.flatMap(expand);
  const out: LoadedEvent[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new EventFileError(fileWhat(file, readProblem(error)));
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new EventFileError(`${file}: not valid JSON (${(error as Error).message})`);
    }
    for (const event of Array.isArray(parsed) ? parsed : [parsed]) out.push({ file, event });
  }
  return out;
}

function expand(path: string): string[] {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path);
  } catch (error) {
    throw new EventFileError(fileWhat(path, readProblem(error)));
  }
  if (!stat.isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(path, name));
}
