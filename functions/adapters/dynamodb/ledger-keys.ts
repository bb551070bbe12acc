/**
 * Every key template of the single ledger table, in one place: the adapters under
 * `functions/adapters/dynamodb/` build no key, index key or key prefix of their own.
 *
 * | entity   | PK               | SK                 | GSI1 (by node / lists)      | GSI2 (by subnet / lists)   | GSI3 (lookups)        |
 * |----------|------------------|--------------------|-----------------------------|----------------------------|-----------------------|
 * | node     | NODE#<id>        | #NODE              | NODE#<id> / #NODE           | NODES / <id>               |                       |
 * | ENI      | ENI#<id>         | #ENI               | NODE#<inst> / ENI#<id>      | SUBNET#<id> / ENI#<id>     | ATTACH#<attachmentId> |
 * | address  | ENI#<id>         | ADDR#<ip or cidr>  | NODE#<inst> / ADDR#<eni>#<a>| SUBNET#<id> / ADDR#<a>     | IP#<vpc>#<a>          |
 * | subnet   | SUBNET#<id>      | #SUBNET            | SUBNETS / <id>              | SUBNET#<id> / #SUBNET      |                       |
 * | event    | EVENT#<id>       | #EVENT             |                             |                            |                       |
 * | past att | ATTACH#<attachId>| #ATTACH            |                             |                            |                       |
 * | parked   | PARKED#<subject> | <time>#<eventId>   | PARKED / <subject>#<time>#<eventId> |                    |                       |
 * | audit    | AUDIT#<entity>   | <time>#<eventId>#n |                             |                            |                       |
 * | alert    | ALERT#<kind>#<s> | #ALERT             | ALERTS#open / <kind>#<s>    |                            | ALERTS#outbox         |
 * | itype    | ITYPE#<type>     | #ITYPE             |                             |                            |                       |
 * | LB       | LB#<arn>         | #LB                | LB#<arn> / #LB              | LBS / <arn>                |                       |
 * | TG       | TG#<arn>         | #TG                | LB#<lbArn> / TG#<arn>       | TGS / <arn>                |                       |
 * | target   | TG#<arn>         | TARGET#<id>#<port> |                             | TARGETNODE#<inst> / <tg>#<id>#<port> | TARGETIP#<vpc>#<ip> |
 * | dns zone | ZONE#<zoneId>    | #ZONE              |                             |                            |                       |
 * | dns rr   | ZONE#<zoneId>    | RR#<name>#<type>#<setId> |                       |                            |                       |
 * | lb host  | LB#<arn>         | DNS#<hostname>     |                             |                            |                       |
 * | usage    | USAGE#<kind>#<s> | <time>             |                             | SUBNET#<s> / !USAGE#<time> (subnets) |             |
 * | IP's tgs | IPTARGETS#<ip>   | #IPTARGETS         |                             |                            |                       |
 * | index ok | IPTARGETS        | #READY             |                             |                            |                       |
 *
 * So one query answers each access pattern: GSI1 NODE#<id> is a node with its
 * ENIs and addresses, GSI2 SUBNET#<id> a subnet with everything in it, GSI3
 * IP#<vpc>#<ip> who holds an address. Released items lose their index keys
 * (sparse indexes) and linger as tombstones until their TTL; a deleted ENI keeps
 * GSI3 ATTACH#<id>, so a late detach finds the tombstone and loses.
 *
 * Parked: a change whose subject (eni:<id>, attachment:<id>, instance:<id>,
 * target-group:<arn>, load-balancer:<arn>) is not filed yet waits under PK
 * PARKED#<subject> in stamp order, expiring after a day; GSI1 PARKED lists all. The item
 * PARKED#<subject> / #PARKED (no index keys) marks a subject with parked changes and expires
 * with the latest of them, so filing a subject reads the marker ahead with the event's other
 * items and queries the partition only when it is there.
 *
 * Alerts: <s> is the subject; GSI1 ALERTS#open lists the open ones, and a
 * resolve drops the GSI1 keys. GSI3 ALERTS#outbox lists the alerts whose notification is
 * stored but not yet delivered (the outbox); clearing it drops the key. itype caches one raw DescribeInstanceTypes entry.
 *
 * ELB: GSI1 LB#<arn> is a load balancer with its target groups, GSI2 LBS / TGS
 * list live ones (with tags), PK TG#<arn> is a target group with its targets.
 * Registered IP targets carry GSI3 TARGETIP#<vpc>#<ip> (which targets point at
 * an address) and GSI2 TARGETNODE#<inst> (node that held the IP at
 * registration); a deregistration drops both.
 *
 * DNS: PK ZONE#<zoneId> is a hosted zone's cached record sets (one query; one
 * name is begins_with RR#<name>#), #ZONE says when the sweep last read it in
 * full. PK LB#<arn> with SK DNS# lists the hostnames an LB claimed, so a delete
 * event can clean up after an LB whose tags are gone.
 *
 * Targets at an IP: IPTARGETS#<ip> holds, in the string set `targets`, an entry
 * `<vpc>|<tgArn>|<port>` for IP targets registered at that IP in any VPC. Entries are added by
 * every registration (a DynamoDB ADD, which commutes with any other writer and needs no read)
 * and taken out only by a deregistration that applied, in the same transaction as the target's
 * own write: the set is a superset of the registered targets, so a review reads it with the
 * event's other items (BatchGetItem, no query per IP) and then only the target items it names.
 * IPTARGETS / #READY says every registered target has its entry: a new table gets it when it
 * is created (it holds no target yet), a table filled by an older version when its sweep has
 * added the entries of the targets already registered. Without it, reviews query GSI3 per IP.
 *
 * Usage: one sample per sweep per subnet (<kind> subnet) or node group (<kind> node-group,
 * <s> cluster/instance type); PK USAGE#<kind>#<s> with SK >= <time> is the recent history.
 * A subnet's samples also sit in its GSI2 partition under !USAGE#<time>, which sorts before
 * the view's items ('!' < '#'): GSI2SK >= !USAGE#<since> reads the recent samples and the whole
 * view in one query, and GSI2SK >= # the view alone. Samples expire by TTL after
 * RETENTION_SECONDS.usageSample.
 */
