import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../shared/io.ts';
import { run } from '../main.ts';

describe('model commands', () => {
  it('embed --json prints vectors with the pack and the synthetic flag', async () => {
    const io = memoryIo();
    expect(await run(['embed', 'water boils', 'the tower', '--json', '--variant', 'int8'], io)).toBe(0);
    const out = JSON.parse(io.out.join(''));
    expect(out.synthetic).toBe(true);
    expect(out.pack).toMatchObject({ name: 'minilm-l6-h384', variant: 'int8', kind: 'embedder' });
    expect(out.embeddings).toHaveLength(2);
    expect(out.embeddings[0].vector).toHaveLength(384);
  });

  it('nli --json prints label, probabilities by name, pack and synthetic flag', async () => {
    const io = memoryIo();
    expect(await run(['nli', '--premise', 'Water boils at 100 C at sea level.', '--hypothesis', 'Water boils at 100 C', '--json', '--variant', 'int8'], io)).toBe(0);
    const out = JSON.parse(io.out.join(''));
    expect(out).toMatchObject({ synthetic: true, pack: { name: 'nli-l6-h768', variant: 'int8' } });
    expect(Object.keys(out.probabilities).sort()).toEqual(['contradiction', 'entailment', 'neutral']);
    expect(Object.keys(out.probabilities)).toContain(out.label);
  });

  it('text output says the pack is synthetic', async () => {
    const io = memoryIo();
    expect(await run(['nli', '--premise', 'a', '--hypothesis', 'b', '--variant', 'int8'], io)).toBe(0);
    expect(io.out.join('')).toMatch(/SYNTHETIC: measures cost, not truth/);
  });

  it('a wrong pack kind exits 2 with the fix', async () => {
    const io = memoryIo();
    expect(await run(['nli', '--premise', 'a', '--hypothesis', 'b', '--pack', 'minilm-l6-h384', '--variant', 'int8'], io)).toBe(2);
    expect(io.err.join('')).toMatch(/is an embedder pack[\s\S]*fix: pass an nli pack/);
  });

  it('invalid option values exit 2 naming the option', async () => {
    const io = memoryIo();
    expect(await run(['embed', 'x', '--variant', 'fp16'], io)).toBe(2);
    expect(io.err.join('')).toMatch(/option '--variant <variant>' argument 'fp16' is invalid\. Allowed choices are auto, fp32, int8/);
  });

  it('models list shows both synthetic packs', async () => {
    const io = memoryIo();
    expect(await run(['models', 'list', '--json'], io)).toBe(0);
    const names = JSON.parse(io.out.join('')).map((p: { name: string }) => p.name);
    expect(names).toEqual(expect.arrayContaining(['minilm-l6-h384', 'nli-l6-h768']));
  });
});
