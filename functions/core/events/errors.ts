/** Input that can never be processed; logged with its reason and dropped, never retried. */
export class PermanentInputError extends Error {
  override readonly name = 'PermanentInputError';
}
