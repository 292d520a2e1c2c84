// Human-diffable JSON: keys sorted at every level, numbers rounded to significant digits.

export function roundSignificant(x: number, digits = 6): number {
  if (!Number.isFinite(x) || x === 0 || Number.isInteger(x)) return x;
  return Number(x.toPrecision(digits));
}

function normalise(value: unknown, digits: number): unknown {
  if (typeof value === 'number') return roundSignificant(value, digits);
  if (Array.isArray(value)) return value.map((v) => normalise(v, digits));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = normalise(v, digits);
    }
    return out;
  }
  return value;
}

/** Deterministic text: the same data always gives the same bytes. Arrays of numbers stay on one line. */
export function stableStringify(value: unknown, digits = 6): string {
  const text = JSON.stringify(normalise(value, digits), null, 2);
  // Collapse arrays of plain numbers onto one line so sample lists diff as one line each.
  return text.replace(/\[\s*(-?[\d.eE+-]+(?:,\s*-?[\d.eE+-]+)*)\s*\]/g, (_, body: string) => `[${body.split(/,\s*/).join(', ')}]`) + '\n';
}
