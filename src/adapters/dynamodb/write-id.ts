/**
 * Conditional writes that survive the SDK's own retries.
 *
 * The SDK retries a request whose response was lost (a reset connection, a timeout). When the
 * first attempt was applied, the retry then fails its own condition, and the caller would report
 * `conflict` / `duplicate` / `refused` for a write that in fact succeeded. So every conditional
 * write carries a per-call `writeId` (a random UUID) stored with the item:
 *
 * - a whole-item PutItem stores it in `WRITE_ID_ATTRIBUTE`;
 * - an UpdateItem that may run many times on one item (counters, the budget ledger, escalation
 *   transitions) appends it to the `RECENT_WRITE_IDS_ATTRIBUTE` list in the same request, and its
 *   condition refuses a writeId already in the list, so a retried ADD is never applied twice.
 *
 * On `ConditionalCheckFailedException` the adapter reads the item (consistent read) and treats its
 * own writeId there as its own success.
 */
import { randomUUID } from 'node:crypto';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** A fresh id for one write call; tests inject a fixed sequence. */
export type NewWriteId = () => string;

/** The default `NewWriteId`: a random (v4) UUID. */
export const randomWriteId: NewWriteId = () => randomUUID();

/** Attribute holding the writeId of the PutItem that wrote the whole item. */
export const WRITE_ID_ATTRIBUTE = 'writeId';

/** Attribute holding the writeIds of the latest updates to an item, oldest first. */
export const RECENT_WRITE_IDS_ATTRIBUTE = 'recentWriteIds';

/**
 * WriteIds kept per item after a trim. A write is recognised as applied as long as fewer than
 * this many other writes reach the same item between its first attempt and the read that follows
 * its retry's condition failure (milliseconds to seconds: the SDK's backoff).
 */
export const RECENT_WRITE_IDS_KEPT = 16;

/** Bytes reserved in an item's size check for its writeId attribute (name + UUID, with room). */
export const WRITE_ID_RESERVE_BYTES = 64;

type Item = Record<string, unknown>;

/** UpdateItem fragments that append `writeId` to the recent list and refuse a writeId already there. */
export interface WriteIdUpdate {
  /** A `SET` action (without the keyword). */
  readonly set: string;
  /** A condition to AND with the write's own. */
  readonly condition: string;
  readonly names: Record<string, string>;
  readonly values: Item;
}

/** The `WriteIdUpdate` for `writeId` (its placeholders: `#recentWriteIds`, `:noWriteIds`, `:thisWriteId`, `:writeId`). */
export function appendWriteId(writeId: string): WriteIdUpdate {
  return {
    set: '#recentWriteIds = list_append(if_not_exists(#recentWriteIds, :noWriteIds), :thisWriteId)',
    condition: 'NOT contains(#recentWriteIds, :writeId)',
    names: { '#recentWriteIds': RECENT_WRITE_IDS_ATTRIBUTE },
    values: { ':noWriteIds': [], ':thisWriteId': [writeId], ':writeId': writeId },
  };
}

/** The item's recent writeIds (oldest first); empty when the attribute is absent or malformed. */
export function recentWriteIds(item: Item | undefined): string[] {
  const recent = item?.[RECENT_WRITE_IDS_ATTRIBUTE];
  return Array.isArray(recent) ? recent.filter((entry): entry is string => typeof entry === 'string') : [];
}

/**
 * How many updates reached `item` after the one that appended `writeId` (0: it was the latest);
 * undefined when `writeId` is not among the item's recent writeIds. Trims drop the oldest
 * entries only, so the distance from the end is exact whatever was trimmed.
 */
export function updatesAfter(item: Item | undefined, writeId: string): number | undefined {
  const recent = recentWriteIds(item);
  const index = recent.lastIndexOf(writeId);
  return index < 0 ? undefined : recent.length - 1 - index;
}

/**
 * Keeps the item's recent list bounded: once it holds `2 × RECENT_WRITE_IDS_KEPT` ids (as seen in
 * `item`, the write's returned attributes), removes all but the newest `RECENT_WRITE_IDS_KEPT`,
 * on condition that the oldest is still the one seen, so of several concurrent trimmers one wins.
 * Housekeeping only: it never throws — the write it follows has succeeded, and an unsuccessful
 * trim is retried by the next write past the threshold.
 */
export async function trimRecentWriteIds(
  client: DynamoDBDocumentClient,
  tableName: string,
  key: Item,
  item: Item | undefined,
): Promise<void> {
  const recent = recentWriteIds(item);
  const oldest = recent[0];
  if (recent.length < 2 * RECENT_WRITE_IDS_KEPT || oldest === undefined) return;
  const removed = recent.length - RECENT_WRITE_IDS_KEPT;
  // Highest index first: DynamoDB resolves every index against the list before the update, while
  // dynalite removes them one after another; in descending order both remove the same elements.
  const paths = Array.from({ length: removed }, (_, offset) => `#recentWriteIds[${removed - 1 - offset}]`);
  try {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: key,
        UpdateExpression: `REMOVE ${paths.join(', ')}`,
        ConditionExpression: '#recentWriteIds[0] = :oldest',
        ExpressionAttributeNames: { '#recentWriteIds': RECENT_WRITE_IDS_ATTRIBUTE },
        ExpressionAttributeValues: { ':oldest': oldest },
      }),
    );
  } catch {
    // Deliberately ignored (see above): a lost trim costs a few hundred bytes until the next one.
  }
}

/** Matched by name, not class: the error may come from another copy of the SDK (ESM and CJS builds). */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
