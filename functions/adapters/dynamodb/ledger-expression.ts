import type { Item } from '#adapters/dynamodb/ledger-table.ts';

/**
 * The part of DynamoDB's expression language the ledger adapters use, evaluated in memory, so a
 * unit of work can decide a conditional write against the item it read and buffer the result:
 *
 *   condition: AND, OR, NOT, parentheses, = < <= > >=, attribute_exists(path),
 *              attribute_not_exists(path), begins_with(path, operand)
 *   update:    SET path = operand | if_not_exists(path, operand), ...  REMOVE path, ...
 *   operand:   :value or path; path: name or #name, `.`-separated (maps)
 *
 * Anything else throws UnsupportedExpressionError: a new adapter expression must be taught here
 * (the unit of work's tests run every ledger write through it) rather than guessed.
 */
export class UnsupportedExpressionError extends Error {
  override readonly name = 'UnsupportedExpressionError';
}

/** An update path that DynamoDB would reject (SET under a map that does not exist). */
export class InvalidDocumentPathError extends Error {
  override readonly name = 'InvalidDocumentPathError';
}

export interface ExpressionContext {
  readonly names?: Readonly<Record<string, string>> | undefined;
  readonly values?: Item | undefined;
}

type Path = readonly string[];
type Operand = { path: Path } | { value: unknown };
type Condition =
  | { op: 'and' | 'or'; left: Condition; right: Condition }
  | { op: 'not'; arg: Condition }
  | { op: 'exists' | 'not_exists'; path: Path }
  | { op: 'begins_with'; left: Operand; right: Operand }
  | { op: 'cmp'; cmp: string; left: Operand; right: Operand };

const TOKEN = /\s*(<=|>=|<>|[=<>(),.]|[#:]?[A-Za-z0-9_]+)/y;

function tokenize(text: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    if (!m) throw new UnsupportedExpressionError(`cannot read expression at "${text.slice(at)}"`);
    out.push(m[1] as string);
    at = TOKEN.lastIndex;
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: string[],
    private readonly ctx: ExpressionContext,
  ) {}

  get done(): boolean {
    return this.i >= this.tokens.length;
  }
  peek(): string | undefined {
    return this.tokens[this.i];
  }
  next(): string {
    const t = this.tokens[this.i++];
    if (t === undefined) throw new UnsupportedExpressionError('expression ends too early');
    return t;
  }
  expect(t: string): void {
    const got = this.next();
    if (got !== t) throw new UnsupportedExpressionError(`expected "${t}", found "${got}"`);
  }
  keyword(word: string): boolean {
    if (this.peek()?.toUpperCase() !== word) return false;
    this.i++;
    return true;
  }

  condition(): Condition {
    let left = this.conjunction();
    while (this.keyword('OR')) left = { op: 'or', left, right: this.conjunction() };
    return left;
  }
  conjunction(): Condition {
    let left = this.negation();
    while (this.keyword('AND')) left = { op: 'and', left, right: this.negation() };
    return left;
  }
  negation(): Condition {
    if (this.keyword('NOT')) return { op: 'not', arg: this.negation() };
    return this.primary();
  }
  primary(): Condition {
    const t = this.peek();
    if (t === '(') {
      this.next();
      const c = this.condition();
      this.expect(')');
      return c;
    }
    if (t === 'attribute_exists' || t === 'attribute_not_exists') {
      this.next();
      this.expect('(');
      const path = this.path();
      this.expect(')');
      return { op: t === 'attribute_exists' ? 'exists' : 'not_exists', path };
    }
    if (t === 'begins_with') {
      this.next();
      this.expect('(');
      const left = this.operand();
      this.expect(',');
      const right = this.operand();
      this.expect(')');
      return { op: 'begins_with', left, right };
    }
    const left = this.operand();
    const cmp = this.next();
    // `<>` is left out on purpose: no adapter writes it, and how DynamoDB answers it for a
    // missing attribute is not something to guess.
    if (!['=', '<', '<=', '>', '>='].includes(cmp)) {
      throw new UnsupportedExpressionError(`unsupported comparator "${cmp}"`);
    }
    return { op: 'cmp', cmp, left, right: this.operand() };
  }
  operand(): Operand {
    const t = this.peek();
    if (t?.startsWith(':')) {
      this.next();
      if (!this.ctx.values || !(t in this.ctx.values)) {
        throw new UnsupportedExpressionError(`value ${t} is not bound`);
      }
      return { value: this.ctx.values[t] };
    }
    return { path: this.path() };
  }
  path(): Path {
    const parts = [this.name()];
    while (this.peek() === '.') {
      this.next();
      parts.push(this.name());
    }
    return parts;
  }
  name(): string {
    const t = this.next();
    if (t.startsWith('#')) {
      const n = this.ctx.names?.[t];
      if (n === undefined) throw new UnsupportedExpressionError(`name ${t} is not bound`);
      return n;
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(t)) {
      throw new UnsupportedExpressionError(`"${t}" is not an attribute name`);
    }
    return t;
  }
}

function parseCondition(text: string, ctx: ExpressionContext): Condition {
  const p = new Parser(tokenize(text), ctx);
  const c = p.condition();
  if (!p.done) throw new UnsupportedExpressionError(`unexpected "${p.peek()}" in "${text}"`);
  return c;
}

export function valueAt(item: Item | undefined, path: Path): unknown {
  let v: unknown = item;
  for (const part of path) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = (v as Item)[part];
  }
  return v;
}

