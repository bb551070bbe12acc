// Reaps one service process (DynamoDB Local's java, moto's python) when the process that
// started it is gone, however it went: a `kill -9` of the CLI runs none of its exit
// handlers, and Linux does not kill orphaned children. Started detached by
// process-reaper.ts as `node watchdog.mjs <parent pid> <child pid>`; plain JavaScript so it
// starts in a few milliseconds without tsx.
const [parentPid, childPid] = process.argv.slice(2).map(Number);
const POLL_MS = 200;

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else (a reused pid): not ours to judge, keep it.
    return error.code === 'EPERM';
  }
}

if (!Number.isInteger(parentPid) || !Number.isInteger(childPid)) process.exit(2);

const timer = setInterval(() => {
  if (!alive(childPid)) process.exit(0);
  if (alive(parentPid)) return;
  clearInterval(timer);
  try {
    process.kill(childPid, 'SIGKILL');
  } catch {
    // Already gone.
  }
  process.exit(0);
}, POLL_MS);
