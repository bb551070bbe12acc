import { describe, expect, test } from 'vitest';
import {
  applyUpdate,
  conditionHolds,
  conditionPaths,
  InvalidDocumentPathError,
  UnsupportedExpressionError,
} from '#adapters/dynamodb/ledger-expression.ts';
import { newerThan, whileLive } from '#adapters/dynamodb/ledger-table.ts';

/**
 * The in-memory evaluation a unit of work decides conditional writes with: it must answer as
 * DynamoDB does for every expression the ledger adapters write, or a unit would buffer a write
 * DynamoDB would refuse (or drop one it would take).
 */
const stamp = { ':t': '2026-11-21T10:05:00Z', ':id': 'ev-5' };
const NEWER = newerThan('stampTime', 'stampEventId');

describe('conditions', () => {
  test.each([
    ['no stamp yet', {}, true],
    ['older time', { stampTime: '2026-11-21T10:04:00Z', stampEventId: 'ev-9' }, true],
    ['same time, smaller id', { stampTime: '2026-11-21T10:05:00Z', stampEventId: 'ev-4' }, true],
    ['same stamp again', { stampTime: '2026-11-21T10:05:00Z', stampEventId: 'ev-5' }, true],
    ['same time, larger id', { stampTime: '2026-11-21T10:05:00Z', stampEventId: 'ev-6' }, false],
    ['newer time', { stampTime: '2026-11-21T10:06:00Z', stampEventId: 'ev-1' }, false],
  ])('newerThan, %s', (_, item, holds) => {
    expect(conditionHolds(NEWER, item, { values: stamp })).toBe(holds);
  });

  test.each([
    ['absent item', undefined, true],
    ['live', { deleted: false }, true],
    ['tombstone', { deleted: true }, false],
    // A comparison with a value of another type is false, as in DynamoDB.
    ['deleted of another type', { deleted: 'false' }, false],
  ])('whileLive, %s', (_, item, holds) => {
    const live = whileLive();
    expect(conditionHolds(live.condition, item, { values: live.values })).toBe(holds);
  });

  test.each([
    ['attribute_exists(PK)', undefined, false],
    ['attribute_exists(PK)', { PK: 'x' }, true],
    ['NOT attribute_exists(a) AND b = :v', { b: 1 }, true],
    ['a < :v', { a: 'x' }, false],
    ['a >= :v', { a: 1 }, true],
    ['begins_with(SK, :p)', { SK: 'ADDR#10.0.0.1' }, true],
    ['begins_with(SK, :p)', { SK: '#ENI' }, false],
    ['attribute_not_exists(#s.#k) OR #s.#k <= :st', { s: { k: '2026|a' } }, true],
    ['attribute_not_exists(#s.#k) OR #s.#k <= :st', { s: { k: '2027|a' } }, false],
    ['attribute_not_exists(#s.#k) OR #s.#k <= :st', { s: {} }, true],
  ])('%s on %j', (condition, item, holds) => {
    const ctx = {
      names: { '#s': 's', '#k': 'k' },
      values: { ':v': 1, ':p': 'ADDR#', ':st': '2026|b' },
    };
    expect(conditionHolds(condition, item, ctx)).toBe(holds);
  });

  test('the paths a condition reads, names resolved', () => {
    expect(
      conditionPaths(`attribute_exists(PK) AND deleted = :false AND ${NEWER}`, {
        values: { ...stamp, ':false': false },
      }),
    ).toEqual([['PK'], ['deleted'], ['stampTime'], ['stampTime'], ['stampTime'], ['stampEventId']]);
    expect(
      conditionPaths('#s.#k <= :st', {
        names: { '#s': 'tagStamps', '#k': 'a.b' },
        values: { ':st': 1 },
      }),
    ).toEqual([['tagStamps', 'a.b']]);
  });

  test.each([['a IN (:v)'], ['size(a) > :v'], ['a = :unbound'], ['#unbound = :v']])(
    '%s is refused, not guessed',
    (condition) => {
      expect(() => conditionHolds(condition, {}, { values: { ':v': 1 } })).toThrow(
        UnsupportedExpressionError,
      );
    },
  );
});

describe('updates', () => {
  const key = { PK: 'TG#x', SK: '#TG' };

  test('SET and REMOVE on a new item start from the key', () => {
    expect(
      applyUpdate('SET #a0 = :v0, #a1 = :v1 REMOVE #r2', undefined, key, {
        names: { '#a0': 'name', '#a1': 'port', '#r2': 'gone' },
        values: { ':v0': 'tg', ':v1': 80 },
      }),
    ).toEqual({ ...key, name: 'tg', port: 80 });
  });

  test('operands read the item as it was; the input item is left alone', () => {
    const before = { ...key, a: 1, b: 2 };
    expect(applyUpdate('SET a = b, b = a', before, key, {})).toEqual({ ...key, a: 2, b: 1 });
    expect(before).toEqual({ ...key, a: 1, b: 2 });
  });

  test('if_not_exists keeps a present map and fills an absent one', () => {
    const expression =
      'SET tags = if_not_exists(tags, :e), attributes = if_not_exists(attributes, :e)';
    expect(
      applyUpdate(expression, { ...key, tags: { a: '1' } }, key, { values: { ':e': {} } }),
    ).toEqual({ ...key, tags: { a: '1' }, attributes: {} });
  });

  test('map keys are set and removed one by one, dots in names included', () => {
    const item = { ...key, attributes: { 'x.y': '1', z: '2' }, stamps: {} };
    expect(
      applyUpdate('SET #m.#k = :v, #s.#k = :st REMOVE #m.#z', item, key, {
        names: { '#m': 'attributes', '#s': 'stamps', '#k': 'x.y', '#z': 'z' },
        values: { ':v': '9', ':st': 't' },
      }),
    ).toEqual({ ...key, attributes: { 'x.y': '9' }, stamps: { 'x.y': 't' } });
  });

  test('a map key under a map that does not exist is refused, as DynamoDB refuses it', () => {
    expect(() =>
      applyUpdate('SET #m.#k = :v', key, key, {
        names: { '#m': 'tags', '#k': 'a' },
        values: { ':v': '1' },
      }),
    ).toThrow(InvalidDocumentPathError);
  });

  test('ADD and DELETE clauses are refused', () => {
    expect(() => applyUpdate('ADD n :one', key, key, { values: { ':one': 1 } })).toThrow(
      UnsupportedExpressionError,
    );
  });
});
