import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runCli } from '#test/helpers/run-cli.ts';

const home = mkdtempSync(join(tmpdir(), 'netledger-errors-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** `netledger <command>: <what> (<hint>)`: the one shape every failure has. */
const ONE_LINE = /^netledger [^:]+: .+ \(.+\)$/;

describe('every CLI failure is one stderr line, `netledger <command>: <what> (<hint>)`, exit 1', () => {
  test.each([
    [['frobnicate'], /^netledger frobnicate: unknown command \(one of: replay, report/],
    [['report', 'bogus'], /^netledger report bogus: unknown command \(one of: nodes, subnets/],
    [
      ['replay', '/nope.json'],
      /^netledger replay: \/nope\.json: no such file \(nothing was applied/,
    ],
    [['max-pods', '--max-enis', '0'], /^netledger max-pods: --max-enis 0: .*1 to 64/],
    [['max-pods', '--max-enis', '65'], /^netledger max-pods: --max-enis 65: .*1 to 64/],
    [
      ['max-pods', '--instance-types', '/nope.json'],
      /^netledger max-pods: --instance-types \/nope\.json: no such file \(/,
    ],
    [['report'], /^netledger report: .*subcommand is needed \(one of: nodes/],
    [['report', 'nodes', '--frob'], /^netledger report nodes: unknown option --frob \(/],
    [
      ['replay', '--clusters', 'Not A Cluster!', 'events/samples/ec2/node-lifecycle'],
      /^netledger replay: --clusters Not A Cluster!: /,
    ],
    [['dns', 'plan', '--policy', 'yolo'], /^netledger dns plan: --policy yolo: /],
  ])(
    'netledger %j',
    async (args, expected) => {
      // Act
      const run = await runCli(args, { NETLEDGER_HOME: home });

      // Assess
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      const lines = run.stderr.split('\n').filter((line) => line !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(ONE_LINE);
      expect(lines[0]).toMatch(expected);
    },
    60_000,
  );

  test('asking for help is not an error: stdout, exit 0', async () => {
    const run = await runCli(['report', '--help'], { NETLEDGER_HOME: home });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/Usage: netledger report/);
  }, 60_000);
});
