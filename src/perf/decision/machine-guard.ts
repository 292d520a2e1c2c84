// The machine guard of stored-baseline mode: a baseline measured on a faster or slower machine
// makes every timing comparison follow the machine, not the code (a same-class VM with a 26%
// higher calibration score showed 80 of 230 metrics IMPROVED on unchanged code). When the run's
// calibration score differs from the baseline's by more than MACHINE_SPEED_TOLERANCE, timing
// comparisons are advisory and the report says so in words, naming `--base`, which measures base
// and head side by side on this machine.

/** Largest relative difference of calibration scores under which a stored baseline binds. */
export const MACHINE_SPEED_TOLERANCE = 0.1;

const BASE_HINT = 'use --base <ref> to judge a change here';

/** The sentence for one baseline, or undefined when the machines are alike (or a score is unknown). */
type Score = number | null | undefined;

export function machineSpeedNote(current: Score, baseline: Score, tolerance = MACHINE_SPEED_TOLERANCE): string | undefined {
  if (!(typeof current === 'number' && current > 0) || !(typeof baseline === 'number' && baseline > 0)) return undefined;
  const ratio = current / baseline;
  if (Math.abs(ratio - 1) <= tolerance) return undefined;
  const pct = Math.round(Math.abs(ratio - 1) * 100);
  return `this machine is ${pct}% ${ratio > 1 ? 'faster' : 'slower'} than the baseline's machine (calibration ${current} vs ${baseline}); timing comparisons against it are advisory: ${BASE_HINT}`;
}

/** One run-level sentence over all the baselines a run compared with (their scores may differ a little). */
export function runMachineNote(current: Score, baselines: readonly Score[], tolerance = MACHINE_SPEED_TOLERANCE): string | undefined {
  const differing = [...new Set(baselines)].filter((b): b is number => machineSpeedNote(current, b, tolerance) !== undefined).sort((a, b) => a - b);
  if (differing.length === 0 || typeof current !== 'number') return undefined;
  if (differing.length === 1) return machineSpeedNote(current, differing[0], tolerance);
  const pcts = differing.map((b) => Math.round(Math.abs(current / b - 1) * 100)).sort((a, b) => a - b);
  const range = pcts[0] === pcts.at(-1) ? `${pcts[0]}%` : `${pcts[0]}-${pcts.at(-1)}%`;
  const way = current > differing.at(-1)! ? 'faster' : current < differing[0]! ? 'slower' : 'faster or slower';
  return `this machine is ${range} ${way} than the baselines' machine (calibration ${current} vs ${differing[0]}-${differing.at(-1)}); timing comparisons against them are advisory: ${BASE_HINT}`;
}
