/**
 * Every CloudWatch metric the functions write (EMF, namespace `netledger`, dimension
 * `service=netledger`). The dashboard (infra/dashboard.cjs) reads the same names; the package
 * test checks both agree and that no metric is written under a name missing here.
 */
export const METRICS = {
  eventsApplied: 'EventsApplied',
  eventsDuplicate: 'EventsDuplicate',
  eventsStale: 'EventsStale',
  eventsIgnored: 'EventsIgnored',
  /** Events waiting for the subject they name (issue 9's parking). */
  eventsParked: 'EventsParked',
  sweepNetworkRepairs: 'SweepNetworkRepairs',
  sweepLoadBalancerRepairs: 'SweepLoadBalancerRepairs',
  sweepFailedParts: 'SweepFailedParts',
  sweepDuration: 'SweepDurationSeconds',
  /** The fewest free addresses of any subnet in the ledger. */
  minSubnetFreeAddresses: 'MinSubnetFreeAddresses',
  /** Per `Cluster` dimension: the fewest pod addresses any node of the cluster can still get. */
  minPodHeadroom: 'MinPodHeadroom',
  /** Per `Kind` dimension: alerts open now. */
  openAlerts: 'OpenAlerts',
  /** Usage forecasts (CAPACITY usage sampling), per `SubnetId` or `NodeGroup` dimension. */
  subnetAddressesUsed: 'SubnetAddressesUsed',
  subnetAddressesFree: 'SubnetAddressesFree',
  subnetHoursToExhaustion: 'SubnetHoursToExhaustion',
  nodeGroupSlotsUsed: 'NodeGroupSlotsUsed',
  nodeGroupSlotsFree: 'NodeGroupSlotsFree',
} as const;
