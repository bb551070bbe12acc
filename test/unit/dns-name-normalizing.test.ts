import { describe, expect, test } from 'vitest';
import { normalizeAliasTarget, normalizeDnsName, sameAliasTarget } from '#core/dns/dns-zone.ts';

// DNS names compare without case and without the final dot; Route53 escapes any character
// outside a-z, 0-9, `-` and `_` as `\ooo` (`*` as `\052`), and requires controls, space, a
// dot inside a label, a backslash and bytes from DEL up escaped.
describe('a DNS name in canonical form', () => {
  test.each([
    ['example.com', 'example.com'],
    ['example.com.', 'example.com'],
    ['a', 'a'],
    ['z', 'z'],
    ['0', '0'],
    ['9', '9'],
    ['a-b_c.0-9', 'a-b_c.0-9'],
    ['*.example.com', '*.example.com'],
    ['.', ''],
    ['', ''],
    ['ABC', 'abc'], // every character outside the plain set
    ['AZ', 'az'],
    ['A', 'a'],
    ['Z', 'z'],
    ['EXAMPLE.COM.', 'example.com'],
    ['Www.Example.Com', 'www.example.com'],
    ['@', '@'], // just below A: not a letter, left alone
    ['[', '['], // just above Z
    ['`', '`'], // just below a
    ['{', '{'], // just above z
    ['/', '/'], // just above 0-9 and .
    [':', ':'],
    [',', ','],
    [';', ';'],
    ['^', '^'],
    ['a{B', 'a{b'],
    ['\\052.example.com', '*.example.com'],
    ['\\052.EXAMPLE.com.', '*.example.com'],
    ['a\\055b', 'a-b'],
    ['a\\.b.com', 'a\\056b.com'], // an escaped dot stays inside its label
    ['a\\056b.com', 'a\\056b.com'],
    ['a\\046b', 'a&b'], // \046 is &, which needs no escape
    ['a\\\\b', 'a\\134b'],
    ['a\\-b', 'a-b'],
    ['a\\08', 'a08'], // not three octal digits: `\0` is the character 0
    ['a\\', 'a\\134'],
    ['a b', 'a\\040b'],
    ['a\u007f', 'a\\177'],
    ['\u007f', '\\177'],
    ['é', '\\351'],
    ['éa', '\\351a'],
    ['a\u00e9.com', 'a\\351.com'],
    ['\u00ff', '\\377'],
    ['ā', '\\304\\201'],
    [' example.com ', 'example.com'],
    ['\texample.com.\n', 'example.com'],
    [' ', ''],
    ['a\u001fb', 'a\\037b'],
    // Equivalent mutants, left alive: isLowerPlain answering false more often (its body `{}`, `i <= n`, `i--`, `!(…)` → true,
    // any range or character test made false, narrower or joined with &&, `return false`) and skipping the PLAIN_NAME branch
    // only send a name down the general path, which gives the same canonical name (these rows compare both ways).
    // `/[0-7]{3}$/` and `/^[0-7]{3}/` for `/^[0-7]{3}$/`: the digits tested are at most three characters.
    // `chars[i] ?? ''` and `chars[i + 1] ?? ''`: the loop bounds keep both indexes inside the array.
  ])('%j is %j', (name, canonical) => {
    expect(normalizeDnsName(name)).toBe(canonical);
    // Canonical is a fixed point.
    expect(normalizeDnsName(canonical)).toBe(canonical);
  });
});

describe('two alias targets are the same', () => {
  test.each([
    ['lb.example.com', 'lb.example.com', true],
    ['lb.example.com', 'lb.example.com.', true],
    ['lb.example.com.', 'lb.example.com', true],
    ['lb.example.com', 'LB.example.com', true],
    ['LB.EXAMPLE.COM.', 'lb.example.com', true],
    ['dualstack.lb.example.com', 'lb.example.com', true],
    ['lb.example.com', 'dualstack.lb.example.com.', true],
    ['dualstack.lb.example.com.', 'DualStack.LB.example.com', true],
    ['example.com', 'example.co', false],
    ['example.co', 'example.com', false],
    ['example.com', 'example.co.', false],
    ['example.co.', 'example.com', false],
    ['a.com', 'b.com', false],
    ['a.com', 'B.com', false],
    ['A.com', 'b.com', false],
    ['aaaaaaaaaa.example.com', 'bbbbbbbbbb.example.com', false],
    ['dualstack.a.com', 'dualstack.b.com', false],
    ['dualstack.a.com', 'b.com', false],
    ['lb.dualstack.', 'lb', false], // the prefix is stripped at the front only
    ['x.dualstack.', 'x.dualstack', true],
    ['dualstack.', 'dualstack', true],
    ['dualstack.', '', false],
    ['dualstack..', '', true], // `dualstack.` and its final dot leave nothing
    ['dualstack..', 'dualstack.', false],
    ['\\052.example.com', '*.example.com', true],
    ['', '', true],
    ['', '.', true],
    // Equivalent mutants, left alive: `a === b` → false and the plain-name test → true only send a pair to
    // normalizeAliasTarget, which gives the same answer (checked on every row below).
  ])('%j and %j: %s', (a, b, expected) => {
    expect(sameAliasTarget(a, b)).toBe(expected);
    expect(sameAliasTarget(b, a)).toBe(expected);
    // The in-place comparison answers as the normalized one.
    expect(normalizeAliasTarget(a) === normalizeAliasTarget(b)).toBe(expected);
  });
});
