import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { runDns } from '../../bin/commands/dns.ts';

const ZONE_FILE = 'test/fixtures/route53-zone-example.json';
const DESIRED_FILE = 'test/fixtures/route53-desired-example.json';
const WILDCARD_ZONE = 'test/fixtures/route53-zone-wildcard.json';
const WILDCARD_DESIRED = 'test/fixtures/route53-desired-wildcard.json';

async function run(argv: string[], files: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const code = await runDns(argv, {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    readFile: async (path) => files[path] ?? readFile(path, 'utf8'),
  });
  return { code, out, err };
}

const recordKeys = (list: { name: string; type: string }[]) =>
  list.map((r) => `${r.name} ${r.type}`).sort();

describe('netledger dns plan', () => {
  test('--json prints create/update/delete/conflicts planned from the files', async () => {
    const { code, out, err } = await run([
      'plan',
      '--json',
      '--current',
      ZONE_FILE,
      '--desired',
      DESIRED_FILE,
      '--zone',
      'Z0EXAMPLE=example.com',
    ]);

    expect([code, err]).toEqual([0, '']);
    const plan = JSON.parse(out);
    expect(Object.keys(plan)).toEqual(['create', 'update', 'delete', 'conflicts']);
    expect(recordKeys(plan.create)).toEqual(['new.example.com A', 'new.example.com AAAA']);
    expect(recordKeys(plan.update)).toEqual(['web.example.com A']);
    expect(recordKeys(plan.delete)).toEqual(['gone.example.com A']);
    expect(
      plan.conflicts.map((c: { name: string; reason: string }) => `${c.name} ${c.reason}`).sort(),
    ).toEqual([
      'api.example.com foreign-owner',
      'elsewhere.example.org no-zone',
      'manual.example.com unowned',
    ]);
    expect(plan.update[0].zoneId).toBe('Z0EXAMPLE');
  });

  test('upsert-only keeps the record that sync would delete', async () => {
    const { out } = await run([
      'plan',
      '--json',
      '--current',
      ZONE_FILE,
      '--desired',
      DESIRED_FILE,
      '--policy',
      'upsert-only',
    ]);
    expect(JSON.parse(out).delete).toEqual([]);
  });

  test('another --owner sees every record as someone else’s', async () => {
    const { out } = await run([
      'plan',
      '--json',
      '--current',
      ZONE_FILE,
      '--desired',
      DESIRED_FILE,
      '--owner',
      'other',
    ]);
    const plan = JSON.parse(out);
    expect([plan.update, plan.delete]).toEqual([[], []]);
  });

  // Route53 lists `*` as `\\052` in the record and in its `a-` TXT alike.
  test.each([
    ['moved to another LB: updated', WILDCARD_DESIRED, 'update'],
    ['no longer wanted: deleted under sync', 'empty.json', 'delete'],
  ])('a wildcard netledger owns, read back escaped, %s', async (_title, desired, bucket) => {
    const { code, out } = await run(
      [
        'plan',
        '--json',
        '--current',
        WILDCARD_ZONE,
        '--desired',
        desired,
        '--zone',
        'Z0123=example.com',
      ],
      { 'empty.json': '[]' },
    );
    const plan = JSON.parse(out);
    expect(code).toBe(0);
    expect(plan.conflicts).toEqual([]);
    expect(recordKeys(plan[bucket])).toEqual(['*.apps.example.com A']);
  });

  test('without --json prints a readable table with a summary', async () => {
    const { code, out } = await run(['plan', '--current', ZONE_FILE, '--desired', DESIRED_FILE]);
    expect(code).toBe(0);
    expect(out).toContain('gone.example.com');
    expect(out).toContain('foreign-owner');
    expect(out).toMatch(/2 to create, 1 to update, 1 to delete, 3 conflict\(s\)\./);
  });

  test.each([
    [
      'a missing file',
      ['--current', 'missing.json', '--desired', DESIRED_FILE],
      /^netledger dns plan: --current missing\.json: no such file \(/,
    ],
    [
      'a file that is not JSON',
      ['--current', 'bad.json', '--desired', DESIRED_FILE],
      /--current bad\.json: not JSON/,
    ],
    [
      'a desired record of the wrong shape',
      ['--current', ZONE_FILE, '--desired', 'shape.json'],
      /--desired shape\.json: unexpected shape at 0\.type/,
    ],
    [
      'a current file from another zone',
      ['--current', ZONE_FILE, '--desired', DESIRED_FILE, '--zone', 'Z9=example.net'],
      /matches no --zone/,
    ],
    [
      'a missing --desired',
      ['--current', ZONE_FILE],
      /both --current FILE and --desired FILE are required/,
    ],
  ])('%s: one stderr line, exit code 1', async (_title, args, message) => {
    const files = {
      'bad.json': '{nope',
      'shape.json': '[{"name":"a.example.com","type":"CNAME","target":"x"}]',
    };
    const { code, out, err } = await run(['plan', ...args], files);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err.trimEnd().split('\n')).toHaveLength(1);
    expect(err).toMatch(message);
  });

  test('an unknown policy is rejected by the option parser', async () => {
    const { code, err } = await run([
      'plan',
      '--current',
      ZONE_FILE,
      '--desired',
      DESIRED_FILE,
      '--policy',
      'yolo',
    ]);
    expect(code).toBe(1);
    expect(err).toMatch(/yolo/);
  });

  test.each([[['--help']], [['plan', '--help']]])('%j prints help and exits 0', async (args) => {
    const { code, out } = await run(args);
    expect(code).toBe(0);
    expect(out).toMatch(/Usage: dns/);
  });

  test('without files, a ledger-backed source passed in deps is planned', async () => {
    let out = '';
    const code = await runDns(['plan', '--json'], {
      out: (t) => {
        out += t;
      },
      source: {
        load: async () => ({
          zones: [{ id: 'Z1', name: 'example.com' }],
          input: {
            snapshots: [{ zone: { id: 'Z1', name: 'example.com' }, recordSets: [] }],
            desired: [
              {
                name: 'a.example.com',
                type: 'A',
                target: 'lb.elb.amazonaws.com',
                aliasZoneId: 'Z35',
              },
            ],
          },
        }),
      },
    });
    expect(code).toBe(0);
    expect(recordKeys(JSON.parse(out).create)).toEqual(['a.example.com A']);
  });
});
