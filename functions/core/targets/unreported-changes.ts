/**
 * What the sweep says when it had to repair ENI, address or target changes that no event
 * reported. Now and then that is a late or lost event; every run, it is the sign that no
 * CloudTrail trail records management events in the region, so the CloudTrail-based rules
 * (eni-activity, elb-activity) receive nothing and only the sweep keeps the ledger current.
 */
export function unreportedChangesWarning(repairs: {
  readonly network?: number | undefined;
  readonly loadBalancers?: number | undefined;
}): string | undefined {
  const network = repairs.network ?? 0;
  const loadBalancers = repairs.loadBalancers ?? 0;
  if (network + loadBalancers === 0) return undefined;
  const parts = [
    ...(network > 0 ? [`${network} ENI/address change(s)`] : []),
    ...(loadBalancers > 0 ? [`${loadBalancers} load-balancer/target change(s)`] : []),
  ];
  return (
    `the sweep repaired ${parts.join(' and ')} that no event reported; if this repeats every ` +
    'run, no CloudTrail trail is recording management events in this region (see README, ' +
    'Deploy: createTrail)'
  );
}
