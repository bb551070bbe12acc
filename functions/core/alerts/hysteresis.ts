/**
 * "Running low" with hysteresis: a closed alert opens below the threshold, an
 * open one clears only above threshold + margin, so a value hovering at the
 * threshold does not flap.
 */
export function runningLow(
  value: number,
  threshold: number,
  clearMargin: number,
  wasOpen: boolean,
): boolean {
  return wasOpen ? value <= threshold + clearMargin : value < threshold;
}
