import { CONNECTION_OPTIONS, parseAttributes, parseCommandArgs, parsePositiveInt } from '../../../toolkit/cli/args';
import { UsageError } from '../../../toolkit/cli/usage-error';

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  attr: { type: 'string', multiple: true },
  'ordering-key': { type: 'string' },
} as const;

/** Runs `act` and returns the UsageError it threw; fails the test otherwise. */
function usageErrorOf(act: () => unknown): UsageError {
  try {
    act();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError');
}

describe('parseCommandArgs', () => {
  it('parses flags, repeated flags and positionals', () => {
    // Act
    const { values, positionals } = parseCommandArgs(['hello world', '--attr', 'lang=en', '--attr=stage=x', '--ordering-key', 'k', '--cloud', '--project', 'p-123456'], OPTIONS);

    // Assess
    expect(positionals).toEqual(['hello world']);
    expect(values).toMatchObject({ attr: ['lang=en', 'stage=x'], 'ordering-key': 'k', cloud: true, project: 'p-123456', help: false });
  });

  it('applies the defaults of the connection options', () => {
    expect(parseCommandArgs([], OPTIONS).values).toMatchObject({ cloud: false, help: false });
  });

  it('treats what follows -- as positionals', () => {
    expect(parseCommandArgs(['--', '--not-a-flag'], OPTIONS).positionals).toEqual(['--not-a-flag']);
  });

  it.each([
    ['an unknown long flag', ['--colour', 'red'], '--colour'],
    ['an unknown short flag', ['-x'], '-x'],
    ['a misspelt flag', ['--atr', 'lang=en'], '--atr'],
  ])('refuses %s with a UsageError naming it', (_name, argv, flag) => {
    // Act
    const error = usageErrorOf(() => parseCommandArgs(argv, OPTIONS));

    // Assess
    expect(error.name).toBe('UsageError');
    expect(error.message).toContain(`'${flag}'`);
    // Node's hint about positionals starting with '-' is cut: it would only confuse here.
    expect(error.message).not.toContain('To specify a positional argument');
  });

  it('refuses a string flag without its value, naming it', () => {
    // Act
    const error = usageErrorOf(() => parseCommandArgs(['--attr'], OPTIONS));

    // Assess
    expect(error.message).toContain('--attr');
  });

  it('refuses a value given to a boolean flag', () => {
    // Act
    const error = usageErrorOf(() => parseCommandArgs(['--cloud=yes'], OPTIONS));

    // Assess
    expect(error.message).toContain('--cloud');
  });
});

describe('parseAttributes', () => {
  it('parses key=value pairs, splitting at the first =', () => {
    expect(parseAttributes(['lang=en', 'claimCheck=gs://b/o?x=1', 'empty='])).toEqual({ lang: 'en', claimCheck: 'gs://b/o?x=1', empty: '' });
  });

  it('gives no attributes for no flags', () => {
    expect(parseAttributes(undefined)).toEqual({});
    expect(parseAttributes([])).toEqual({});
  });

  it.each([
    ['no =', 'lang'],
    ['an empty key', '=en'],
    ['an empty flag', ''],
  ])('refuses a value with %s, quoting it', (_name, value) => {
    // Act
    const error = usageErrorOf(() => parseAttributes(['stage=x', value]));

    // Assess
    expect(error.message).toBe(`--attr "${value}": expected key=value`);
  });
});

describe('parsePositiveInt', () => {
  it.each([
    [undefined, undefined],
    ['1', 1],
    ['250', 250],
  ])('parses %j as %j', (value, expected) => {
    expect(parsePositiveInt('count', value)).toBe(expected);
  });

  it.each(['0', '-1', '1.5', '1e3', 'ten', '', ' 5'])('refuses %j, naming the flag', (value) => {
    // Act
    const error = usageErrorOf(() => parsePositiveInt('count', value));

    // Assess
    expect(error.message).toBe(`--count "${value}": expected a positive whole number`);
  });
});
