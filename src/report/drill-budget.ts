/**
 * How many results of each group (SUT × category) the report's drill-down shows when a run is
 * too large to show them all: a browser needs about 3 s for 5,000 rendered results and 90 s for
 * 50,000 (Chromium, 2 cores), so a large run's report shows the results that matter first and
 * leaves the rest to results.jsonl.
 */

/** What one group holds: results that need a look (see isNotable) and the others. */
export interface GroupDemand {
  notable: number;
  plain: number;
}

/** Results shown per group: notable ones first, then plain ones, each pass shared evenly among the groups. */
export interface GroupQuota {
  notable: number;
  plain: number;
}

/**
 * Splits `budget` among `demands` as evenly as possible: no share exceeds its demand, and what a
 * small group does not need goes to the larger ones (water-filling). Shares sum to
 * min(budget, Σ demands).
 */
export function fairShares(demands: readonly number[], budget: number): number[] {
  const shares = demands.map(() => 0);
  const order = demands.map((_, i) => i).sort((a, b) => demands[a]! - demands[b]!);
  let left = Math.max(0, Math.floor(budget));
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const share = Math.min(demands[i]!, Math.floor(left / (order.length - k)));
    shares[i] = share;
    left -= share;
  }
  // Rounding down can leave a few over: give them, one each, to groups that still want more.
  for (let i = 0; i < shares.length && left > 0; i++) {
    if (shares[i]! < demands[i]!) {
      shares[i]!++;
      left--;
    }
  }
  return shares;
}

/** `maxItems` 0 (or less) means no limit. */
export function drillDownQuotas(groups: readonly GroupDemand[], maxItems: number): GroupQuota[] {
  if (maxItems <= 0) return groups.map((g) => ({ ...g }));
  const notable = fairShares(groups.map((g) => g.notable), maxItems);
  const rest = maxItems - notable.reduce((a, b) => a + b, 0);
  const plain = fairShares(groups.map((g) => g.plain), rest);
  return groups.map((_, i) => ({ notable: notable[i]!, plain: plain[i]! }));
}
