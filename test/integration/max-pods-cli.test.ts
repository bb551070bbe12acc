import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Command, CommanderError } from 'commander';
import { describe, expect, test } from 'vitest';
import { maxPodsCommand, runMaxPods } from '../../bin/commands/max-pods.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const sample = fixture('instance-types-sample.json');
const xenAndMetal = fixture('instance-types-xen-and-metal.json');
const broken = fixture('instance-types-broken.json');

/** Runs `netledger max-pods ...` in-process through commander with captured output. */
async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  const command = maxPodsCommand({
    readFile: (path) => readFile(path, 'utf8'),
    writeOut: (text) => {
      stdout += text;
    },
    writeErr: (text) => {
      stderr += text;
    },
    setExitCode: (code) => {
      exitCode = code;
    },
  }).exitOverride();
  const program = new Command('netledger').exitOverride().addCommand(command);
  try {
    await program.parseAsync(['node', 'netledger', 'max-pods', ...args]);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    exitCode = error.exitCode;
  }
  return { stdout, stderr, exitCode };
}

describe('netledger max-pods (in-process)', () => {
  // Expected numbers: amazon-eks-ami files/eni-max-pods.txt lists t3.medium 17, m5.large 29,
  // c5.4xlarge 234, m5.24xlarge 737, t3.small 11; the max-pods calculator caps the default
  // (recommended) output at 110 for <= 30 vCPUs and 250 above.
  test('--json prints the recommended value for every type in the file', async () => {
    // Act
    const { stdout, stderr, exitCode } = await cli('--instance-types', sample, '--json');

    // Assess
    const values = JSON.parse(stdout) as Record<string, number>;
    expect(exitCode).toBe(0);
    expect(stderr).toBe('');
    expect(Object.keys(values)).toHaveLength(13);
    expect(values).toMatchObject({
      't3.medium': 17,
      't3.small': 11,
      'm5.large': 29,
      'c5.4xlarge': 110,
      'm5.24xlarge': 250,
    });
  });

  test('--max-allowed prints the uncapped value', async () => {
    // Act
    const { stdout } = await cli('--instance-types', sample, '--json', '--max-allowed');

    // Assess
    expect(JSON.parse(stdout)).toMatchObject({ 'c5.4xlarge': 234, 'm5.24xlarge': 737 });
  });

  test('--instance-type with the CNI flags prints only that type', async () => {
    // Act: 3 ENIs capped to 2, minus the primary under custom networking: 1 x 5 + 2
    const { stdout, exitCode } = await cli(
      '--instance-types',
      sample,
      '--instance-type',
      't3.medium',
      '--custom-networking',
      '--max-enis',
      '2',
      '--json',
    );

    // Assess
    expect(exitCode).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ 't3.medium': 7 });
  });

  test('prefix delegation on a Xen type falls back and says so on stderr', async () => {
    // Act
    const { stdout, stderr, exitCode } = await cli(
      '--instance-types',
      xenAndMetal,
      '--prefix-delegation',
      '--max-allowed',
      '--json',
    );

    // Assess: m4.large stays at eni-max-pods.txt's 20; bare metal i3.metal gets prefixes
    const values = JSON.parse(stdout) as Record<string, number>;
    expect(exitCode).toBe(0);
    expect(values['m4.large']).toBe(20);
    expect(values['i3.metal']).toBeGreaterThan(737);
    expect(stderr).toContain('m4.large');
    expect(stderr).toContain('falls back to secondary IPs');
  });

  test('without --json it prints a table with both values', async () => {
    // Act
    const { stdout, exitCode } = await cli(
      '--instance-types',
      sample,
      '--instance-type',
      'c5.4xlarge',
    );

    // Assess
    expect(exitCode).toBe(0);
    expect(stdout).toContain('Recommended');
    expect(stdout).toMatch(/c5\.4xlarge.*\b234\b.*\b110\b/);
  });

  test('a missing field: one line on stderr naming type and field, exit 1', async () => {
    // Act
    const { stdout, stderr, exitCode } = await cli('--instance-types', broken, '--json');

    // Assess
    expect(exitCode).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'netledger max-pods: t3.medium: NetworkInfo.Ipv4AddressesPerInterface is missing (pass a saved `aws ec2 describe-instance-types` response)\n',
    );
  });

  test('a broken entry does not block a request for another type', async () => {
    // Act
    const { stdout, exitCode } = await cli(
      '--instance-types',
      broken,
      '--instance-type',
      't3.micro',
      '--json',
    );

    // Assess
    expect(exitCode).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ 't3.micro': 4 });
  });

  test.each([
    ['an unknown type', ['--instance-type', 'x9.huge'], 'x9.huge: unknown instance type'],
    ['a missing file', ['--instance-types', `${sample}.nope`], '.nope: no such file'],
  ])('%s: exit 1 with one line', async (_name, extra, message) => {
    // Act
    const { stderr, exitCode } = await cli('--instance-types', sample, ...extra);

    // Assess
    expect(exitCode).toBe(1);
    expect(stderr).toContain(message);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  test('a file that is not JSON: exit 1', async () => {
    // Act
    const result = await runMaxPods(
      {
        instanceTypes: 'saved.json',
        prefixDelegation: false,
        customNetworking: false,
        maxAllowed: false,
        json: true,
      },
      async () => '{"InstanceTypes": [',
    );

    // Assess
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /^netledger max-pods: --instance-types saved\.json: not valid JSON .*\(pass a saved/,
    );
  });

  test.each([['0'], ['two'], ['1.5'], ['65']])('--max-enis %s is refused', async (value) => {
    // Act
    const { stderr, exitCode } = await cli('--instance-types', sample, '--max-enis', value);

    // Assess
    expect(exitCode).toBe(1);
    expect(stderr).toContain('--max-enis');
  });

  test('--max-enis 64 is the most MAX_ENIS allows, and is accepted', async () => {
    // Act
    const { stdout, exitCode } = await cli('--instance-type', 't3.medium', '--max-enis', '64');

    // Assess
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/t3\.medium.*\b17\b/);
  });

  test('--instance-types defaults to the bundled events/reference/instance-types.json', async () => {
    // Act
    const { stdout, stderr, exitCode } = await cli('--instance-type', 'm5.large', '--json');

    // Assess
    expect(exitCode).toBe(0);
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toEqual({ 'm5.large': 29 });
  });

  test('--help describes every option', async () => {
    // Act
    const { stdout, exitCode } = await cli('--help');

    // Assess
    expect(exitCode).toBe(0);
    for (const flag of [
      '--instance-types <file>',
      '--instance-type <type>',
      '--prefix-delegation',
      '--custom-networking',
      '--max-enis <n>',
      '--max-allowed',
      '--json',
    ]) {
      expect(stdout).toMatch(new RegExp(`${flag}\\s+\\S`));
    }
  });
});

