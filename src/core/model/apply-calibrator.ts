/**
 * Applies a bundle's calibrator to one raw score.
 */
import { InvalidInputError } from '../errors.ts';
import type { Calibrator } from './bundle.ts';
import { applyIsotonic } from './isotonic.ts';
import { applyPlatt } from './platt.ts';

/**
 * Maps a raw classifier score to a calibrated probability in [0, 1] with the calibrator's kind:
 * `isotonic` → {@link applyIsotonic}, `platt` → {@link applyPlatt}, `identity` → the score clipped to [0, 1]
 * (for a score that is already a probability).
 *
 * @throws InvalidInputError when the score is not finite.
 */
export function applyCalibrator(calibrator: Calibrator, score: number): number {
  if (!Number.isFinite(score)) throw new InvalidInputError(`score is not finite: ${score}`);
  switch (calibrator.kind) {
    case 'isotonic':
      return applyIsotonic(calibrator, score);
    case 'platt':
      return applyPlatt(calibrator, score);
    case 'identity':
      return Math.min(1, Math.max(0, score));
  }
}
