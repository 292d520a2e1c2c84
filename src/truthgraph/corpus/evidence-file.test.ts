import { describe, expect, it } from 'vitest';
import { parseCsv, parseEvidenceText } from './evidence-file.ts';

describe('evidence files', () => {
  it('parses CSV with quotes, escaped quotes, commas and newlines; extra columns go to metadata', () => {
    expect(parseCsv('a,b\r\n"x, ""y""","multi\nline"\n')).toEqual([['a', 'b'], ['x, "y"', 'multi\nline']]);
    expect(parseEvidenceText('id,content,category,lang\ne1,"Water boils, at sea level",science,en\n', 'csv')).toEqual([
      { id: 'e1', content: 'Water boils, at sea level', source: null, url: null, category: 'science', metadata: { lang: 'en' } },
    ]);
  });

  it('accepts a JSON array, a generated corpus object and JSONL; names the bad line', () => {
    const one = { id: 'a', content: 'c', source: 's' };
    const expected = [{ id: 'a', content: 'c', source: 's', url: null, category: null, metadata: {} }];
    expect(parseEvidenceText(JSON.stringify([one]), 'json')).toEqual(expected);
    expect(parseEvidenceText(JSON.stringify({ attribution: 'x', items: [one] }), 'json')).toEqual(expected);
    expect(parseEvidenceText(`${JSON.stringify(one)}\n\n`, 'jsonl')).toEqual(expected);
    expect(() => parseEvidenceText(`${JSON.stringify(one)}\n{oops\n`, 'jsonl', 'f.jsonl')).toThrow('f.jsonl: line 2 is not valid JSON');
    expect(() => parseEvidenceText('id,text\n', 'csv')).toThrow(/header row with at least id and content/);
  });
});
