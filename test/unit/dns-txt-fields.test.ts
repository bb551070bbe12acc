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

  test.each(cases)('%j is owned by %j', (value, owner) => {
    expect(ownershipOwner(value)).toBe(owner);
    expect(decodeOwnership(value)?.owner).toBe(owner);
  });
});
