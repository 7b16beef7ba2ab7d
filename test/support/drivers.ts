/**
 * Tests of a production driver need its server. Locally they may skip, with the reason in the test name;
 * CI sets HTO_REQUIRE_ALL_DRIVERS=1, and then a missing URL fails the run instead of skipping.
 */
export function describeWith(variable: 'DATABASE_URL' | 'REDIS_URL', name: string, fn: () => void) {
  if (process.env[variable]) return describe(name, fn);
  if (process.env.HTO_REQUIRE_ALL_DRIVERS === '1') {
    return describe(name, () => {
      it(`needs ${variable}`, () => {
        throw new Error(`${variable} is not set, but HTO_REQUIRE_ALL_DRIVERS=1 requires every driver test to run`);
      });
    });
  }
  return describe.skip(`${name} [skipped: ${variable} not set]`, fn);
}
