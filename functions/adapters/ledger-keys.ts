/**
 * Every key template of the single ledger table, in one place.
 *
 * | entity   | PK               | SK                 | GSI1 (by node / lists)      | GSI2 (by subnet / lists)   | GSI3 (lookups)        |
 * |----------|------------------|--------------------|-----------------------------|----------------------------|-----------------------|
 * | node     | NODE#<id>        | #NODE              | NODE#<id> / #NODE           | NODES / <id>               |                       |
 * | ENI      | ENI#<id>         | #ENI               | NODE#<inst> / ENI#<id>      | SUBNET#<id> / ENI#<id>     | ATTACH#<attachmentId> |
 * | address  | ENI#<id>         | ADDR#<ip or cidr>  | NODE#<inst> / ADDR#<eni>#<a>| SUBNET#<id> / ADDR#<a>     | IP#<vpc>#<a>          |
 * | subnet   | SUBNET#<id>      | #SUBNET            | SUBNETS / <id>              | SUBNET#<id> / #SUBNET      |                       |
 * | event    | EVENT#<id>       | #EVENT             |                             |                            |                       |
 * | audit    | AUDIT#<entity>   | <time>#<eventId>#n |                             |                            |                       |
 *
 * So one query answers each access pattern: GSI1 NODE#<id> is a node with its
 * ENIs and addresses, GSI2 SUBNET#<id> a subnet with everything in it, GSI3
 * IP#<vpc>#<ip> who holds an address. Released items lose their index keys
 * (sparse indexes) and linger as tombstones until their TTL.
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
  audit: (entity: string, eventTime: string, eventId: string, n: number) => ({
    PK: `AUDIT#${entity}`,
    SK: `${eventTime}#${eventId}#${n}`,
  }),
  byNode: (instanceId: string) => `NODE#${instanceId}`,
  bySubnet: (subnetId: string) => `SUBNET#${subnetId}`,
  byAttachment: (attachmentId: string) => `ATTACH#${attachmentId}`,
  byIp: (vpcId: string, address: string) => `IP#${vpcId}#${address}`,
  allNodes: 'NODES',
  allSubnets: 'SUBNETS',
} as const;

export const INDEX = { byNode: 'GSI1', bySubnet: 'GSI2', lookup: 'GSI3' } as const;

const DAY = 86_400;
/** Tombstones outlive any CloudTrail delivery delay; audit entries are kept a month. */
export const RETENTION_SECONDS = { tombstone: 14 * DAY, processedEvent: 14 * DAY, audit: 30 * DAY };

export function expiresAt(eventTime: string, seconds: number): number {
  return Math.floor(Date.parse(eventTime) / 1000) + seconds;
}
