import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { PermanentInputError } from '#core/events/errors.ts';

/** The seeds' story, played by `npm start`. */
export const DEFAULT_SCENARIO = fileURLToPath(
  new URL('../../events/scenarios/seeds.json', import.meta.url),
);

const name = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'lower-case letters, digits and -');
const say = { say: z.string().optional() };

const Step = z.discriminatedUnion('do', [
  z.object({
    do: z.literal('launch-nodes'),
    group: name,
    instanceType: z.string().min(1),
    count: z.number().int().min(1).max(50),
    /** Subnet names, used in turn. */
    subnets: z.array(name).min(1),
    ...say,
  }),
  z.object({ do: z.literal('eks-endpoint'), subnets: z.array(name).min(1), ...say }),
  z.object({ do: z.literal('scale'), deployment: name, replicas: z.number().int().min(0), ...say }),
  z.object({
    do: z.literal('expose'),
    service: name,
    deployment: name,
    port: z.number().int().min(1).max(65535),
    hostname: z.string().optional(),
    delaySeconds: z.number().int().min(0).max(3600).optional(),
    ...say,
  }),
  z.object({
    do: z.literal('console-delay'),
    user: z.string().min(1),
    service: name,
    seconds: z.number().int().min(0).max(3600),
    ...say,
  }),
  /** Auto Scaling takes a node away; its targets stay registered until `controller-sync`. */
  z.object({ do: z.literal('terminate-node'), node: name, ...say }),
  /** The LB controller catches up with the pods: registers new ones, deregisters gone ones. */
  z.object({ do: z.literal('controller-sync'), ...say }),
  z.object({ do: z.literal('delete-service'), service: name, ...say }),
  /** netledger's scheduled anti-entropy sweep (DNS sync starts once a sweep read the zones). */
  z.object({ do: z.literal('sweep'), ...say }),
  z.object({
    do: z.literal('wait'),
    minutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
    ...say,
  }),
]);
export type Step = z.infer<typeof Step>;

const Scenario = z.object({
  name,
  description: z.string().default(''),
  cluster: name,
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region'),
  start: z.iso.datetime(),
  vpcCidr: z.cidrv4(),
  subnets: z.array(z.object({ name, az: z.string().min(1), cidr: z.cidrv4() })).min(1),
  /** A private hosted zone for the hostnames; DNS sync is on when it is set. */
  zone: z.string().optional(),
  /** The same variables the Lambda functions read (thresholds, delay policy, ...). */
  env: z.record(z.string(), z.string()).default({}),
  cni: z
    .object({
      WARM_ENI_TARGET: z.number().int().min(0).default(1),
      WARM_IP_TARGET: z.number().int().min(0).optional(),
      MINIMUM_IP_TARGET: z.number().int().min(0).optional(),
    })
    .default({ WARM_ENI_TARGET: 1 }),
  steps: z.array(Step).min(1),
});
export type Scenario = z.infer<typeof Scenario>;

/** Reads a scenario file; anything wrong is one line naming the file and the field. */
export function loadScenario(path: string): Scenario {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PermanentInputError(
      `scenario ${path}: ${code ? `cannot read (${code})` : `not JSON (${(error as Error).message})`}`,
    );
  }
  const parsed = Scenario.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PermanentInputError(
      `scenario ${path}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const subnets = new Set(parsed.data.subnets.map((s) => s.name));
  for (const [i, step] of parsed.data.steps.entries()) {
    const named = 'subnets' in step ? step.subnets : [];
    const unknown = named.find((s) => !subnets.has(s));
    if (unknown)
      throw new PermanentInputError(`scenario ${path}: steps.${i}: no subnet named ${unknown}`);
  }
  return parsed.data;
}
