/** The in-memory EC2 adapter under the name the integration tests know it by. */
export { MemoryEc2 as SimulatedEc2 } from '#adapters/memory/memory-ec2.ts';
