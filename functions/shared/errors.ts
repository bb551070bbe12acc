/** Input that can never be processed; logged with its reason and dropped, never retried. */
export class PermanentInputError extends Error {
  override readonly name = 'PermanentInputError';
}

/** Startup configuration that is missing or malformed; the message names the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
