import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Sample JSON, which tests edit freely to make variants. */
// biome-ignore lint/suspicious/noExplicitAny: tests reach into arbitrary event shapes
export type SampleEvent = Record<string, any>;

const ROOT = new URL('../../events/samples/', import.meta.url).pathname;

/** A sample event by path under events/samples/, parsed fresh each call so tests can mutate it. */
export function sample(path: string): SampleEvent {
  return JSON.parse(readFileSync(join(ROOT, path), 'utf8'));
}

/** Every sample of a folder, in file-name (story) order. */
export function sampleFolder(folder: string): Array<{ name: string; event: SampleEvent }> {
  return readdirSync(join(ROOT, folder))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((name) => ({ name, event: sample(join(folder, name)) }));
}
