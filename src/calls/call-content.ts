import { CallRules } from './call-rules';

/** What a call says; what a published version freezes. */
export interface CallContent {
  measureCode: string;
  technologyArea: string;
  title: { nb: string; nn: string };
  text: { nb: string; nn: string };
  budgetOre: number;
  opensAt: string;
  closesAt: string;
  rules: CallRules;
}
