import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { WorkflowEngine } from '../workflow/workflow';
import { AppConfig } from '../config/app-config';
import { demoRules } from './call-rules';
import { CallWorkflow } from './call.workflow';
import { callContent } from './calls.service';
import { Clock } from '../common/clock';
import { Call } from './entities/call.entity';
import { storeCallVersion } from './cost-categories.queries';
import { seedDemoDirectAllocations } from './calls.queries';
import { osloYear, parseOsloDateTime } from '../common/oslo-time';

/** Fixed ids make the seed idempotent: a restart (or a second process) finds the calls and leaves them (and any edits) alone. */
export const DEMO_CALL_IDS = {
  SAMORDNET_ANSKAFFELSE: '00000000-0000-4000-8000-00000000c001',
  INNFORING: '00000000-0000-4000-8000-00000000c002',
} as const;

/** Two open demo calls and KS's direct allocation, for the embedded default and SEED_DEMO=true. */
@Injectable()
export class CallsDemoSeeder {
  private readonly logger = new Logger('DemoSeed');

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly workflow: WorkflowEngine,
    private readonly clock: Clock,
  ) {}

  async seed(): Promise<void> {
    if (!this.config.seedDemo) return;
    const year = osloYear(this.clock.now());
    const at = (s: string) => (parseOsloDateTime(s) as { instant: Date }).instant;
    const calls = [
      {
        id: DEMO_CALL_IDS.SAMORDNET_ANSKAFFELSE,
        measureCode: 'SAMORDNET_ANSKAFFELSE',
        titleNb: `Samordnet anskaffelse av journalløsninger ${year}`,
        titleNn: `Samordna anskaffing av journalløysingar ${year}`,
        textNb:
          'Tilskudd til kommunesamarbeid som samordner anskaffelsen av nye journalløsninger: felles behovsbeskrivelse, leverandørdialog og konkurranse.',
        textNn:
          'Tilskot til kommunesamarbeid som samordnar anskaffinga av nye journalløysingar: felles behovsskildring, leverandørdialog og konkurranse.',
        budgetOre: 6_000_000_000,
      },
      {
        id: DEMO_CALL_IDS.INNFORING,
        measureCode: 'INNFORING',
        titleNb: `Innføring av journalløsninger ${year}`,
        titleNn: `Innføring av journalløysingar ${year}`,
        textNb:
          'Tilskudd til innføring av journalløsninger og ny samhandlingsfunksjonalitet: prosessendring, opplæring, migrering og gevinstrealisering.',
        textNn:
          'Tilskot til innføring av journalløysingar og ny samhandlingsfunksjonalitet: prosessendring, opplæring, migrering og gevinstrealisering.',
        budgetOre: 4_000_000_000,
      },
    ];
    let created = 0;
    for (const c of calls) {
      await this.dataSource.transaction(async (m) => {
        // ON CONFLICT: an API and a worker process starting together on one database both seed; the second waits, then skips
        const inserted = await m
          .createQueryBuilder()
          .insert()
          .into(Call)
          .values({
            ...c,
            technologyArea: 'JOURNAL',
            opensAt: at(`${year}-01-01T00:00`),
            closesAt: at(`${year + 1}-12-01T12:00`),
            rules: demoRules(c.measureCode),
            status: 'DRAFT',
            version: 1,
            createdBy: null,
          })
          .orIgnore()
          .returning(['id'])
          .execute();
        if (!inserted.raw.length) return;
        const call = await m.getRepository(Call).findOneByOrFail({ id: c.id });
        const now = this.clock.now();
        await this.workflow.transition(m, CallWorkflow, call.id, 'publish', 'system', {
          at: now,
          set: { published_at: now.toISOString() },
        });
        await storeCallVersion(m, { callId: call.id, version: 1, content: callContent(call) });
        created++;
      });
    }
    await seedDemoDirectAllocations(this.dataSource.manager);
    if (created) this.logger.log(`seeded ${created} demo call(s)`);
  }
}
