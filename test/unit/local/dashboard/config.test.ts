import { parseLocalConfig } from '../../../../toolkit/local/local-config';

describe('DASHBOARD_PORT', () => {
  it.each([
    [undefined, 8790],
    ['0', 0],
    ['9000', 9000],
    ['off', 'off'],
  ])('reads %s as %s', (value, expected) => {
    expect(parseLocalConfig(value === undefined ? {} : { DASHBOARD_PORT: value }).DASHBOARD_PORT).toBe(expected);
  });

  it.each(['none', '70000', '-1'])('refuses %s, naming the variable and what it takes', (value) => {
    expect(() => parseLocalConfig({ DASHBOARD_PORT: value })).toThrow(/DASHBOARD_PORT/);
  });
});
