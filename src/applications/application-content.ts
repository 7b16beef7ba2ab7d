import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit/canonical-json';
import { DecimalString } from '../common/decimal';
import { MemberStatus } from '../organisations/entities/consortium.entity';

/**
 * Everything an application says, as validated and as frozen at submission: the same shape in GET, in
 * /validation's hash and in the submitted version, so "what was validated" and "what was submitted" compare.
 */
export interface ApplicationContent {
  call: { id: string; version: number; measureCode: string; title: { nb: string; nn: string } };
  consortium: {
    id: string;
    name: string;
    leadMunicipality: string;
    members: Array<{
      organisationId: string;
      kind: string;
      name: string;
      municipalityNumber: string | null;
      healthRegion: string | null;
      writtenLanguage: string | null;
      lead: boolean;
      /** The member's consent when this was read; absent in versions frozen before consent was recorded. */
      status?: MemberStatus;
    }>;
  };
  title: string;
  description: string | null;
  purpose: string | null;
  projectStart: string | null;
  projectEnd: string | null;
  serviceAreas: string[];
  /** `id` is missing only in versions frozen before budget lines kept their ids (their rows in submitted_budget_line have one). */
  budgetLines: Array<{ id?: string; costCategory: string; description: string; year: number; amountOre: number }>;
  requestedAmountOre: number | null;
  ownContributionOre: number | null;
  otherPublicFunding: { declared: boolean | null; items: Array<{ source: string; description: string | null; amountOre: number }> };
  confirmations: string[];
  benefitPlan: {
    indicators: Array<{
      id: string;
      name: string;
      unit: string;
      actor: string;
      kind: string;
      method: string;
      /**
       * Exact decimals as canonical strings ("12.5"); versions frozen before that hold the JSON number they were sent
       * as. submitted_indicator has both as numeric.
       */
      baselineValue: DecimalString | number | null;
      baselineDate: string | null;
      targetValue: DecimalString | number | null;
      targetYear: number | null;
      priceYear: number | null;
    }>;
  };
  contactPersons: Array<{ name: string; email: string; phone: string | null; role: string | null }>;
  attachments: Array<{ id: string; filename: string; fileType: string; contentType: string; sizeBytes: number; sha256: string }>;
}

export function contentSha256(c: ApplicationContent): string {
  return createHash('sha256').update(canonicalJson(c)).digest('hex');
}

/** The content without personal data: the contact persons (names, e-mail addresses, phone numbers) are left out. */
export function withoutPersonalData(c: ApplicationContent): ApplicationContent {
  return { ...c, contactPersons: [] };
}
