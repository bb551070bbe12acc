import type { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';

/** The parameter exists but holds no usable URL; the message names the parameter, never its value. */
export class SlackWebhookUrlError extends Error {
  override readonly name = 'SlackWebhookUrlError';
}

export interface SlackWebhookUrlSource {
  /** SSM provider built once per cold start; its cache is what makes repeated reads free. */
  readonly provider: SSMProvider;
  /** Name of the SecureString parameter, e.g. `/netledger/slack-webhook-url`. */
  readonly parameterName: string;
  /** Cache lifetime: long enough to spare SSM, short enough that a rotated URL is picked up. Default 300. */
  readonly maxAgeSeconds?: number;
}

/** Returns a reader of the Slack webhook URL kept as an SSM SecureString (decrypted, cached). */
export function makeSlackWebhookUrlReader(source: SlackWebhookUrlSource): () => Promise<string> {
  const { provider, parameterName, maxAgeSeconds = 300 } = source;
  return async () => {
    const value = await provider.get(parameterName, { decrypt: true, maxAge: maxAgeSeconds });
    if (typeof value !== 'string' || value.trim() === '') {
      throw new SlackWebhookUrlError(`SSM parameter ${parameterName} is empty`);
    }
    return value.trim();
  };
}
