// Claim text normalisation: the text that is embedded, judged, cached and stored is this one.
import { UserError } from '../../shared/errors.ts';

export interface NormalisedClaim {
  text: string;
  truncated: boolean;
}

// C0/C1 control characters other than whitespace, and lone UTF-16 surrogates (broken JS strings,
// which Postgres would reject). Invalid UTF-8 in files decodes to U+FFFD, which is kept as text.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** NFC, control characters and lone surrogates dropped, whitespace collapsed, truncated to maxChars. */
export function normaliseClaim(raw: string, maxChars: number): NormalisedClaim {
  if (typeof raw !== 'string') throw new UserError(`a claim must be a string, got ${raw === null ? 'null' : typeof raw}`);
  let text = raw.normalize('NFC').replace(LONE_SURROGATE, '').replace(CONTROL, ' ').replace(/\s+/gu, ' ').trim();
  if (text.length === 0) {
    throw new UserError('the claim is empty (or only whitespace/control characters)', {
      fix: 'pass a non-empty claim, e.g. truthgraph verify "Water boils at 100 degrees Celsius at sea level"',
    });
  }
  if (text.length <= maxChars) return { text, truncated: false };
  let cut = text.slice(0, maxChars);
  // Do not split a surrogate pair; prefer a word boundary in the last fifth.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  const space = cut.lastIndexOf(' ');
  if (space > maxChars * 0.8) cut = cut.slice(0, space);
  text = cut.trimEnd();
  return { text, truncated: true };
}
