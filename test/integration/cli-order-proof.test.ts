import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cniWorkload, deliveries } from '#test/helpers/cni-workload.ts';
import { runCli } from '#test/helpers/run-cli.ts';
import { sharedLedgerEnv } from '#test/helpers/shared-ledger.ts';

const root = mkdtempSync(join(tmpdir(), 'netledger-order-proof-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const scope = { CLUSTERS: 'myeks', VPC_IDS: 'vpc-0a1b2c3d4e5f60718' };

describe('netledger replay of a shuffled, duplicated workload', () => {
  test('ends with nothing parked and the same nodes report as the in-order replay', async () => {
    // Prepare: one CNI workload, in order and every event twice or thrice in random order
    // Small: every CLI event also runs the capacity and target reviews.
    const workload = cniWorkload(4242, 40);
    const inOrder = join(root, 'in-order.json');
    const shuffled = join(root, 'shuffled.json');
    writeFileSync(inOrder, JSON.stringify(workload.events));
    writeFileSync(shuffled, JSON.stringify(deliveries(workload.events, 4242, 2, 3)));
    const a = { ...scope, ...sharedLedgerEnv(), NETLEDGER_HOME: join(root, 'a') };
    const b = { ...scope, ...sharedLedgerEnv(), NETLEDGER_HOME: join(root, 'b') };

    // Act
    const ordered = await runCli(['replay', '--reset', inOrder], a, undefined, 240_000);
    const mixed = await runCli(['replay', '--reset', shuffled], b, undefined, 240_000);

    // Assess
    expect(ordered.code).toBe(0);
    expect(mixed.code).toBe(0);
    expect(ordered.stdout).toMatch(/^parked 0, applied later 0, still parked 0$/m);
    const summary = /^parked (\d+), applied later (\d+), still parked 0$/m.exec(mixed.stdout);
    expect(summary).not.toBeNull();
    expect(Number(summary?.[1])).toBeGreaterThan(0);
    expect(mixed.stdout).toMatch(/^parked +\S+ +\S+ +waits for (eni|attachment|instance):/m);
    const report = async (env: Record<string, string>) =>
      (await runCli(['report', 'nodes', '--json'], env)).stdout;
    expect(await report(b)).toBe(await report(a));
    expect((await runCli(['report', 'parked'], b)).stdout.trim()).toBe('nothing parked');
  }, 600_000);
});
