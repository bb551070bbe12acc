import type { ResourceRecordSet, Route53Client } from '@aws-sdk/client-route-53';
import { Route53Caller, type Route53CallOptions } from '#adapters/route53/route53-call.ts';
import type { DnsZoneReader } from '#core/dns/dns-ports.ts';
import type { RecordSet } from '#core/dns/dns-record.ts';

/** Route53 never returns more than 300 record sets per page, whatever MaxItems asks for. */
export const ROUTE53_PAGE_SIZE = 300;

export class Route53PagingError extends Error {
  override readonly name = 'Route53PagingError';
}

/**
 * Keeps every field Route53 returned (health check ids, geolocation...), because a DELETE
 * must repeat the record set exactly; only Name and Type are made non-optional.
 */
function toRecordSet(rs: ResourceRecordSet): RecordSet {
  return { ...rs, Name: rs.Name ?? '', Type: rs.Type ?? '' } as RecordSet;
}

export interface Route53ZoneReaderOptions extends Route53CallOptions {
  readonly caller?: Route53Caller;
  readonly pageSize?: number;
}

export class Route53ZoneReader implements DnsZoneReader {
  readonly caller: Route53Caller;
  readonly #pageSize: number;

  constructor(client: Route53Client, options: Route53ZoneReaderOptions = {}) {
    this.caller = options.caller ?? new Route53Caller(client, options);
    this.#pageSize = options.pageSize ?? ROUTE53_PAGE_SIZE;
  }

  async readZone(zoneId: string): Promise<RecordSet[]> {
    const out: RecordSet[] = [];
    let start: { name?: string; type?: string; identifier?: string } = {};
    const seen = new Set<string>();
    for (;;) {
      const page = await this.caller.listRecordSets({
        HostedZoneId: zoneId,
        MaxItems: this.#pageSize,
        ...(start.name === undefined ? {} : { StartRecordName: start.name }),
        ...(start.type === undefined
          ? {}
          : { StartRecordType: start.type as ResourceRecordSet['Type'] }),
        ...(start.identifier === undefined ? {} : { StartRecordIdentifier: start.identifier }),
      });
      for (const rs of page.ResourceRecordSets ?? []) out.push(toRecordSet(rs));
      if (!page.IsTruncated) return out;
      const next = {
        name: page.NextRecordName,
        type: page.NextRecordType,
        identifier: page.NextRecordIdentifier,
      };
      // A truncated page must say where to resume; looping on the same cursor would never end.
      const cursor = `${next.name}|${next.type}|${next.identifier}`;
      if (next.name === undefined || seen.has(cursor)) {
        throw new Route53PagingError(
          `zone ${zoneId}: truncated page without a new cursor (${cursor})`,
        );
      }
      seen.add(cursor);
      start = {
        name: next.name,
        ...(next.type === undefined ? {} : { type: next.type }),
        ...(next.identifier === undefined ? {} : { identifier: next.identifier }),
      };
    }
  }
}
