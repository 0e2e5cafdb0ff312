/**
 * XEP-0082 DateTime parsing for the query form's 'start' and 'end'. Strict: a value that is not
 * exactly the profile (or names a day that does not exist) is refused rather than guessed at, and
 * the length is bounded before any regular expression runs (reliability.md XML-25).
 *
 * References:
 * - XEP-0082 §3.2 (DateTime: CCYY-MM-DDThh:mm:ss[.sss]TZD), §2.1 (hh 00–23, mm and ss 00–59; TZD
 *   is Z or ±hh:mm; any number of fraction digits: we read up to nine), §5 (years outside
 *   0001–9999 may be ignored: we refuse them)
 * - XEP-0313 §4.1.2 ('start' and 'end' MUST be XEP-0082 DateTime)
 */

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):(\d{2}))$/;
/** The longest value the pattern can match: 19 + 10 (fraction) + 6 (offset). */
const MAX_LENGTH = 35;

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The instant, or undefined when `s` is not a valid XEP-0082 DateTime. */
export function parseDateTime(s: string): Date | undefined {
  if (s.length > MAX_LENGTH) return undefined;
  const m = DATETIME.exec(s);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, "0"));
  let offsetMinutes = 0;
  if (m[8] !== "Z") {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (m[9] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  // setUTCFullYear, unlike Date.UTC, does not read years 0–99 as 1900–1999.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, ms);
  const t = d.getTime() - offsetMinutes * 60_000;
  return Number.isFinite(t) ? new Date(t) : undefined;
}
