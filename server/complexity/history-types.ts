// Shapes shared by the history store (history.ts) and its learned estimate (history-model.ts).

export type Tier = 'small' | 'medium' | 'large';
export const TIERS: Tier[] = ['small', 'medium', 'large'];

export interface Outcome {
  tier: Tier;
  success: boolean;
}
