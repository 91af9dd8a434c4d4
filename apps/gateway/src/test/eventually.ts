/** Polls `check` until it holds; fails when `deadlineMs` passes first. Asserts behaviour, not timings. */
export async function eventually(check: () => boolean | Promise<boolean>, deadlineMs = 5_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`condition not met within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