function operandValue(o: Operand, item: Item | undefined): unknown {
  return 'value' in o ? o.value : valueAt(item, o.path);
}

function compare(cmp: string, a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return false;
  if (cmp === '=') return sameValue(a, b);
  // Ordering is defined for two strings or two numbers; anything else is false, as in DynamoDB.
  const ordered =
    (typeof a === 'string' && typeof b === 'string') ||
    (typeof a === 'number' && typeof b === 'number');
  if (!ordered) return false;
  const x = a as string | number;
  const y = b as string | number;
  switch (cmp) {
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    default:
      return x >= y;
  }
}

function evaluate(c: Condition, item: Item | undefined): boolean {
  switch (c.op) {
    case 'and':
      return evaluate(c.left, item) && evaluate(c.right, item);
    case 'or':
      return evaluate(c.left, item) || evaluate(c.right, item);
    case 'not':
      return !evaluate(c.arg, item);
    case 'exists':
      return valueAt(item, c.path) !== undefined;
    case 'not_exists':
      return valueAt(item, c.path) === undefined;
    case 'begins_with': {
      const a = operandValue(c.left, item);
      const b = operandValue(c.right, item);
      return typeof a === 'string' && typeof b === 'string' && a.startsWith(b);
    }
    case 'cmp':
      return compare(c.cmp, operandValue(c.left, item), operandValue(c.right, item));
  }
}

/** Whether `condition` holds for `item` (undefined: the item does not exist). */
export function conditionHolds(
  condition: string,
  item: Item | undefined,
  ctx: ExpressionContext,
): boolean {
  return evaluate(parseCondition(condition, ctx), item);
}

/** The attribute paths a condition reads: what must not move for its answer to stay the same. */
export function conditionPaths(condition: string, ctx: ExpressionContext): Path[] {
  const out: Path[] = [];
  const walk = (c: Condition): void => {
    switch (c.op) {
      case 'and':
      case 'or':
        walk(c.left);
        walk(c.right);
        return;
      case 'not':
        walk(c.arg);
        return;
      case 'exists':
      case 'not_exists':
        out.push(c.path);
        return;
      default:
        for (const o of [c.left, c.right]) if ('path' in o) out.push(o.path);
    }
  };
  walk(parseCondition(condition, ctx));
  return out;
}

/**
 * The item after `expression` (SET/REMOVE) is applied to `item` (undefined: a new item, which
 * starts as `key`). `item` is not modified.
 */
export function applyUpdate(
  expression: string,
  item: Item | undefined,
  key: Item,
  ctx: ExpressionContext,
): Item {
  const out = structuredClone(item ?? key);
  const p = new Parser(tokenize(expression), ctx);
  const sets: Array<[Path, unknown]> = [];
  const removes: Path[] = [];
  while (!p.done) {
    const clause = p.next().toUpperCase();
    if (clause !== 'SET' && clause !== 'REMOVE') {
      throw new UnsupportedExpressionError(`unsupported update clause "${clause}"`);
    }
    do {
      const path = p.path();
      if (clause === 'REMOVE') {
        removes.push(path);
        continue;
      }
      p.expect('=');
      if (p.peek() === 'if_not_exists') {
        p.next();
        p.expect('(');
        const probe = p.path();
        p.expect(',');
        const fallback = p.operand();
        p.expect(')');
        const present = valueAt(item, probe);
        sets.push([path, present !== undefined ? present : operandValue(fallback, item)]);
      } else {
        sets.push([path, operandValue(p.operand(), item)]);
      }
    } while (p.peek() === ',' && p.next());
  }
  // Every operand reads the item as it was before the update, as DynamoDB does.
  for (const [path, value] of sets) setAt(out, path, structuredClone(value));
  for (const path of removes) removeAt(out, path);
  return out;
}

function parentOf(item: Item, path: Path): Item {
  let v: unknown = item;
  for (const part of path.slice(0, -1)) {
    v = (v as Item)[part];
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      throw new InvalidDocumentPathError(`no map at ${path.join('.')}`);
    }
  }
  return v as Item;
}

function setAt(item: Item, path: Path, value: unknown): void {
  parentOf(item, path)[path[path.length - 1] as string] = value;
}

function removeAt(item: Item, path: Path): void {
  delete parentOf(item, path)[path[path.length - 1] as string];
}

/** Deep equality of two document values (maps compare regardless of key order). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => sameValue(v, bb[i]));
  }
  if (a instanceof Set || b instanceof Set) {
    if (!(a instanceof Set && b instanceof Set) || a.size !== b.size) return false;
    return [...a].every((v) => b.has(v));
  }
  const ka = Object.keys(a as Item).filter((k) => (a as Item)[k] !== undefined);
  const kb = Object.keys(b as Item).filter((k) => (b as Item)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => sameValue((a as Item)[k], (b as Item)[k]));
}
