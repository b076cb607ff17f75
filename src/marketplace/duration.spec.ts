import {
  formatDuration,
  fromPgInterval,
  parseDuration,
  totalSeconds,
  type Duration,
  type DurationResult,
} from './duration';

const d = (days: number, hours = 0, minutes = 0, seconds = 0): Duration => ({
  days,
  hours,
  minutes,
  seconds,
});
const parsed = (text: string): Duration => {
  const result = parseDuration(text);
  if (!result.ok) throw new Error(`${text} was refused: ${result.reason}`);
  return result.duration;
};
const reasonOf = (result: DurationResult) => (result.ok ? 'accepted' : result.reason);

describe('marketplace durations', () => {
  it.each<[string, Duration]>([
    ['P3D', d(3)],
    ['PT48H', d(0, 48)],
    ['P7D', d(7)],
    ['P1DT12H', d(1, 12)],
    ['PT1S', d(0, 0, 0, 1)],
    ['PT90M', d(0, 0, 90)],
    ['P2DT3H4M5S', d(2, 3, 4, 5)],
    ['PT36H', d(0, 36)],
    ['P365D', d(365)],
    ['P0DT1S', d(0, 0, 0, 1)],
  ])('reads %s and writes it back the same', (text, duration) => {
    expect(parseDuration(text)).toEqual({ ok: true, duration });
    expect(formatDuration(duration)).toBe(text === 'P0DT1S' ? 'PT1S' : text);
  });

  it('reads a week as seven days, and writes it as days', () => {
    expect(parsed('P1W')).toEqual(d(7));
    expect(formatDuration(parsed('P2W'))).toBe('P14D');
    expect(formatDuration(parsed('P52W'))).toBe('P364D');
  });

  it('never folds hours into days, nor days into hours', () => {
    expect(formatDuration(parsed('PT48H'))).toBe('PT48H');
    expect(formatDuration(parsed('P2D'))).toBe('P2D');
    expect(totalSeconds(parsed('PT48H'))).toBe(totalSeconds(parsed('P2D')));
  });

  it('reads what the pg driver makes of an interval, leaving its parts apart', () => {
    // postgres-interval sets only the parts that are not zero.
    expect(formatDuration(fromPgInterval({ days: 3 }))).toBe('P3D');
    expect(formatDuration(fromPgInterval({ hours: 48 }))).toBe('PT48H');
    expect(formatDuration(fromPgInterval({ days: 1, hours: 1, minutes: 30 }))).toBe('P1DT1H30M');
    expect(formatDuration(fromPgInterval({ seconds: 1 }))).toBe('PT1S');
    expect(formatDuration(fromPgInterval({}))).toBe('PT0S');
    expect(() => fromPgInterval({ months: 1 })).toThrow(/years, months/);
    expect(() => fromPgInterval({ seconds: 1, milliseconds: 500 })).toThrow(/fractions/);
  });

  describe('refuses', () => {
    it.each(['P1M', 'P1Y', 'P1Y2M', 'P1M3D', 'P2Y'])(
      '%s: years and months vary in length, and the answer says so with an example',
      (text) => {
        expect(reasonOf(parseDuration(text))).toBe(
          'cannot be given in years or months, whose length varies; give days instead, e.g. ' +
            'P30D rather than P1M.',
        );
      },
    );

    it.each(['PT1.5S', 'P1.5D', 'PT0,5H', 'P1.0D'])('%s: fractions', (text) => {
      expect(reasonOf(parseDuration(text))).toMatch(/^must be in whole units, e\.g\. PT90M/);
    });

    it.each(['PT0S', 'P0D', 'PT0H0M0S', 'P0W'])('%s: less than one second', (text) => {
      expect(reasonOf(parseDuration(text))).toBe('must be at least PT1S (one second).');
    });

    it.each(['P366D', 'PT8761H', 'P53W', 'P365DT1S', 'P99999999999999999999D'])(
      '%s: more than 365 days',
      (text) => {
        expect(reasonOf(parseDuration(text))).toBe('must be at most P365D (365 days).');
      },
    );

    it('weeks with other units, which ISO 8601 does not combine', () => {
      expect(reasonOf(parseDuration('P1W3D'))).toMatch(/cannot combine weeks.*P10D/);
      expect(reasonOf(parseDuration('P1WT1H'))).toMatch(/cannot combine weeks/);
    });

    it.each([
      'abc',
      '3 days',
      'P',
      'PT',
      'P1DT',
      'P3',
      '3D',
      'p3d',
      'P-1D',
      '-P1D',
      ' P3D',
      'P3D ',
      'PT1H2D',
      'P1D1W',
      'PT1M2H',
      '1 day',
      '48:00:00',
      `P${'1'.repeat(40)}D`,
    ])('%j: not an ISO 8601 duration, with examples', (text) => {
      expect(reasonOf(parseDuration(text))).toBe(
        'must be an ISO 8601 duration such as P3D (3 days), PT48H (48 hours) or P1DT12H.',
      );
    });

    it('an empty text, saying that it is empty', () => {
      expect(reasonOf(parseDuration(''))).toMatch(/^must be an ISO 8601 duration .*, not empty\.$/);
    });
  });

  it('accepts exactly the bounds: PT1S and P365D, in any unit', () => {
    for (const text of ['PT1S', 'P365D', 'PT8760H', 'PT525600M', 'PT31536000S']) {
      expect(reasonOf(parseDuration(text))).toBe('accepted');
    }
  });
});
