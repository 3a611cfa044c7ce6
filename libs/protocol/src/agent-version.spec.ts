import { compareAgentVersions, isAgentOutdated } from './agent-version';

describe('agent versions', () => {
  it.each([
    ['0.1.0', '0.1.0', 0],
    ['0.1.0', '0.2.0', -1],
    ['0.10.0', '0.9.9', 1],
    ['1.0.0', '0.99.99', 1],
    ['1.0.0-rc.1', '1.0.0', -1],
    ['1.0.0', '1.0.0-rc.1', 1],
    ['v1.2.3', '1.2.3', 0],
    ['1.2.3+build.5', '1.2.3', 0],
  ])('orders %s against %s', (a, b, expected) => {
    expect(compareAgentVersions(a, b)).toBe(expected);
  });

  it('refuses to order text that is not a version', () => {
    expect(compareAgentVersions('latest', '0.1.0')).toBeNull();
    expect(compareAgentVersions('0.1', '0.1.0')).toBeNull();
    expect(isAgentOutdated('dev; rm -rf /', '0.1.0')).toBe(false);
  });

  it('calls only an older version outdated', () => {
    expect(isAgentOutdated('0.0.9', '0.1.0')).toBe(true);
    expect(isAgentOutdated('0.1.0', '0.1.0')).toBe(false);
    expect(isAgentOutdated('0.2.0', '0.1.0')).toBe(false);
  });
});
