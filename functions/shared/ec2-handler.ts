import type { Ec2Deps } from '#core/apply-ec2-event.ts';
import { handleEc2Event } from '#core/handle-ec2-event.ts';
import { eventHandler } from './middleware.ts';

/** The handler behind both EC2 rules; Lambda wires AWS adapters, local replay wires its own. */
export function ec2EventHandler(deps: Ec2Deps) {
  return eventHandler((event: unknown) => handleEc2Event(event, deps));
}
