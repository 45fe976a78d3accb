/**
 * `BudgetLedger` as ONE item (`PK = BUDGET`, `SK = LEDGER`) holding integer micro-dollars committed
 * per component and in total. dynalite has no transactions and a condition cannot add attributes,
 * so both amounts live in the same item and a reservation is a single conditional UpdateItem:
 *
 *   ADD committedTotal :c, committed_X :c
 *   IF (committedTotal absent OR committedTotal ≤ totalCap − c) AND (committed_X absent OR committed_X ≤ capX − c)
 *
 * DynamoDB applies an item's conditional update atomically, so any number of concurrent
 * invocations can never commit past either cap. `settle` then ADDs (actual − reserved), which is
 * ≤ 0 when the reservation was a true worst case.
 *
 * `reserve` and `settle` carry a per-call writeId (write-id.ts) appended to the ledger's
 * `recentWriteIds` in the same UpdateItem, with `NOT contains(recentWriteIds, writeId)` in the
 * condition: an SDK retry of an applied ADD fails instead of committing twice, and reading the
 * writeId back reports the call as done (never `refused` for a reservation that was committed).
 */
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InfrastructureError } from '../../app/errors.ts';
import type {
  BudgetLedger,
  LedgerComponentState,
  LedgerSnapshot,
  ReserveResult,
} from '../../app/ports/budget-ledger.ts';
import type { ModelUsage } from '../../app/ports/reasoner.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { AgentSortKey, BUDGET_PARTITION } from './agent-table-keys.ts';
import { TableKey } from './table-definition.ts';
import {
  appendWriteId,
  isConditionFailure,
  randomWriteId,
  recentWriteIds,
  trimRecentWriteIds,
  type NewWriteId,
} from './write-id.ts';

const COMPONENT_PATTERN = /^[a-z][a-z_]{0,47}$/;
const TOTAL = 'committedTotal';
const Prefix = {
  committed: 'committed_',
  calls: 'calls_',
  inputTokens: 'inputTokens_',
  outputTokens: 'outputTokens_',
} as const;

function requireComponent(component: string): void {
  if (!COMPONENT_PATTERN.test(component))
    throw new InvalidInputError(`invalid budget component '${component.slice(0, 64)}'`);
}

function requireMicroUsd(name: string, value: number, allowNegative: boolean): void {
  if (!Number.isSafeInteger(value) || (!allowNegative && value < 0)) {
    throw new InvalidInputError(
      `${name} = ${value}; expected a whole number of micro-dollars${allowNegative ? '' : ' ≥ 0'}`,
    );
  }
}

export class DynamoBudgetLedger implements BudgetLedger {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #key = { [TableKey.partition]: BUDGET_PARTITION, [TableKey.sort]: AgentSortKey.ledger };
  readonly #newWriteId: NewWriteId;

  /** `newWriteId`: a fresh id per `reserve`/`settle` call (default `randomWriteId`); tests inject fixed ids. */
  constructor(options: {
    readonly client: DynamoDBDocumentClient;
    readonly tableName: string;
    readonly newWriteId?: NewWriteId;
  }) {
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#newWriteId = options.newWriteId ?? randomWriteId;
  }

