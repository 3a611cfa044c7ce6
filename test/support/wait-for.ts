const POLL_INTERVAL_MS = 50;

/**
 * The one way a test waits: polls `check` until it returns a truthy value and returns that value. A check that throws
 * is tried again (a request to a server that is still starting, an assertion not yet true); after `timeoutMs` the
 * wait fails naming `what` and the last error. No dependencies, so unit specs of any app may use it.
 */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 30_000,
): Promise<Exclude<T, undefined | null | false | 0 | ''>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as Exclude<T, undefined | null | false | 0 | ''>;
      last = undefined;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const reason = last instanceof Error ? last.message : last === undefined ? '' : String(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason ? `: ${reason}` : ''}`);
    }
    await sleep(POLL_INTERVAL_MS);
  }
}

/**
 * A pause for the few places that need one: a simulated clock, or a NEGATIVE assertion ("nothing arrives") where no
 * later event can prove the absence. Never before a positive assertion: wait for the condition instead.
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
