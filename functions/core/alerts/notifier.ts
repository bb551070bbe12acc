import type { AlertNotification } from '#core/alerts/alert-lifecycle.ts';

/** Delivers one alert notification somewhere (SNS topic, Slack). Rejects when delivery failed. */
export interface Notifier {
  notify(notification: AlertNotification): Promise<void>;
}