  async reserve(
    component: string,
    microUsd: number,
    caps: { readonly componentMicroUsd: number; readonly totalMicroUsd: number },
  ): Promise<ReserveResult> {
    requireComponent(component);
    requireMicroUsd('reservation', microUsd, false);
    requireMicroUsd('component cap', caps.componentMicroUsd, false);
    requireMicroUsd('total cap', caps.totalMicroUsd, false);
    // A reservation larger than a cap can never fit; refuse it before the `attribute_not_exists`
    // branch of the condition (an empty ledger) could let it through.
    if (microUsd > caps.componentMicroUsd || microUsd > caps.totalMicroUsd)
      return this.#refused(component, await this.#read());
    const applied = await this.#updateOnce(
      'ADD #total :amount, #component :amount',
      '(attribute_not_exists(#total) OR #total <= :totalRoom) AND (attribute_not_exists(#component) OR #component <= :componentRoom)',
      { '#total': TOTAL, '#component': `${Prefix.committed}${component}` },
      {
        ':amount': microUsd,
        ':totalRoom': caps.totalMicroUsd - microUsd,
        ':componentRoom': caps.componentMicroUsd - microUsd,
      },
    );
    return applied.written ? { status: 'reserved' } : this.#refused(component, applied.item);
  }

  async settle(component: string, deltaMicroUsd: number, usage: ModelUsage): Promise<void> {
    requireComponent(component);
    requireMicroUsd('settlement', deltaMicroUsd, true);
    const applied = await this.#updateOnce(
      'ADD #total :delta, #component :delta, #calls :one, #input :input, #output :output',
      undefined,
      {
        '#total': TOTAL,
        '#component': `${Prefix.committed}${component}`,
        '#calls': `${Prefix.calls}${component}`,
        '#input': `${Prefix.inputTokens}${component}`,
        '#output': `${Prefix.outputTokens}${component}`,
      },
      { ':delta': deltaMicroUsd, ':one': 1, ':input': usage.inputTokens, ':output': usage.outputTokens },
    );
    // A settlement has no condition of its own: only its writeId can refuse it, and then it is listed.
    if (!applied.written)
      throw new InfrastructureError(`budget ledger refused settlement of '${component}' without listing its write`);
  }

  async countCacheLookup(hit: boolean): Promise<void> {
    await this.#update('ADD #counter :one', { '#counter': hit ? 'cacheHits' : 'cacheMisses' }, { ':one': 1 });
  }

  async snapshot(): Promise<LedgerSnapshot> {
    return snapshotOf(await this.#read());
  }

  #refused(component: string, item: Record<string, unknown> | undefined): ReserveResult {
    const snapshot = snapshotOf(item);
    return {
      status: 'refused',
      committedMicroUsd: snapshot.components[component]?.committedMicroUsd ?? 0,
      committedTotalMicroUsd: snapshot.committedTotalMicroUsd,
    };
  }

  /** Consistent read of the ledger item (undefined before its first write). */
  async #read(): Promise<Record<string, unknown> | undefined> {
    try {
      return (
        await this.#client.send(new GetCommand({ TableName: this.#tableName, Key: this.#key, ConsistentRead: true }))
      ).Item;
    } catch (error) {
      throw this.#infrastructure('GetItem', error);
    }
  }

  /**
   * One UpdateItem `SET recentWriteIds … <action>` under `condition AND NOT contains(recentWriteIds,
   * writeId)` with a fresh writeId. `written`: applied, by this attempt or (read back after a
   * condition failure) by an earlier attempt whose response was lost; otherwise `item` is the
   * ledger as read after the refusal.
   */
  async #updateOnce(
    action: string,
    condition: string | undefined,
    names: Record<string, string>,
    values: Record<string, number>,
  ): Promise<{ written: true } | { written: false; item: Record<string, unknown> | undefined }> {
    const writeId = this.#newWriteId();
    const once = appendWriteId(writeId);
    let updated: Record<string, unknown> | undefined;
    try {
      const response = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: this.#key,
          UpdateExpression: `SET ${once.set} ${action}`,
          ConditionExpression: condition === undefined ? once.condition : `${condition} AND ${once.condition}`,
          ExpressionAttributeNames: { ...names, ...once.names },
          ExpressionAttributeValues: { ...values, ...once.values },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      updated = response.Attributes;
    } catch (error) {
      if (!isConditionFailure(error)) throw this.#infrastructure('UpdateItem', error);
      const item = await this.#read();
      return recentWriteIds(item).includes(writeId) ? { written: true } : { written: false, item };
    }
    await trimRecentWriteIds(this.#client, this.#tableName, this.#key, updated);
    return { written: true };
  }

  async #update(expression: string, names: Record<string, string>, values: Record<string, number>): Promise<void> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: this.#key,
          UpdateExpression: expression,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      throw this.#infrastructure('UpdateItem', error);
    }
  }

  #infrastructure(operation: string, cause: unknown): InfrastructureError {
    return new InfrastructureError(
      `DynamoDB ${operation} on table '${this.#tableName}' (budget ledger) failed: ${cause instanceof Error ? cause.name : 'unknown error'}`,
      { cause },
    );
  }
}

/** The ledger's totals from its item (all zero before the first write). */
function snapshotOf(item: Record<string, unknown> = {}): LedgerSnapshot {
  const numberAt = (name: string): number => (typeof item[name] === 'number' ? item[name] : 0);
  const components: Record<string, LedgerComponentState> = {};
  for (const name of Object.keys(item)) {
    if (!name.startsWith(Prefix.committed)) continue;
    const component = name.slice(Prefix.committed.length);
    components[component] = {
      committedMicroUsd: numberAt(name),
      calls: numberAt(`${Prefix.calls}${component}`),
      inputTokens: numberAt(`${Prefix.inputTokens}${component}`),
      outputTokens: numberAt(`${Prefix.outputTokens}${component}`),
    };
  }
  return {
    committedTotalMicroUsd: numberAt(TOTAL),
    components,
    cacheHits: numberAt('cacheHits'),
    cacheMisses: numberAt('cacheMisses'),
  };
}
