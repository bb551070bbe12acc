/**
 * JSON text that is the same for equal content whatever the key order, with undefined
 * members dropped: stores (DynamoDB) hand maps back in another key order than they were
 * written in, so comparing what was read with what would be written needs this.
 */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      // An object's keys are unique: "not less" is "greater".
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
