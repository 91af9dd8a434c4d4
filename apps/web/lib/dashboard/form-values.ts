/**
 * Typed text to request values, for forms whose fields are text boxes: a number field left empty stays
 * undefined (the API's default or "no limit" applies); text that is not a number goes as text, so the
 * API's schema names the field in its own words. Digit group separators ("1,000,000", "1_000") are
 * dropped first, as people type large budgets that way.
 */
export function numberOrText(value: string): number | string | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  const n = Number(trimmed.replace(/(?<=\d)[,_ ](?=\d{3})/g, ''));
  return Number.isFinite(n) ? n : trimmed;
}

/**
 * The fields of `body` whose values differ from `initial` (compared as JSON), for an edit form that
 * should send only what the user changed: the API treats some fields as a redeploy or an audited
 * change, so an untouched field must not travel.
 */
export function changedFields(body: Record<string, unknown>, initial: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([field, value]) => JSON.stringify(value) !== JSON.stringify(initial[field])));
}
