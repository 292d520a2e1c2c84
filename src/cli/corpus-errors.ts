// verify and search need evidence vectors made by the embedder they query with. When there are none,
// the error names what the store holds and a command that makes the user's command work.
import { UserError } from '../shared/errors.ts';
import type { CorpusMatch } from '../truthgraph/pipeline/corpus-match.ts';
import { cliCommand, embedStoredCommand, ingestSampleCommand } from './fix-command.ts';

/** Throws unless `corpus` matched; `argv` is the user's command (fix lines keep its database and model flags). */
export function requireCorpus(corpus: CorpusMatch, argv: readonly string[]): void {
  if (corpus.status === 'match') return;
  const rerun = `, then rerun ${cliCommand(argv)}`;
  if (corpus.status === 'other-variant') {
    throw new UserError(
      `the evidence store has ${corpus.count} evidence items embedded with ${corpus.otherModelId}, none with ${corpus.modelId} (the variant you chose): ` +
        `their vectors cannot be compared (or rerun with --variant ${corpus.variant})`,
      { fix: `embed the stored evidence with this variant too: ${embedStoredCommand(argv)}${rerun}` },
    );
  }
  if (corpus.evidence === 0) {
    throw new UserError('the evidence store is empty: there is nothing to verify claims against or search', {
      fix: `load the sample corpus (or your own evidence file instead of it): ${ingestSampleCommand(argv)}${rerun}`,
    });
  }
  const others = corpus.embeddedWith.map((m) => `${m.count} with ${m.modelId}`).join(', ') || 'none embedded';
  throw new UserError(`the evidence store has ${corpus.evidence} evidence items (${others}), none embedded with ${corpus.modelId}`, {
    fix: `embed the stored evidence with this pack: ${embedStoredCommand(argv)}${rerun}`,
  });
}
