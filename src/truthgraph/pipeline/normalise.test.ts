import { describe, expect, it } from 'vitest';
import { UserError } from '../../shared/errors.ts';
import { normaliseClaim } from './normalise.ts';
import { DEFAULT_VERIFY_OPTIONS, resolveVerifyOptions } from './options.ts';

describe('normaliseClaim', () => {
  it.each(['', '   ', '\n\t  ', '\u0000\u0001\u007f'])('rejects empty or whitespace-only claim %j with a UserError', (raw) => {
    expect(() => normaliseClaim(raw, 100)).toThrow(UserError);
    expect(() => normaliseClaim(raw, 100)).toThrow(/empty/);
  });

  it('drops control characters and lone surrogates, collapses whitespace, keeps emoji/RTL/CJK', () => {
    expect(normaliseClaim('  Water\u0000 boils\r\n\tat \uD800100°C  ', 100)).toEqual({ text: 'Water boils at 100°C', truncated: false });
    const unicode = 'COVID-19疫苗 🧪 مرحبا Привет';
    expect(normaliseClaim(unicode, 100)).toEqual({ text: unicode, truncated: false });
  });

  it('applies NFC so composed and decomposed forms are one claim', () => {
    expect(normaliseClaim('Cafe\u0301', 100).text).toBe(normaliseClaim('Café', 100).text);
  });

  it('truncates a 10k-character claim at a word boundary without splitting a surrogate pair', () => {
    const long = 'word '.repeat(2000);
    const out = normaliseClaim(long, 2000);
    expect(out.truncated).toBe(true);
    expect(out.text.length).toBeLessThanOrEqual(2000);
    expect(out.text.endsWith('word')).toBe(true);
    const emoji = '😀'.repeat(20); // 40 UTF-16 units, no spaces
    const cut = normaliseClaim(emoji, 21);
    expect(cut.text).toBe('😀'.repeat(10));
  });
});

describe('resolveVerifyOptions', () => {
  it('fills defaults and keeps overrides', () => {
    const o = resolveVerifyOptions({ k: 5, mode: 'hnsw', aggregation: { verdictThreshold: 0.7 } });
    expect(o.k).toBe(5);
    expect(o.mode).toBe('hnsw');
    expect(o.aggregation.verdictThreshold).toBe(0.7);
    expect(o.aggregation.strongProbability).toBe(DEFAULT_VERIFY_OPTIONS.aggregation.strongProbability);
    expect(o.strategy).toBe('weighted');
  });

  it('names the bad option', () => {
    expect(() => resolveVerifyOptions({ mode: 'fuzzy' as never })).toThrow(/invalid verify option mode/);
    expect(() => resolveVerifyOptions({ k: 0 })).toThrow(/invalid verify option k/);
  });
});
