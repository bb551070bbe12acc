import { describe, expect, test } from 'vitest';
import { decodeOwnership, isTxtFieldValue, ownershipOwner } from '#core/dns/dns-registry.ts';

// A TXT registry field value is [A-Za-z0-9._:/-]{1,253}: the characters just outside each
// range the loop tests are as important as the range ends.
describe('a TXT registry field value', () => {
  test.each([
    ['a', true],
    ['z', true],
    ['A', true],
    ['Z', true],
    ['0', true],
    ['9', true],
    ['-', true],
    ['.', true],
    ['/', true],
    [':', true],
    ['_', true],
    ['ns/Name-1.x:8080', true],
    ['`', false], // just below a
    ['{', false], // just above z
    ['~', false],
    ['\u007f', false],
    ['é', false],
    ['@', false], // just below A
    ['[', false], // just above Z
    ['\\', false],
    ['^', false], // between Z and _
    [',', false], // just below -, the field separator
    [';', false], // just above :
    ['=', false],
    ['"', false],
    [' ', false],
    ['\n', false],
    ['a,b', false],
    ['a=b', false],
    ['ok,', false],
    ['x{', false],
    ['', false],
  ])('%j is a field value: %s', (value, expected) => {
    expect(isTxtFieldValue(value)).toBe(expected);
  });

  test.each([
    [1, true],
    [252, true],
    [253, true],
    [254, false],
  ])('%i characters long is a field value: %s', (length, expected) => {
    expect(isTxtFieldValue('a'.repeat(length))).toBe(expected);
  });
});

// ownershipOwner(value) must answer decodeOwnership(value)?.owner, whether it reads the
// value in place (one plain quoted string) or unquotes it first.
describe('the owner of an ownership TXT value', () => {
  const H = 'heritage=external-dns';
  const cases: [string, string | undefined][] = [
    [`"${H},external-dns/owner=o"`, 'o'],
    [`"${H},external-dns/owner=o,external-dns/resource=service/ns/web"`, 'o'],
    [`"${H},external-dns/resource=r,external-dns/owner=o"`, 'o'],
    [`"${H},external-dns/owner=a,external-dns/owner=b"`, 'b'], // the last owner field wins
    [`"${H},external-dns/owner="`, ''], // present but empty
    [`"${H},external-dns/owner"`, undefined], // no `=`: not an owner field
    [`"${H},external-dns/owne=x"`, undefined],
    [`"${H},x-external-dns/owner=o"`, undefined],
    [`"${H}"`, undefined],
    [`"${H},"`, undefined],
    [`"${H},,external-dns/owner=o"`, 'o'],
    [`"${H}X,external-dns/owner=o"`, undefined], // the first field must be the heritage itself
    [`"heritage=other,external-dns/owner=o"`, undefined],
    // A first field as long as the heritage, then a comma: only the text itself tells them apart.
    [`"heritage=external-dnZ,external-dns/owner=o"`, undefined],
    [`"HERITAGE=EXTERNAL-DNS,external-dns/owner=o"`, undefined], // labels are case-sensitive
    [`"heritage=external-dnZ," "external-dns/owner=o"`, undefined],
    [`"external-dns/owner=o,${H}"`, undefined],
    [`"x,external-dns/owner=o"`, undefined],
    // Route53 splits a value past 255 characters into quoted strings, to be joined.
    [`"${H},external-dns/own" "er=abc"`, 'abc'],
    [`"${H}," "external-dns/owner=o"`, 'o'],
    // Inside a quoted string `\X` is the character X.
    [`"${H},external-dns/owner=a\\-b"`, 'a-b'],
    [`"${H},external-dns/owner=a\\\\b"`, 'a\\b'],
    [`"${H},external-dns/owner=a\\"b"`, 'a"b'],
    // Not one quoted string: the quote at one end only is part of the text.
    [`x${H},external-dns/owner=o"`, undefined],
    [`"${H},external-dns/owner=o`, undefined],
    [`${H},external-dns/owner=o"`, 'o"'],
    // No quotes at all: the text itself, trimmed.
    [`${H},external-dns/owner=o`, 'o'],
    [` ${H},external-dns/owner=o `, 'o'],
    [`"`, undefined],
    [`""`, undefined],
    ['', undefined],
  ];

  // Equivalent mutants, left alive (each only sends a value the fast path would read to the general path, or guards what cannot happen):
  // unquoteTxt `last`/`last > 0`/quote literals/`inner = value`/`includes('')`: the regex reads a plain quoted string exactly as the fast path does.
  // unquoteTxt `last > 0` → true/>=: only a lone `"` changes, unquoted to "" instead of kept, and neither is a heritage.
  // ownershipOwner `last > 0`: indexOf('"', 1) is never 0, so a one-character value never takes the fast path anyway.
  // ownershipOwner `charCodeAt(last) === 0x22` → true/!==: indexOf('"', 1) === last already says the last character is the quote.
  // ownershipOwner `indexOf('', 1)` / `includes('')`: they only keep values off the fast path; the general path answers the same.
  // ownershipOwner `comma < to` → true/<=: at comma === to the heritage is the whole text, no owner either way.
  // ownershipOwner `end < 0 || end > to`: end >= start >= 1 (so `end <= 0` is `end < 0`), and no comma lies past `to` in either path.
  // ownershipOwner `end - start >= OWNER_FIELD.length` → true/`end + start`: startsWith(OWNER_FIELD) cannot match a shorter field (no comma or quote in it).
  // decodeOwnership `fields` for `fields.slice(1)` and `eq < 0`: the heritage field and a `=x` field have no `external-dns/` key.
  test.each(cases)('%j is owned by %j', (value, owner) => {
    expect(ownershipOwner(value)).toBe(owner);
    expect(decodeOwnership(value)?.owner).toBe(owner);
  });
});
