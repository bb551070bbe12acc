import type { AlertNotification } from '#core/alerts/alert-lifecycle.ts';
import type { Notifier } from '#core/alerts/notifier.ts';

/**
 * A notifier that keeps what it was asked to deliver, in order, for tests and tools that read
 * the alerts back. `failNext` makes the next delivery reject, as SNS does when it is down.
 */
export class MemoryNotifier implements Notifier {
  readonly sent: AlertNotification[] = [];
  failNext: Error | undefined;

  async notify(notification: AlertNotification): Promise<void> {
    const failure = this.failNext;
    if (failure) {
      this.failNext = undefined;
      throw failure;
    }
    this.sent.push(notification);
  }
}
