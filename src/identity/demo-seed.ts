import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { hashPassword } from './passwords';
import { Role } from '../common/roles';
import { bindMunicipality, existingEmails, insertUser, setPasswordHash } from './identity.queries';

export const DEMO_USERS: Array<{ email: string; name: string; roles: Role[]; municipality?: string }> = [
  { email: 'admin@demo.local', name: 'Demo Admin', roles: ['admin'] },
  { email: 'officer@demo.local', name: 'Siri Saksbehandler', roles: ['officer'] },
  { email: 'approver@demo.local', name: 'Leif Leder', roles: ['approver'] },
  { email: 'assessor@demo.local', name: 'Frida Fagkyndig', roles: ['assessor'] },
  { email: 'assessor2@demo.local', name: 'Finn Fagkyndig', roles: ['assessor'] },
  { email: 'evaluator@demo.local', name: 'Eva Evaluator', roles: ['evaluator'] },
  { email: 'auditor@demo.local', name: 'Rolf Revisor', roles: ['auditor'] },
  { email: 'applicant@demo.local', name: 'Berit Bergen', roles: ['applicant'], municipality: '4601' },
  { email: 'applicant2@demo.local', name: 'Ola Oslo', roles: ['applicant'], municipality: '0301' },
];

export const DEFAULT_DEMO_PASSWORD = 'demo-passord-2024';

/** Demo users for the embedded default and SEED_DEMO=true; never in production (config refuses it). */
@Injectable()
export class DemoSeeder {
  private readonly logger = new Logger('DemoSeed');
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async seed(): Promise<void> {
    if (!this.config.seedDemo) return;
    const existing = await existingEmails(
      this.dataSource.manager,
      DEMO_USERS.map((u) => u.email),
    );
    const missing = DEMO_USERS.filter((u) => !existing.includes(u.email));
    if (missing.length) {
      const hash = await hashPassword(this.config.demoPassword);
      await this.dataSource.transaction(async (m) => {
        for (const u of missing) {
          // ON CONFLICT: another process starting on the same database may have seeded the user meanwhile
          const userId = await insertUser(m, { email: u.email, displayName: u.name, roles: u.roles, preferredLanguage: null });
          if (!userId) continue;
          await setPasswordHash(m, userId, hash);
          if (u.municipality) await bindMunicipality(m, userId, u.municipality);
        }
      });
    }
    this.logger.warn(
      `demo users are enabled (${DEMO_USERS.map((u) => u.email).join(', ')}); password from DEMO_PASSWORD (default "${DEFAULT_DEMO_PASSWORD}")`,
    );
  }
}
