import { toEni, toInstance, toSubnet } from '#adapters/ec2/ec2-reader.ts';
import { classifyEni, eniAddresses } from '#core/network/eni-classify.ts';
import type { AddressRecord, EniRecord, NodeRecord } from '#core/network/network-ports.ts';
import {
  type Ec2State,
  type LedgerState,
  planNetworkSweep,
  touchedByRepairs,
} from '#core/network/plan-network-sweep.ts';
import { CLUSTER, syntheticAccount, VPC } from './synthetic-account.ts';

export interface PlanSweepResult {
  readonly nodes: number;
  /** Planning into an empty ledger: every item is a repair. */
  readonly emptyMs: number;
  readonly emptyRepairs: number;
  /** Planning against a ledger that already agrees. */
  readonly unchangedMs: number;
  /** CPU time of the same (user + system): what other load on the machine inflates less. */
  readonly emptyCpuMs: number;
  readonly unchangedCpuMs: number;
}

const STAMP = { eventId: 'bench', eventTime: '2026-11-30T12:00:00.000Z' };

/** The network sweep's decisions alone (no I/O): the plan and the nodes and subnets it touches. */
export function runPlanSweep(nodes: number): PlanSweepResult {
  const account = syntheticAccount(nodes);
  account.restore();
  const ec2: Ec2State = {
    instances: account.raw.instances.map(toInstance),
    enis: account.raw.enis.map(toEni),
    subnets: account.raw.subnets.map((s) => toSubnet(s, [])),
  };
  const scope = { clusters: [CLUSTER], vpcIds: [VPC] };
  const empty: LedgerState = { nodes: [], enis: [], addresses: [], subnets: [] };
  const inSync: LedgerState = {
    nodes: ec2.instances.map(
      (i): NodeRecord => ({
        instanceId: i.instanceId,
        ...(i.instanceType ? { instanceType: i.instanceType } : {}),
        cluster: CLUSTER,
        state: i.state,
      }),
    ),
    enis: ec2.enis.map(
      (e): EniRecord => ({
        eniId: e.eniId,
        vpcId: e.vpcId,
        subnetId: e.subnetId,
        description: e.description,
        kind: classifyEni(e),
        deleted: false,
        ...(e.attachment ? { attachment: e.attachment, instanceId: e.attachment.instanceId } : {}),
      }),
    ),
    addresses: ec2.enis.flatMap((e) =>
      eniAddresses(e).map(
        (a): AddressRecord => ({
          ...a,
          eniId: e.eniId,
          subnetId: e.subnetId,
          vpcId: e.vpcId,
          stamp: STAMP,
        }),
      ),
    ),
    subnets: ec2.subnets,
  };
  const time = (ledger: LedgerState) => {
    // Garbage the bench made building the states is not the plan's (node --expose-gc).
    (globalThis as { gc?: () => void }).gc?.();
    const started = performance.now();
    const cpu = process.cpuUsage();
    const repairs = planNetworkSweep(ledger, ec2, scope);
    touchedByRepairs(repairs, ec2.enis);
    const used = process.cpuUsage(cpu);
    return {
      ms: performance.now() - started,
      cpuMs: (used.user + used.system) / 1000,
      repairs: repairs.length,
    };
  };
  const first = time(empty);
  const again = time(inSync);
  return {
    nodes,
    emptyMs: first.ms,
    emptyCpuMs: first.cpuMs,
    emptyRepairs: first.repairs,
    unchangedMs: again.ms,
    unchangedCpuMs: again.cpuMs,
  };
}
