import { InvalidInputError } from '../errors.ts';

/**
 * Checks that a value is a finite number in [0, 1] (a probability, an ECE, a calibration score).
 *
 * @param name the field's name, used in the error message.
 * @throws InvalidInputError naming the field and the bad value otherwise (NaN, ±∞, out of range).
 */
export function requireUnitInterval(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new InvalidInputError(`${name} must be in [0, 1] (got ${value})`);
  }
  return value;
}

/**
 * Checks that a value is a finite number in (0, 1] (a drift baseline ECE: it divides the current ECE).
 *
 * @throws InvalidInputError naming the field and the bad value otherwise.
 */
export function requirePositiveUnitInterval(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0 || value > 1) {
    throw new InvalidInputError(`${name} must be in (0, 1] (got ${value})`);
  }
  return value;
}

/**
 * Checks that a value is a finite number ≥ 0 (e.g. a population stability index).
 *
 * @throws InvalidInputError naming the field and the bad value otherwise.
 */
export function requireNonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new InvalidInputError(`${name} must be a finite number ≥ 0 (got ${value})`);
  }
  return value;
}

/**
 * Checks that a value is a count: a safe integer ≥ 0.
 *
 * @throws InvalidInputError naming the field and the bad value otherwise.
 */
export function requireCount(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidInputError(`${name} must be an integer ≥ 0 (got ${value})`);
  }
  return value;
}
