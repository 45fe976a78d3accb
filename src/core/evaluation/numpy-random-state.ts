/**
 * The parts of numpy's legacy `RandomState` that scikit-learn's fold shuffles consume: the MT19937
 * generator with numpy's integer seeding, its bounded-integer draw and its in-place shuffle.
 * Reproduced bit for bit so that `StratifiedKFold(shuffle=True, random_state=seed)` folds can be
 * rebuilt without Python.
 */
import { InvalidInputError } from '../errors.ts';

/** MT19937 state length (words). */
const STATE_WORDS = 624;
const MIDDLE_WORD = 397;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const MATRIX_A = 0x9908b0df;
/** Largest seed numpy accepts for an integer seed: 2³² − 1. */
export const NUMPY_MAX_SEED = 0xffffffff;

/** A live numpy `RandomState(seed)` stream (mutable: each call advances it). */
export interface NumpyRandomState {
  /** The next raw 32-bit output, in [0, 2³²). numpy: `mt19937_next32`. */
  readonly nextUint32: () => number;
  /** A uniform integer in [0, maxInclusive] by masked rejection. numpy: `random_interval`. */
  readonly interval: (maxInclusive: number) => number;
  /** Shuffles `values` in place exactly as `RandomState.shuffle` shuffles a 1-d array. */
  readonly shuffle: (values: { length: number; [index: number]: number }) => void;
}

/**
 * numpy's `RandomState(seed)` for an integer seed: MT19937 seeded by `init_genrand`
 * (`mt19937_seed` in numpy/random/src/mt19937/mt19937.c, reached through
 * `MT19937._legacy_seeding`), then the legacy draws sklearn's fold shuffle uses.
 * Reference: M. Matsumoto, T. Nishimura, "Mersenne Twister", ACM TOMACS 8(1), 1998,
 * http://www.math.sci.hiroshima-u.ac.jp/m-mat/MT/MT2002/emt19937ar.html.
 * Seeding is O(624); each draw O(1) amortised (a 624-word regeneration every 624 outputs).
 *
 * @param seed - an integer in [0, {@link NUMPY_MAX_SEED}], like numpy.
 * @throws InvalidInputError when `seed` is not such an integer (numpy raises ValueError).
 */
export function numpyRandomState(seed: number): NumpyRandomState {
  if (!Number.isInteger(seed) || seed < 0 || seed > NUMPY_MAX_SEED) {
    throw new InvalidInputError(`seed = ${seed} is not an integer in [0, 2^32 - 1]`);
  }
  const key = new Uint32Array(STATE_WORDS);
  key[0] = seed;
  for (let position = 1; position < STATE_WORDS; position += 1) {
    const previous = key[position - 1] as number;
    // 1812433253 · x would overflow a double's exact range: Math.imul keeps the low 32 bits.
    key[position] = (Math.imul(1812433253, (previous ^ (previous >>> 30)) >>> 0) + position) >>> 0;
  }
  let next = STATE_WORDS;

  const regenerate = (): void => {
    for (let position = 0; position < STATE_WORDS; position += 1) {
      const mixed =
        ((key[position] as number) & UPPER_MASK) | ((key[(position + 1) % STATE_WORDS] as number) & LOWER_MASK);
      const twisted = (mixed >>> 1) ^ ((mixed & 1) === 0 ? 0 : MATRIX_A);
      key[position] = ((key[(position + MIDDLE_WORD) % STATE_WORDS] as number) ^ twisted) >>> 0;
    }
    next = 0;
  };

  const nextUint32 = (): number => {
    if (next >= STATE_WORDS) regenerate();
    let value = key[next] as number;
    next += 1;
    value ^= value >>> 11;
    value ^= (value << 7) & 0x9d2c5680;
    value ^= (value << 15) & 0xefc60000;
    value ^= value >>> 18;
    return value >>> 0;
  };

  const interval = (maxInclusive: number): number => {
    if (!Number.isInteger(maxInclusive) || maxInclusive < 0 || maxInclusive > NUMPY_MAX_SEED) {
      throw new InvalidInputError(`interval bound ${maxInclusive} is not an integer in [0, 2^32 - 1]`);
    }
    if (maxInclusive === 0) return 0;
    // The smallest all-ones mask ≥ maxInclusive; draws above maxInclusive are rejected, never folded.
    let mask = maxInclusive;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    for (;;) {
      const value = (nextUint32() & mask) >>> 0;
      if (value <= maxInclusive) return value;
    }
  };

  const shuffle = (values: { length: number; [index: number]: number }): void => {
    // numpy's `_shuffle_raw`: for i = n−1 down to 1, swap i with random_interval(i).
    for (let index = values.length - 1; index > 0; index -= 1) {
      const other = interval(index);
      const held = values[index] as number;
      values[index] = values[other] as number;
      values[other] = held;
    }
  };

  return { nextUint32, interval, shuffle };
}
