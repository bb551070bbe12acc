import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

/** The function entries serverless.yml packages (handler: functions/<name>.handler). */
export const FUNCTION_ENTRIES = [
  'instance-state',
  'eni-activity',
  'elb-activity',
  'sweep',
  'notify',
];

export interface BundleResult {
  readonly name: string;
  readonly bytes: number;
  readonly importMs: number[];
  readonly importCpuMs: number[];
  /** The biggest packages in the bundle, by bytes of output. */
  readonly top: readonly (readonly [string, number])[];
}

const ROOT = new URL('../', import.meta.url).pathname;
const { buildOptions } = createRequire(import.meta.url)('../esbuild.config.cjs') as {
  buildOptions: Record<string, unknown>;
};

/** Enough environment for each function's cold start (config validation) and no more. */
const ENV = {
  PATH: process.env.PATH,
  TABLE_NAME: 'bench',
  CLUSTERS: 'bench',
  VPC_IDS: 'vpc-0be0c0000000000a1',
  ALERT_TOPIC_ARN: 'arn:aws:sns:ap-northeast-2:123456789012:netledger-bench',
  SLACK_WEBHOOK_PARAMETER: '/netledger/slack-webhook-url',
  AWS_REGION: 'ap-northeast-2',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};

/** Wall time of the import, then the CPU time it took (which other load on the machine inflates less). */
const DRIVER = `const t = performance.now();
const c = process.cpuUsage();
await import(process.argv[2]);
const u = process.cpuUsage(c);
console.log(performance.now() - t, (u.user + u.system) / 1000);`;

/**
 * Builds every function with the deployment's esbuild options (esbuild.config.cjs), then
 * times `import()` of each bundle in a fresh Node process `runs` times.
 */
export async function runBundleBench(runs: number): Promise<BundleResult[]> {
  const work = mkdtempSync(join(tmpdir(), 'netledger-bench-bundles-'));
  try {
    const driver = join(work, 'driver.mjs');
    writeFileSync(driver, DRIVER);
    const out: BundleResult[] = [];
    for (const name of FUNCTION_ENTRIES) {
      const { outputFileExtension: _ext, exclude: _exclude, ...options } = buildOptions;
      const outfile = join(work, `${name}.mjs`);
      const result = await build({
        ...options,
        entryPoints: [join(ROOT, 'functions', `${name}.ts`)],
        outfile,
        metafile: true,
        logLevel: 'silent',
      });
      const byPackage = new Map<string, number>();
      for (const output of Object.values(result.metafile.outputs)) {
        for (const [file, input] of Object.entries(output.inputs)) {
          const pkg = file.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? '(project)';
          byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + input.bytesInOutput);
        }
      }
      const importMs: number[] = [];
      const importCpuMs: number[] = [];
      for (let i = 0; i < runs; i++) {
        const printed = execFileSync(process.execPath, [driver, outfile], {
          env: ENV,
          encoding: 'utf8',
        });
        const [wall, cpu] = (printed.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
        importMs.push(wall ?? Number.NaN);
        importCpuMs.push(cpu ?? Number.NaN);
      }
      out.push({
        name,
        bytes: statSync(outfile).size,
        importMs,
        importCpuMs,
        top: [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 5),
      });
    }
    return out;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
