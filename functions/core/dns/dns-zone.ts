import type { HostedZoneRef } from '#core/dns/dns-record.ts';

/**
 * Characters Route53 accepts in a name only as a `\ooo` octal escape (developer guide, "DNS
 * domain name format"): controls and space, DEL and bytes above it, and a dot inside a label.
 * A backslash stays escaped too, so a canonical name never reads as another escape.
 */
function mustEscape(code: number): boolean {
  return code <= 0x20 || code === 0x2e || code === 0x5c || code >= 0x7f;
}

function octal(byte: number): string {
  return `\\${byte.toString(8).padStart(3, '0')}`;
}

function encodeChar(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  // Route53 stores only a-z in lower case; other letters are bytes it leaves alone.
  if (code >= 0x41 && code <= 0x5a) return String.fromCharCode(code + 0x20);
  if (!mustEscape(code)) return char;
  // One byte as in Route53's own example (`ex\344mple.com`); beyond that, the UTF-8 bytes.
  if (code <= 0xff) return octal(code);
  return [...new TextEncoder().encode(char)].map(octal).join('');
}

const PLAIN_NAME = /^[A-Za-z0-9._*-]*$/;

/**
 * True when `name` has only a-z, 0-9, `.`, `_`, `*` and `-`: then it is canonical but for a
 * final dot, and the plan's hot path (100,000s of names per plan) skips the trim, the regex
 * and the lower-case copy.
 */
function isLowerPlain(name: string): boolean {
  const n = name.length;
  for (let i = 0; i < n; i++) {
    const c = name.charCodeAt(i);
    if (
      !(
        (c >= 0x61 && c <= 0x7a) || // a-z
        (c >= 0x30 && c <= 0x39) || // 0-9
        c === 0x2e || // .
        c === 0x2d || // -
        c === 0x5f || // _
        c === 0x2a // *
      )
    )
      return false;
  }
  return true;
}

/**
 * Canonical form for comparing DNS names, which is also a form Route53 accepts when writing:
 * lower case, no trailing dot, and every escape decoded (ListResourceRecordSets returns any
 * character outside a-z, 0-9, `-` and `_` as `\ooo`, e.g. `*` as `\052` wherever it appears)
 * except for the characters Route53 requires escaped, which are re-escaped the same way.
 */
export function normalizeDnsName(name: string): string {
  if (isLowerPlain(name)) return name.endsWith('.') ? name.slice(0, -1) : name;
  const text = name.trim();
  if (PLAIN_NAME.test(text)) {
    // The common case, and the plan's hot path: no escapes, only case and the final dot.
    const bare = text.endsWith('.') ? text.slice(0, -1) : text;
    return bare.toLowerCase();
  }
  const chars = Array.from(text);
  // Each entry is one label character, or `null` for the dot that separates labels.
  const tokens: (string | null)[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] ?? '';
    if (c === '.') {
      tokens.push(null);
    } else if (c !== '\\' || i + 1 >= chars.length) {
      tokens.push(c);
    } else {
      const digits = chars.slice(i + 1, i + 4).join('');
      const byte = /^[0-7]{3}$/.test(digits) ? Number.parseInt(digits, 8) : Number.NaN;
      if (byte <= 0xff) {
        tokens.push(String.fromCharCode(byte));
        i += 3;
      } else {
        // RFC 1035 `\X`: the character X itself, a dot included.
        tokens.push(chars[i + 1] ?? '');
        i += 1;
      }
    }
  }
  if (tokens.at(-1) === null) tokens.pop();
  return tokens.map((t) => (t === null ? '.' : encodeChar(t))).join('');
}

/** Route53 hands back zone ids as `/hostedzone/Z123`; the API accepts both, we keep the bare id. */
export function bareZoneId(id: string): string {
  // Most ids are bare already; a startsWith is far cheaper than a regex replace per record.
  if (id.startsWith('/hostedzone/')) return id.slice('/hostedzone/'.length);
  if (id.startsWith('hostedzone/')) return id.slice('hostedzone/'.length);
  return id;
}

/** Alias targets compare without case, trailing dot or the `dualstack.` prefix Route53 may add. */
export function normalizeAliasTarget(dnsName: string): string {
  const name = normalizeDnsName(dnsName);
  return name.startsWith('dualstack.') ? name.slice('dualstack.'.length) : name;
}

const DUALSTACK = 'dualstack.';

/**
 * `normalizeAliasTarget(a) === normalizeAliasTarget(b)`, compared in place when both are plain
 * lower-case names (the plan compares every alias it keeps, and each normalized copy was
 * garbage at once).
 */
export function sameAliasTarget(a: string, b: string): boolean {
  if (a === b) return true;
  if (!isLowerPlain(a) || !isLowerPlain(b))
    return normalizeAliasTarget(a) === normalizeAliasTarget(b);
  const aEnd = a.endsWith('.') ? a.length - 1 : a.length;
  const bEnd = b.endsWith('.') ? b.length - 1 : b.length;
  const aStart = aEnd >= DUALSTACK.length && a.startsWith(DUALSTACK) ? DUALSTACK.length : 0;
  const bStart = bEnd >= DUALSTACK.length && b.startsWith(DUALSTACK) ? DUALSTACK.length : 0;
  if (aEnd - aStart !== bEnd - bStart) return false;
  for (let i = aStart, j = bStart; i < aEnd; i++, j++) {
    if (a.charCodeAt(i) !== b.charCodeAt(j)) return false;
  }
  return true;
}

/**
 * The zones a hostname belongs in: those with the longest name that is a suffix of it on a
 * label boundary. Several zones tie only for split-horizon setups (a public and a private zone
 * of one name), and then the record belongs in each of them. Empty when no zone matches: the
 * caller reports that rather than guessing.
 */
export function selectZones(hostname: string, zones: readonly HostedZoneRef[]): HostedZoneRef[] {
  return zoneSelector(zones)(hostname);
}

/**
 * `selectZones` for many hostnames against the same zones: each zone's name is normalized
 * once, not once per hostname (the plan asks for 100,000s of hostnames).
 */
export function zoneSelector(
  zones: readonly HostedZoneRef[],
): (hostname: string) => HostedZoneRef[] {
  const named = zones.map((zone) => {
    const name = normalizeDnsName(zone.name);
    return { zone, name, dotted: `.${name}` };
  });
  return (hostname) => {
    const host = normalizeDnsName(hostname);
    let best: HostedZoneRef[] = [];
    let bestLength = -1;
    for (const { zone, name, dotted } of named) {
      if (!(name === '' || host === name || host.endsWith(dotted))) continue;
      if (name.length > bestLength) {
        best = [zone];
        bestLength = name.length;
      } else if (name.length === bestLength) {
        best.push(zone);
      }
    }
    return best;
  };
}
