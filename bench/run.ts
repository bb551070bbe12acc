import { runDnsBench } from './dns-plan.ts';
import { runLedgerBench } from './ledger-replay.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

await runLedgerBench();
await runDnsBench();