export const META = { node: '#NODE', eni: '#ENI', subnet: '#SUBNET', event: '#EVENT' } as const;

export const keys = {
  node: (instanceId: string) => ({ PK: `NODE#${instanceId}`, SK: META.node }),
  nodeIndex: (instanceId: string) => ({
    GSI1PK: `NODE#${instanceId}`,
    GSI1SK: META.node,
    GSI2PK: 'NODES',
    GSI2SK: instanceId,
  }),
  eni: (eniId: string) => ({ PK: `ENI#${eniId}`, SK: META.eni }),
  eniPartition: (eniId: string) => `ENI#${eniId}`,
  address: (eniId: string, address: string) => ({ PK: `ENI#${eniId}`, SK: `ADDR#${address}` }),
  addressPrefix: 'ADDR#',
  subnet: (subnetId: string) => ({ PK: `SUBNET#${subnetId}`, SK: META.subnet }),
  subnetIndex: (subnetId: string) => ({
    GSI1PK: 'SUBNETS',
    GSI1SK: subnetId,
    GSI2PK: `SUBNET#${subnetId}`,
    GSI2SK: META.subnet,
  }),
  event: (eventId: string) => ({ PK: `EVENT#${eventId}`, SK: META.event }),
  parked: (subject: string, eventTime: string, eventId: string) => ({
    PK: `PARKED#${subject}`,
    SK: `${eventTime}#${eventId}`,
  }),
  parkedPartition: (subject: string) => `PARKED#${subject}`,
  /** Says a subject has (or had, within a day) parked changes: a read that finds none skips the query. */
  parkedMarker: (subject: string) => ({ PK: `PARKED#${subject}`, SK: '#PARKED' }),
  parkedIndex: (subject: string, eventTime: string, eventId: string) => ({
    GSI1PK: 'PARKED',
    GSI1SK: `${subject}#${eventTime}#${eventId}`,
  }),
  allParked: 'PARKED',
  audit: (entity: string, eventTime: string, eventId: string, n: number) => ({
    PK: `AUDIT#${entity}`,
    SK: `${eventTime}#${eventId}#${n}`,
  }),
  /** An ENI's place under its node (GSI1). */
  eniNodeIndex: (instanceId: string, eniId: string) => ({
    GSI1PK: `NODE#${instanceId}`,
    GSI1SK: `ENI#${eniId}`,
  }),
  /** An ENI's place in its subnet (GSI2). */
  eniSubnetIndex: (subnetId: string, eniId: string) => ({
    GSI2PK: `SUBNET#${subnetId}`,
    GSI2SK: `ENI#${eniId}`,
  }),
  /** An address's place under the node of its ENI (GSI1). */
  addressNodeIndex: (instanceId: string, eniId: string, address: string) => ({
    GSI1PK: `NODE#${instanceId}`,
    GSI1SK: `ADDR#${eniId}#${address}`,
  }),
  /** An address's place in its subnet (GSI2) and who holds it in the VPC (GSI3). */
  addressLookupIndex: (subnetId: string, vpcId: string, address: string) => ({
    GSI2PK: `SUBNET#${subnetId}`,
    GSI2SK: `ADDR#${address}`,
    GSI3PK: `IP#${vpcId}#${address}`,
  }),
  byNode: (instanceId: string) => `NODE#${instanceId}`,
  bySubnet: (subnetId: string) => `SUBNET#${subnetId}`,
  byAttachment: (attachmentId: string) => `ATTACH#${attachmentId}`,
  pastAttachment: (attachmentId: string) => ({ PK: `ATTACH#${attachmentId}`, SK: '#ATTACH' }),
  byIp: (vpcId: string, address: string) => `IP#${vpcId}#${address}`,
  allNodes: 'NODES',
  allSubnets: 'SUBNETS',
  alert: (kind: string, subject: string) => ({ PK: `ALERT#${kind}#${subject}`, SK: '#ALERT' }),
  /** Only open alerts carry these, so one GSI1 query lists them; a resolve removes them. */
  openAlertIndex: (kind: string, subject: string) => ({
    GSI1PK: 'ALERTS#open',
    GSI1SK: `${kind}#${subject}`,
  }),
  openAlerts: 'ALERTS#open',
  /** Only alerts with a notification in their outbox carry this: one GSI3 query lists them. */
  pendingAlertIndex: { GSI3PK: 'ALERTS#outbox' },
  pendingAlerts: 'ALERTS#outbox',
  instanceType: (instanceType: string) => ({ PK: `ITYPE#${instanceType}`, SK: '#ITYPE' }),
  loadBalancer: (arn: string) => ({ PK: `LB#${arn}`, SK: '#LB' }),
  loadBalancerIndex: (arn: string) => ({
    GSI1PK: `LB#${arn}`,
    GSI1SK: '#LB',
    GSI2PK: 'LBS',
    GSI2SK: arn,
  }),
  targetGroup: (arn: string) => ({ PK: `TG#${arn}`, SK: '#TG' }),
  targetGroupPartition: (arn: string) => `TG#${arn}`,
  targetGroupIndex: (arn: string, lbArn: string | undefined) => ({
    ...(lbArn ? { GSI1PK: `LB#${lbArn}`, GSI1SK: `TG#${arn}` } : {}),
    GSI2PK: 'TGS',
    GSI2SK: arn,
  }),
  byLoadBalancer: (lbArn: string) => `LB#${lbArn}`,
  /** GSI1SK prefix of the target groups under a load balancer. */
  targetGroupsOfPrefix: 'TG#',
  allLoadBalancers: 'LBS',
  allTargetGroups: 'TGS',
  target: (tgArn: string, id: string, port: number) => ({
    PK: `TG#${tgArn}`,
    SK: `TARGET#${id}#${port}`,
  }),
  targetPrefix: 'TARGET#',
  targetByIp: (vpcId: string, ip: string) => `TARGETIP#${vpcId}#${ip}`,
  /** The IP targets registered at an IP, in any VPC: a superset of the registered ones. */
  targetsAtIp: (ip: string) => ({ PK: `IPTARGETS#${ip}`, SK: '#IPTARGETS' }),
  /** An entry of `targetsAtIp`: the target's VPC, group and port (its IP is the item's). */
  targetsAtIpEntry: (vpcId: string, tgArn: string, port: number) => `${vpcId}|${tgArn}|${port}`,
  /** The VPC, group and port an entry of `targetsAtIp` names (ARNs hold no '|'). */
  targetsAtIpEntryParts: (entry: string) => {
    const [vpcId = '', ...rest] = entry.split('|');
    const port = Number(rest.pop());
    return { vpcId, tgArn: rest.join('|'), port };
  },
  /** Present once every registered IP target has its entry under `targetsAtIp`. */
  targetsAtIpReady: { PK: 'IPTARGETS', SK: '#READY' },
  /** The marker as written: by a new table's creation, or by the sweep that filled the entries. */
  targetsAtIpReadyItem: { PK: 'IPTARGETS', SK: '#READY', entity: 'index-ready' },
  targetByNode: (instanceId: string) => `TARGETNODE#${instanceId}`,
  /** A registered IP target under the node that held its IP at registration (GSI2). */
  targetNodeIndex: (instanceId: string, tgArn: string, id: string, port: number) => ({
    GSI2PK: `TARGETNODE#${instanceId}`,
    GSI2SK: `${tgArn}#${id}#${port}`,
  }),
  dnsZone: (zoneId: string) => ({ PK: `ZONE#${zoneId}`, SK: '#ZONE' }),
  dnsZonePartition: (zoneId: string) => `ZONE#${zoneId}`,
  dnsRecord: (zoneId: string, name: string, type: string, setIdentifier = '') => ({
    PK: `ZONE#${zoneId}`,
    SK: `RR#${name}#${type}#${setIdentifier}`,
  }),
  /** Every record set at one name: the name is closed by '#', so a.example.com never matches a.example.com.au. */
  dnsRecordPrefix: (name?: string) => (name === undefined ? 'RR#' : `RR#${name}#`),
  lbHostname: (arn: string, hostname: string) => ({ PK: `LB#${arn}`, SK: `DNS#${hostname}` }),
  lbHostnamePrefix: 'DNS#',
  usageSample: (kind: string, subject: string, at: string) => ({
    PK: `USAGE#${kind}#${subject}`,
    SK: at,
  }),
  usagePartition: (kind: string, subject: string) => `USAGE#${kind}#${subject}`,
  /** A subnet's sample in the subnet's GSI2 partition, ahead of the view's items. */
  subnetUsageIndex: (subnetId: string, at: string) => ({
    GSI2PK: `SUBNET#${subnetId}`,
    GSI2SK: `!USAGE#${at}`,
  }),
  /** GSI2SK lower bounds in a subnet's partition: its samples from `since` on, or its view alone. */
  subnetUsageFrom: (since: string) => `!USAGE#${since}`,
  subnetViewFrom: '#',
} as const;

export const INDEX = { byNode: 'GSI1', bySubnet: 'GSI2', lookup: 'GSI3' } as const;

const DAY = 86_400;
/** Parked changes wait a day; tombstones outlive any CloudTrail delivery delay; audit entries are kept a month. */
export const RETENTION_SECONDS = {
  tombstone: 14 * DAY,
  processedEvent: 14 * DAY,
  audit: 30 * DAY,
  /** CloudTrail delivers within minutes; what waits longer is the sweep's to repair. */
  parked: DAY,
  /** A week of samples: enough for any trend window, a small partition per subject. */
  usageSample: 7 * DAY,
};

export function expiresAt(eventTime: string, seconds: number): number {
  return Math.floor(Date.parse(eventTime) / 1000) + seconds;
}
