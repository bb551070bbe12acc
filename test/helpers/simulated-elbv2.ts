/** The in-memory ELBv2 adapter under the name the integration tests know it by. */
export { MemoryElbv2 as SimulatedElbv2 } from '#adapters/memory/memory-elbv2.ts';