// The real CLI as a child process. bin/netledger.mjs (with bin/cli.ts) is the entry point;
// until both exist, an equivalent inline driver registers tsx the same way.
const entry = `${root}bin/netledger.mjs`;
const entryReady = existsSync(entry) && existsSync(`${root}bin/cli.ts`);
const inlineDriver = [
  "import { register } from 'tsx/esm/api';",
  'register();',
  "const { maxPodsCommand } = await import('./bin/commands/max-pods.ts');",
  "const program = (await import('commander')).program;",
  'program.name("netledger").addCommand(maxPodsCommand());',
  'await program.parseAsync(process.argv.slice(1), { from: "user" });',
].join('\n');

async function spawnCli(...args: string[]) {
  const argv = entryReady
    ? [entry, 'max-pods', ...args]
    : ['--input-type=module', '-e', inlineDriver, '--', 'max-pods', ...args];
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, argv, { cwd: root });
    return { stdout, stderr, exitCode: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, exitCode: failed.code };
  }
}

describe('netledger max-pods (child process)', () => {
  test('prints JSON and exits 0', async () => {
    // Act
    const { stdout, exitCode } = await spawnCli(
      '--instance-types',
      sample,
      '--instance-type',
      't3.medium',
      '--json',
    );

    // Assess
    expect(exitCode).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ 't3.medium': 17 });
  });

  test('a missing field exits 1 with one line on stderr', async () => {
    // Act
    const { stdout, stderr, exitCode } = await spawnCli('--instance-types', broken);

    // Assess
    expect(exitCode).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toEqual([
      'netledger max-pods: t3.medium: NetworkInfo.Ipv4AddressesPerInterface is missing (pass a saved `aws ec2 describe-instance-types` response)',
    ]);
  });
});
