import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';

export const PROJECT_ROOT = new URL('../../', import.meta.url).pathname;

/** The osls CLI itself: going through npx would add seconds and a network-aware npm. */
const OSLS_BIN = createRequire(import.meta.url).resolve('osls/bin/serverless.js');

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
}

export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
  readonly Conditions?: Record<string, unknown>;
  readonly Outputs?: Record<string, unknown>;
}

export interface OslsRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs osls in the project with no AWS credentials or profile and a made-up
 * region, so a test proves that packaging needs nothing but the repository.
 */
export function runOsls(args: readonly string[]): Promise<OslsRun> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^AWS_/.test(key)) env[key] = value;
  }
  Object.assign(env, {
    AWS_REGION: 'eu-south-2',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    FORCE_COLOR: '0',
  });
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [OSLS_BIN, ...args],
      { cwd: PROJECT_ROOT, env, timeout: 110_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export class PackagingFailedError extends Error {
  override readonly name = 'PackagingFailedError';
}

export interface PackagedService {
  /** The `--package` directory: templates and one zip per function. */
  readonly dir: string;
  readonly template: CfnTemplate;
  readonly artifacts: readonly string[];
  readonly cleanup: () => Promise<void>;
}

/** Parameters every deployment must pass; the test passes them like an operator would. */
export const TEST_PARAMS = { clusters: 'prod-a,prod-b', vpcIds: 'vpc-0123456789abcdef0' } as const;
export const TEST_STAGE = 'ci';

let packaged: Promise<PackagedService> | undefined;

/** `osls package` into a fresh temporary directory, once per test process. */
export function packageOnce(): Promise<PackagedService> {
  packaged ??= packageService();
  return packaged;
}

/** `osls package` with TEST_PARAMS and `extra` params on top, into a fresh temporary directory. */
export async function packageService(
  extra: Readonly<Record<string, string>> = {},
): Promise<PackagedService> {
  const dir = await mkdtemp(join(tmpdir(), 'netledger-package-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  const params = Object.entries({ ...TEST_PARAMS, ...extra }).map(([k, v]) => `--param=${k}=${v}`);
  const run = await runOsls(['package', '--stage', TEST_STAGE, '--package', dir, ...params]);
  if (run.code !== 0) {
    await cleanup();
    throw new PackagingFailedError(
      `osls package exited ${run.code}:\n${run.stdout}\n${run.stderr}`,
    );
  }
  const template = JSON.parse(
    await readFile(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as CfnTemplate;
  const artifacts = (await readdir(dir)).filter((f) => f.endsWith('.zip'));
  return { dir, template, artifacts, cleanup };
}

export interface ZipEntry {
  readonly name: string;
  readonly size: number;
  readonly read: () => Buffer;
}

export class BadZipError extends Error {
  override readonly name = 'BadZipError';
}

/**
 * Lists a zip through its central directory. Enough for the archives osls
 * writes (stored or deflated, no zip64); there is no zip library in the project.
 */
export function zipEntries(zip: Buffer): ZipEntry[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new BadZipError('no end-of-central-directory record');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new BadZipError(`bad central header at ${at}`);
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    entries.push({
      name,
      size,
      read: () => {
        const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
        const data = zip.subarray(start, start + compressed);
        if (method === 0) return Buffer.from(data);
        if (method === 8) return inflateRawSync(data);
        throw new BadZipError(`${name}: compression method ${method}`);
      },
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * `osls print` as JSON: serverless.yml with params resolved, no packaging. About 2 s, so a
 * test can try other params than packageOnce's without a second package run.
 */
export async function printService(params: Readonly<Record<string, string>>): Promise<unknown> {
  const args = Object.entries(params).map(([k, v]) => `--param=${k}=${v}`);
  const run = await runOsls(['print', '--format', 'json', '--stage', TEST_STAGE, ...args]);
  if (run.code !== 0) {
    throw new PackagingFailedError(`osls print exited ${run.code}:\n${run.stdout}\n${run.stderr}`);
  }
  return JSON.parse(run.stdout);
}

export class UnsupportedIntrinsicError extends Error {
  override readonly name = 'UnsupportedIntrinsicError';
}

/** What CloudFormation would resolve: pseudo-parameters and resources by logical id. */
export type CfnRefs = Readonly<Record<string, string>>;

/** Evaluates a condition (Fn::Equals/Not/And/Or, Condition) the way CloudFormation would. */
export function evaluateCondition(
  conditions: Readonly<Record<string, unknown>>,
  expression: unknown,
  refs: CfnRefs = {},
): boolean {
  const e = expression as Record<string, unknown[]> & { Condition?: string };
  if (typeof e.Condition === 'string') {
    if (!(e.Condition in conditions))
      throw new UnsupportedIntrinsicError(`no condition ${e.Condition}`);
    return evaluateCondition(conditions, conditions[e.Condition], refs);
  }
  const [fn] = Object.keys(e);
  const args = fn ? (e[fn] ?? []) : [];
  switch (fn) {
    case 'Fn::Equals': {
      const [a, b] = args.map((v) => resolveCfnValue(conditions, v, refs));
      return a === b;
    }
    case 'Fn::Not':
      return !evaluateCondition(conditions, args[0], refs);
    case 'Fn::And':
      return args.every((c) => evaluateCondition(conditions, c, refs));
    case 'Fn::Or':
      return args.some((c) => evaluateCondition(conditions, c, refs));
    default:
      throw new UnsupportedIntrinsicError(`condition ${JSON.stringify(expression)}`);
  }
}

/**
 * A scalar property value as CloudFormation would resolve it; undefined for AWS::NoValue.
 * Only what environment variables and conditions here use: strings, Ref, Fn::If.
 */
export function resolveCfnValue(
  conditions: Readonly<Record<string, unknown>>,
  value: unknown,
  refs: CfnRefs = {},
): string | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  const v = value as { Ref?: string; 'Fn::If'?: [string, unknown, unknown] };
  if (v.Ref === 'AWS::NoValue') return undefined;
  if (v.Ref !== undefined) {
    const resolved = refs[v.Ref];
    if (resolved === undefined) throw new UnsupportedIntrinsicError(`no value for Ref ${v.Ref}`);
    return resolved;
  }
  if (v['Fn::If']) {
    const [condition, then, otherwise] = v['Fn::If'];
    const holds = evaluateCondition(conditions, { Condition: condition }, refs);
    return resolveCfnValue(conditions, holds ? then : otherwise, refs);
  }
  throw new UnsupportedIntrinsicError(`value ${JSON.stringify(value)}`);
}

/** A function's environment as Lambda would see it: variables resolved, AWS::NoValue ones absent. */
export function resolveEnvironment(
  conditions: Readonly<Record<string, unknown>>,
  variables: Readonly<Record<string, unknown>>,
  refs: CfnRefs = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    const resolved = resolveCfnValue(conditions, value, refs);
    if (resolved !== undefined) env[name] = resolved;
  }
  return env;
}
