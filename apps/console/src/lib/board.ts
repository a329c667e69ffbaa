/** Money in minor units as a person reads it. */
export function money(minor: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(minor / 100);
  } catch {
    return `${(minor / 100).toFixed(2)} ${currency}`;
  }
}

export interface BoardCard {
  id: string;
  version: number;
}
export interface BoardColumn<C extends BoardCard> {
  stage: { id: string };
  count: number;
  deals: C[];
}

/** The board with a card moved to another stage at once (the server's answer replaces it). */
export function moveCard<C extends BoardCard, Col extends BoardColumn<C>>(
  columns: Col[],
  dealId: string,
  toStageId: string,
): Col[] {
  const card = columns.flatMap((c) => c.deals).find((d) => d.id === dealId);
  if (!card) return columns;
  return columns.map((c) => {
    const without = c.deals.filter((d) => d.id !== dealId);
    const had = without.length !== c.deals.length;
    if (c.stage.id === toStageId)
      return { ...c, count: c.count + (had ? 0 : 1), deals: had ? c.deals : [card, ...c.deals] };
    return had ? { ...c, count: c.count - 1, deals: without } : c;
  });
}

/**
 * The board as the person expects it: the server's columns with the moves still in flight applied
 * over them, so an answer that was on its way before a move cannot put the card back.
 */
export function withPendingMoves<C extends BoardCard, Col extends BoardColumn<C>>(
  columns: Col[],
  pending: Readonly<Record<string, string>>,
): Col[] {
  return Object.entries(pending).reduce((cols, [dealId, stageId]) => moveCard(cols, dealId, stageId), columns);
}

/** The stage a card's "Move to" shows: the person's choice while it is still a move, else the first other stage. */
export function moveChoice(chosen: string | undefined, current: string, stages: { id: string }[]): string {
  const others = stages.filter((s) => s.id !== current);
  return others.some((s) => s.id === chosen) ? (chosen as string) : (others[0]?.id ?? '');
}
