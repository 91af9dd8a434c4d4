import type { Reporter, TestCase, TestModule, TestSuite } from 'vitest/node';

/** A suite or module with errors of its own: a hook (beforeAll, afterAll) that threw, or a file that failed to load. */
const broke = (entity: TestSuite | TestModule) => entity.errors().length > 0;

function underBrokenHook(test: TestCase): boolean {
  for (let parent: TestSuite | TestModule = test.parent; ; parent = parent.parent) {
    if (broke(parent)) return true;
    if (parent.type === 'module') return false;
  }
}

/**
 * Adds a plain closing line, `N passed, N failed, N skipped`, that any CI log reader understands. A test that
 * never ran because a beforeAll above it threw counts as failed, not skipped; so does a hook or file that broke
 * without failing any test (an afterAll after passing tests, a file that did not load), so "0 failed" means it.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      const failedTests = new Set<TestCase>();
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        const onPurpose = test.options.mode === 'skip' || test.options.mode === 'todo';
        if (state === 'passed') passed++;
        else if (state === 'failed' || (!onPurpose && underBrokenHook(test))) failedTests.add(test);
        else skipped++;
      }
      failed += failedTests.size;
      for (const entity of [module, ...module.children.allSuites()]) {
        const tests = [...entity.children.allTests()];
        const brokeAlone = broke(entity) || (entity === module && module.state() === 'failed' && tests.length === 0);
        if (brokeAlone && !tests.some((test) => failedTests.has(test))) failed++;
      }
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
