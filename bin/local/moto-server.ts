import { spawn, spawnSync } from 'node:child_process';
import { freeLoopbackPort } from './dynamodb-local.ts';
import { reapWithParent, stopProcess } from './process-reaper.ts';

/**
 * The emulated AWS account: moto server (Python, `moto[server]` 5.x) on a free loopback port.
 * The real SDK clients reach it through `AWS_ENDPOINT_URL_<SERVICE>` or an explicit endpoint.
 */
export interface MotoServer {
  readonly endpoint: string;
  /** The python process, for tests that check it is reaped. */
  readonly pid: number;
  /** Wipes every backend, then seeds moto's id generator so ids repeat from run to run. */
  reset(seed?: number): Promise<void>;
  stop(): Promise<void>;
}

export class MotoUnavailableError extends Error {
  override readonly name = 'MotoUnavailableError';
}

export const MOTO_INSTALL = 'pip install "moto[server]"';

/** Why moto cannot run here, in one line, or undefined when `python3 -m moto.server` can. */
export function motoMissingReason(
  python = process.env.NETLEDGER_PYTHON ?? 'python3',
): string | undefined {
  // find_spec only locates the packages (moto.server needs flask and werkzeug): importing
  // moto itself takes seconds.
  const check =
    'import importlib.util as u, sys; sys.exit(0 if all(u.find_spec(m) for m in ("moto", "flask", "werkzeug")) else 1)';
  const probe = spawnSync(python, ['-c', check], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (probe.error) return `${python} not found: install Python 3, then ${MOTO_INSTALL}`;
  if (probe.status !== 0) return `moto server is not installed for ${python}: ${MOTO_INSTALL}`;
  return undefined;
}

export async function startMoto(
  options: { readyTimeoutMs?: number; python?: string } = {},
): Promise<MotoServer> {
  const python = options.python ?? process.env.NETLEDGER_PYTHON ?? 'python3';
  const missing = motoMissingReason(python);
  if (missing) throw new MotoUnavailableError(missing);
  const port = await freeLoopbackPort();
  const child = spawn(python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  reapWithParent(child);
  // moto logs every request; drain both pipes so a full one can never block it.
  child.stdout?.resume();
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(endpoint, options.readyTimeoutMs ?? 60_000, () => {
      if (child.exitCode !== null)
        throw new MotoUnavailableError(
          `moto server exited with code ${child.exitCode} before it was ready: ${stderr.trim().split('\n').at(-1) ?? ''}`,
        );
    });
  } catch (error) {
    await stopProcess(child, 0);
    throw error;
  }
  return {
    endpoint,
    pid: child.pid ?? -1,
    reset: async (seed = 42) => {
      await motoApi(endpoint, '/moto-api/reset');
      // moto's ids (instances, ENIs, ARNs) come from one random generator it lets us seed.
      await seedMoto(endpoint, seed);
    },
    stop: () => stopProcess(child),
  };
}

/** Seeds moto's one random generator (every id it makes comes from it). */
export function seedMoto(endpoint: string, seed: number): Promise<void> {
  return motoApi(endpoint, `/moto-api/seed?a=${seed}`);
}

async function motoApi(endpoint: string, path: string): Promise<void> {
  const response = await fetch(`${endpoint}${path}`, { method: 'POST' });
  if (!response.ok) throw new MotoUnavailableError(`moto ${path} answered ${response.status}`);
}

async function waitUntilReady(
  endpoint: string,
  timeoutMs: number,
  checkAlive: () => void,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    checkAlive();
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      await response.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new MotoUnavailableError(
    `moto server did not answer on ${endpoint} within ${timeoutMs} ms`,
  );
}

/** The `AWS_ENDPOINT_URL_<SERVICE>` variables that send every SDK client here. */
export function motoEndpointEnv(endpoint: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const service of [
    'EC2',
    'ELASTIC_LOAD_BALANCING_V2',
    'ROUTE_53',
    'SNS',
    'SQS',
    'SSM',
    'EVENTBRIDGE',
  ]) {
    env[`AWS_ENDPOINT_URL_${service}`] = endpoint;
  }
  return env;
}

/** Client settings for moto: its endpoint and dummy credentials; nothing here can reach AWS. */
export function motoClientConfig(endpoint: string, region: string) {
  return {
    endpoint,
    region,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
}
