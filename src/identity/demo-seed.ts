import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { hashPassword } from './passwords';
import { Role } from '../common/roles';

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
    const existing: Array<{ email: string }> = await this.dataSource.query(`SELECT email FROM app_user WHERE email = ANY($1)`, [
      DEMO_USERS.map((u) => u.email),
    ]);
    const missing = DEMO_USERS.filter((u) => !existing.some((e) => e.email === u.email));
    if (missing.length) {
      const hash = await hashPassword(this.config.demoPassword);
      await this.dataSource.transaction(async (m) => {
        for (const u of missing) {
          const [row] = await m.query(
            `INSERT INTO app_user (email, display_name, roles) VALUES ($1, $2, $3) ON CONFLICT (email) DO NOTHING RETURNING id`,
            [u.email, u.name, u.roles],
          );
          if (!row) continue;
          await m.query(`INSERT INTO user_credential (user_id, kind, secret_hash) VALUES ($1, 'password', $2)`, [row.id, hash]);
          if (u.municipality) {
            await m.query(
              `INSERT INTO user_organisation (user_id, organisation_id)
               SELECT $1, id FROM organisation WHERE municipality_number = $2`,
              [row.id, u.municipality],
            );
          }
        }
      });
    }
    this.logger.warn(
      `demo users are enabled (${DEMO_USERS.map((u) => u.email).join(', ')}); password from DEMO_PASSWORD (default "${DEFAULT_DEMO_PASSWORD}")`,
    );
  }
}
