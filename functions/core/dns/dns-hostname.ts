/**
 * Whether a hostname from a tag or config may become a Route53 record, and in which form.
 * Route53 takes any bytes as `\ooo` escapes, so nothing downstream would refuse a name with a
 * quote, a control character or a 300-character label: the refusal happens here, with a reason.
 */

/** IDNA ToASCII (`url.domainToASCII`): punycode labels, or '' for a name it cannot convert. */
export type ToAscii = (domain: string) => string;

export type HostnameCheck =
  | { readonly ok: true; readonly name: string }
  | { readonly ok: false; readonly problem: string };

/** RFC 1035: 63 octets per label, 255 per name on the wire, so 253 characters written out. */
export const MAX_LABEL_LENGTH = 63;
export const MAX_NAME_LENGTH = 253;

/** A converter for callers that have none: refuses every non-ASCII name rather than guess. */
export const asciiOnly: ToAscii = (domain) => (/^[\x20-\x7e]*$/.test(domain) ? domain : '');

/** C0 and C1 control characters and DEL (a function: the lint forbids them in a regex). */
function firstControl(text: string): string | undefined {
  return [...text].find((c) => {
    const code = c.codePointAt(0) ?? 0;
    return code < 0x20 || (code >= 0x7f && code <= 0x9f);
  });
}
const SPACE = /\s/u;
const QUOTE = /["'`]/;
const LABEL_CHARS = /^[a-z0-9_-]+$/;

const shown = (text: string): string =>
  JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text);

const codePoint = (char: string): string =>
  `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * `raw` checked and turned into the name Route53 should get: lower case, no trailing dot,
 * internationalised labels as punycode (`xn--`), a wildcard only as the whole leftmost label.
 */
export function checkHostname(raw: string, toAscii: ToAscii): HostnameCheck {
  const control = firstControl(raw);
  if (control !== undefined) return refuse(`contains the control character ${codePoint(control)}`);
  const text = raw.trim();
  if (text === '') return refuse('is empty');
  if (SPACE.test(text)) return refuse('contains a space');
  if (QUOTE.test(text)) return refuse('contains a quote');
  const dotted = text.endsWith('.') ? text.slice(0, -1) : text;
  const labels = dotted.split('.');
  if (labels.some((l) => l === '')) return refuse('has an empty label');
  const wildcard = labels.findIndex((l) => l.includes('*'));
  if (
    wildcard >= 0 &&
    (wildcard > 0 || labels[0] !== '*' || labels.slice(1).some((l) => l.includes('*')))
  ) {
    return refuse('has a wildcard "*" that is not the whole leftmost label');
  }
  let ascii = dotted.toLowerCase();
  if (!/^[\x21-\x7e]*$/.test(ascii)) {
    const rest = wildcard === 0 ? ascii.slice(2) : ascii;
    const converted = toAscii(rest);
    if (converted === '') return refuse('is not a valid internationalised domain name');
    ascii = wildcard === 0 ? `*.${converted}` : converted;
  }
  for (const label of ascii.split('.')) {
    if (label === '*') continue;
    if (label.length > MAX_LABEL_LENGTH) {
      return refuse(
        `has a label of ${label.length} characters (${shown(label)}); the limit is ${MAX_LABEL_LENGTH}`,
      );
    }
    if (!LABEL_CHARS.test(label)) {
      const bad = [...label].find((c) => !/[a-z0-9_-]/.test(c)) ?? label;
      return refuse(`contains ${shown(bad)}, which a hostname cannot hold`);
    }
    if (label.startsWith('-') || label.endsWith('-')) {
      return refuse(`has a label that starts or ends with a hyphen (${shown(label)})`);
    }
  }
  if (ascii.length > MAX_NAME_LENGTH) {
    return refuse(`is ${ascii.length} characters long; the limit is ${MAX_NAME_LENGTH}`);
  }
  // An `xn--` label written out by hand must be punycode that decodes.
  if (/(^|\.)xn--/.test(ascii) && toAscii(ascii.replace(/^\*\./, '')) === '') {
    return refuse('has an "xn--" label that is not valid punycode');
  }
  return { ok: true, name: ascii };
}

function refuse(problem: string): HostnameCheck {
  return { ok: false, problem };
}
