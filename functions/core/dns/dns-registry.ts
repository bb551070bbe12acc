import type { DnsRecordType } from '#core/dns/dns-record.ts';

/**
 * ExternalDNS's TXT registry format, so netledger and ExternalDNS can share a zone and each
 * leaves the other's records alone.
 */
const HERITAGE = 'heritage=external-dns';
const OWNER_LABEL = 'external-dns/owner';
const RESOURCE_LABEL = 'external-dns/resource';
const RECORD_TYPE_TEMPLATE = '%{record_type}';

export interface Ownership {
  readonly owner: string;
  readonly resource?: string;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * A value that can sit in a TXT registry field: no comma (the field separator), no `=`, quote
 * or backslash (TXT quoting), no space or control character. Kubernetes names never need any.
 */
export function isTxtFieldValue(value: string): boolean {
  // /^[A-Za-z0-9._:/-]{1,253}$/, as a loop: the plan asks it once per record it claims.
  const n = value.length;
  if (n < 1 || n > 253) return false;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (
      !(
        (c >= 0x61 && c <= 0x7a) || // a-z
        (c >= 0x41 && c <= 0x5a) || // A-Z
        (c >= 0x2d && c <= 0x3a) // - . / 0-9 :
      ) &&
      c !== 0x5f // _
    )
      return false;
  }
  return true;
}

/**
 * The quoted TXT value Route53 stores for an ownership record. A resource that cannot be a
 * field value (a tag with a comma or a newline) is left out rather than written broken: it
 * would split into fields nobody wrote, or inject an owner.
 */
export function encodeOwnership(owner: string, resource?: string): string {
  const head = `"${HERITAGE},${OWNER_LABEL}=${owner}`;
  return resource && isTxtFieldValue(resource)
    ? `${head},${RESOURCE_LABEL}=${resource}"`
    : `${head}"`;
}

/**
 * Route53 returns TXT values quoted and, past 255 characters, split into several quoted
 * strings; join them before parsing.
 */
function unquoteTxt(value: string): string {
  // One quoted string without escapes (what encodeOwnership writes): no regex needed.
  const last = value.length - 1;
  if (last > 0 && value[0] === '"' && value[last] === '"') {
    const inner = value.slice(1, last);
    if (!inner.includes('"') && !inner.includes('\\')) return inner;
  }
  const pieces = value.match(/"((?:[^"\\]|\\.)*)"/g);
  if (!pieces) return value.trim();
  return pieces.map((p) => p.slice(1, -1).replace(/\\(.)/g, '$1')).join('');
}

/** Parses one TXT value; undefined when it is not an ExternalDNS heritage record. */
export function decodeOwnership(value: string): Ownership | undefined {
  const text = unquoteTxt(value);
  const fields = text.split(',');
  if (fields[0] !== HERITAGE) return undefined;
  const labels: Record<string, string> = {};
  for (const field of fields.slice(1)) {
    const eq = field.indexOf('=');
    if (eq <= 0) continue;
    const key = field.slice(0, eq);
    if (!key.startsWith('external-dns/')) continue;
    labels[key.slice('external-dns/'.length)] = field.slice(eq + 1);
  }
  const owner = labels.owner;
  if (owner === undefined) return undefined;
  return labels.resource === undefined
    ? { owner, labels }
    : { owner, resource: labels.resource, labels };
}

const OWNER_FIELD = `${OWNER_LABEL}=`;

/**
 * `decodeOwnership(value)?.owner`, without building the labels: the plan asks it of every
 * ownership TXT value in the zone, often twice. Reads the fields in place when the value is
 * one plain quoted string (what encodeOwnership writes), as the full parse would read them:
 * the first field must be the heritage, and the last `external-dns/owner=` field wins.
 */
export function ownershipOwner(value: string): string | undefined {
  let text = value;
  let from = 0;
  let to = value.length;
  const last = value.length - 1;
  if (
    last > 0 &&
    value.charCodeAt(0) === 0x22 &&
    value.charCodeAt(last) === 0x22 &&
    value.indexOf('"', 1) === last &&
    !value.includes('\\')
  ) {
    from = 1;
    to = last;
  } else {
    text = unquoteTxt(value);
    to = text.length;
  }
  if (!text.startsWith(HERITAGE, from)) return undefined;
  let comma = from + HERITAGE.length;
  if (comma < to && text.charCodeAt(comma) !== 0x2c) return undefined;
  let owner: string | undefined;
  while (comma < to) {
    const start = comma + 1;
    let end = text.indexOf(',', start);
    if (end < 0 || end > to) end = to;
    if (end - start >= OWNER_FIELD.length && text.startsWith(OWNER_FIELD, start))
      owner = text.slice(start + OWNER_FIELD.length, end);
    comma = end;
  }
  return owner;
}

function typedTxtName(name: string, typeLabel: string, prefix: string): string {
  if (prefix.includes(RECORD_TYPE_TEMPLATE))
    return `${prefix.replaceAll(RECORD_TYPE_TEMPLATE, typeLabel)}${name}`;
  return `${prefix}${typeLabel}-${name}`;
}

/**
 * New-format TXT name, `<prefix>a-<name>` / `<prefix>aaaa-<name>`. A prefix containing
 * `%{record_type}` places the type itself, as ExternalDNS allows.
 */
export function ownershipTxtName(name: string, type: DnsRecordType, prefix = ''): string {
  return typedTxtName(name, type.toLowerCase(), prefix);
}

/** Legacy TXT name (one TXT for every type at the name): `<prefix><name>`, usually the name itself. */
export function legacyTxtName(name: string, prefix = ''): string {
  return `${prefix.replaceAll(RECORD_TYPE_TEMPLATE, '')}${name}`;
}

/**
 * Where older ExternalDNS versions put the TXT of an A alias record: under the CNAME type,
 * `<prefix>cname-<name>` (ExternalDNS issue #2903). Current ExternalDNS still reads it for A
 * aliases, after the `a-` TXT and before the legacy one, and never writes it; so does netledger.
 */
export function aliasCnameTxtName(name: string, prefix = ''): string {
  return typedTxtName(name, 'cname', prefix);
}

/**
 * Every name the plan needs to see to decide about one hostname: the records themselves and
 * each place an ownership TXT for them may live.
 */
export function namesForHostname(name: string, prefix = ''): string[] {
  return [
    ...new Set([
      name,
      ownershipTxtName(name, 'A', prefix),
      ownershipTxtName(name, 'AAAA', prefix),
      aliasCnameTxtName(name, prefix),
      legacyTxtName(name, prefix),
    ]),
  ];
}
