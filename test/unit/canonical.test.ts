import { expect, test } from 'vitest';
import { canonical } from '#core/alerts/canonical.ts';

// The text alerts are compared by: equal content gives equal text whatever the key order, and
// undefined members are dropped, as DynamoDB drops them.

test.each<[string, unknown, string]>([
  ['a string', 'a "quoted" text', '"a \\"quoted\\" text"'],
  ['a number', 1.5, '1.5'],
  ['null', null, 'null'],
  ['a boolean', false, 'false'],
  ['an empty object', {}, '{}'],
  ['an empty list', [], '[]'],
  ['keys sorted', { b: 1, a: 2, c: 3 }, '{"a":2,"b":1,"c":3}'],
  ['keys sorted by code unit', { b: 1, B: 2, 'a b': 3 }, '{"B":2,"a b":3,"b":1}'],
  ['keys escaped', { 'a"b': 1 }, '{"a\\"b":1}'],
  ['undefined members dropped, null kept', { a: undefined, b: null }, '{"b":null}'],
  [
    'nested, in lists',
    [{ y: [2, { q: 1, p: 0 }], x: 'x' }, 3],
    '[{"x":"x","y":[2,{"p":0,"q":1}]},3]',
  ],
])('%s', (_title, value, text) => {
  expect(canonical(value)).toBe(text);
});

test('the same content in another key order is the same text', () => {
  expect(canonical({ facts: { b: 1, a: [1, 2] }, title: 't' })).toBe(
    canonical({ title: 't', facts: { a: [1, 2], b: 1 } }),
  );
  expect(canonical([1, 2])).not.toBe(canonical([2, 1]));
});

// Equivalent mutant left: the key comparator's `<` as `<=` (an object's keys are never equal).
