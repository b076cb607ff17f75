/**
 * The marketplace's durations: ISO 8601 text at the API (`P3D`, `PT48H`), a PostgreSQL
 * `interval` in the database, so that SQL can compute `now() + auto_complete_after`.
 *
 * Only units of fixed length are accepted: weeks, days, hours, minutes and seconds, in whole
 * numbers. Years and months are refused because their length varies (a month is 28 to 31 days),
 * and a timer must mean the same span whenever it starts.
 */
export interface Duration {
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

export const MIN_DURATION_SECONDS = 1;
export const MAX_DURATION_DAYS = 365;
const MAX_DURATION_SECONDS = MAX_DURATION_DAYS * 86_400;

export type DurationResult = { ok: true; duration: Duration } | { ok: false; reason: string };

const EXAMPLES = 'such as P3D (3 days), PT48H (48 hours) or P1DT12H';
/** Longer text than any accepted duration is not parsed at all. */
const MAX_TEXT = 40;

const NUMBER = '(\\d+(?:[.,]\\d+)?)';
/** Any ISO 8601 duration, fractions and years or months included, to say what is wrong with it. */
const ISO_DURATION = new RegExp(
  `^P(?:${NUMBER}Y)?(?:${NUMBER}M)?(?:${NUMBER}W)?(?:${NUMBER}D)?` +
    `(?:T(?:${NUMBER}H)?(?:${NUMBER}M)?(?:${NUMBER}S)?)?$`,
);

export const totalSeconds = (d: Duration): number =>
  d.days * 86_400 + d.hours * 3_600 + d.minutes * 60 + d.seconds;

/**
 * Reads `P[n]W` or `P[nD][T[nH][nM][nS]]` with whole-number components, from PT1S to P365D.
 * A week comes back as seven days. The reason of a refusal is a sentence to follow, without the
 * field's name (the caller puts it first).
 */
export function parseDuration(text: string): DurationResult {
  const refuse = (reason: string): DurationResult => ({ ok: false, reason });
  if (text === '') return refuse(`must be an ISO 8601 duration ${EXAMPLES}, not empty.`);
  const match = text.length <= MAX_TEXT ? ISO_DURATION.exec(text) : null;
  const parts = match?.slice(1);
  if (!parts || parts.every((p) => p === undefined) || text.endsWith('T')) {
    return refuse(`must be an ISO 8601 duration ${EXAMPLES}.`);
  }
  const [years, months, weeks, days, hours, minutes, seconds] = parts;
  if (years !== undefined || months !== undefined) {
    return refuse(
      'cannot be given in years or months, whose length varies; give days instead, e.g. ' +
        'P30D rather than P1M.',
    );
  }
  if (parts.some((p) => p !== undefined && /[.,]/.test(p))) {
    return refuse(
      'must be in whole units, e.g. PT90M rather than PT1.5H, or PT2S rather than PT1.5S.',
    );
  }
  if (weeks !== undefined && [days, hours, minutes, seconds].some((p) => p !== undefined)) {
    return refuse('cannot combine weeks with other units; e.g. write P10D rather than P1W3D.');
  }
  const n = (p: string | undefined) => (p === undefined ? 0 : Number(p));
  const duration: Duration = {
    days: n(weeks) * 7 + n(days),
    hours: n(hours),
    minutes: n(minutes),
    seconds: n(seconds),
  };
  const total = totalSeconds(duration);
  if (total < MIN_DURATION_SECONDS) return refuse('must be at least PT1S (one second).');
  if (total > MAX_DURATION_SECONDS) {
    return refuse(`must be at most P${MAX_DURATION_DAYS}D (${MAX_DURATION_DAYS} days).`);
  }
  return { ok: true, duration };
}

/**
 * ISO 8601 text of a duration, component by component, without folding one unit into another:
 * 48 hours is PT48H, not P2D. Also the text the database is sent, which PostgreSQL reads as an
 * interval of the same days and time.
 */
export function formatDuration(d: Duration): string {
  const time =
    (d.hours ? `${d.hours}H` : '') +
    (d.minutes ? `${d.minutes}M` : '') +
    (d.seconds ? `${d.seconds}S` : '');
  const date = d.days ? `${d.days}D` : '';
  if (!date && !time) return 'PT0S';
  return `P${date}${time ? `T${time}` : ''}`;
}

/**
 * An interval as the pg driver reads it (postgres-interval: only the non-zero parts are set).
 * PostgreSQL keeps an interval as months, days and a time; hours, minutes and seconds are parts
 * of that time, so PT90M is stored, and read back, as PT1H30M, while days and hours stay apart.
 */
export interface PgInterval {
  years?: number;
  months?: number;
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
  milliseconds?: number;
}

export function fromPgInterval(i: PgInterval): Duration {
  if (i.years || i.months || i.milliseconds) {
    // Only SQL written by hand can store these; the API never does.
    throw new Error('A marketplace duration holds years, months or fractions of a second.');
  }
  return {
    days: i.days ?? 0,
    hours: i.hours ?? 0,
    minutes: i.minutes ?? 0,
    seconds: i.seconds ?? 0,
  };
}
