/**
 * One-hot encoding of categorical features and the layout of the encoded design row:
 * numeric features first (table order), then `column=value` indicators per categorical column
 * (categories in sorted order). A value not seen in training, or an empty cell, encodes as all
 * zeros, so the model falls back to its numeric features and intercept.
 */
import type { z } from 'zod';
import type { CategoricalEncodingSchema } from '../model/bundle.ts';
import type { FeatureTable } from './feature-table.ts';

export type CategoricalEncoding = z.infer<typeof CategoricalEncodingSchema>;

/** The categories seen in the table for each categorical column: distinct non-empty values, sorted. */
export function fitCategoricalEncodings(table: FeatureTable): CategoricalEncoding[] {
  return table.categoricalFeatures.map((column, position) => {
    const seen = new Set<string>();
    for (const cells of table.categorical) {
      const value = cells[position] as string;
      if (value !== '') seen.add(value);
    }
    return { column, categories: [...seen].sort() };
  });
}

/** Names of the encoded design columns: numeric names, then `column=value` per category. */
export function encodedFeatureNames(
  numericFeatures: readonly string[],
  encodings: readonly CategoricalEncoding[],
): string[] {
  const names = [...numericFeatures];
  for (const encoding of encodings) {
    for (const category of encoding.categories) names.push(`${encoding.column}=${category}`);
  }
  return names;
}

/** Width of the encoded design row. */
export function encodedWidth(numericCount: number, encodings: readonly CategoricalEncoding[]): number {
  return encodings.reduce((width, encoding) => width + encoding.categories.length, numericCount);
}

/**
 * Encodes every row of the table into design rows of {@link encodedWidth} columns.
 * Categorical cells are matched to `encodings` by position. O(rows × width).
 */
export function encodeFeatureTable(table: FeatureTable, encodings: readonly CategoricalEncoding[]): Float64Array[] {
  const numericCount = table.numericFeatures.length;
  const width = encodedWidth(numericCount, encodings);
  const lookups = encodings.map((encoding) => new Map(encoding.categories.map((category, index) => [category, index])));
  return table.rows.map((numeric, rowIndex) => {
    const encoded = new Float64Array(width);
    for (let column = 0; column < numericCount; column += 1) encoded[column] = numeric[column] as number;
    let offset = numericCount;
    lookups.forEach((lookup, position) => {
      const category = lookup.get((table.categorical[rowIndex] as readonly string[])[position] as string);
      if (category !== undefined) encoded[offset + category] = 1;
      offset += lookup.size;
    });
    return encoded;
  });
}
