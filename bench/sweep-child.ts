import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runSweepScale, type SweepScaleResult } from './sweep-scale.ts';

/** The sweep function's memorySize in serverless.yml. */
export const SWEEP_MEMORY_MB = 1024;

/**
 * Runs one sweep-at-scale measurement in a Node process of its own, started with the heap
 * limits Lambda's Node runtime gives a function of `memoryMb` (old space 90% of it, semi space
 * 5%): a sweep that does not fit dies here as it would there, and the peak RSS is this process's
 * alone, not the bench's.
 */
export function runSweepScaleInChild(
  endpoint: string,
  nodes: number,
  tableName: string,
  memoryMb: number,
): Promise<SweepScaleResult> {
  const child = fork(fileURLToPath(import.meta.url), [endpoint, String(nodes), tableName], {
    execArgv: [
      '--import',
      'tsx',
      '--expose-gc',
      `--max-old-space-size=${Math.floor(memoryMb * 0.9)}`,
      `--max-semi-space-size=${Math.floor(memoryMb * 0.05)}`,
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let result: SweepScaleResult | undefined;
    child.on('message', (message) => {
      result = message as SweepScaleResult;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (result) resolve(result);
      else
        reject(
          new SweepDidNotFitError(
            `the ${nodes}-node sweep died in a ${memoryMb} MB heap (exit ${code ?? signal})`,
          ),
        );
    });
  });
}

export class SweepDidNotFitError extends Error {
  override readonly name = 'SweepDidNotFitError';
}

// The child: measure, send the result, exit.
if (process.send && process.argv[1] === fileURLToPath(import.meta.url)) {
  const [endpoint = '', nodes = '0', tableName = ''] = process.argv.slice(2);
  const result = await runSweepScale(endpoint, Number(nodes), tableName);
  process.send(result, undefined, {}, () => process.exit(0));
}
