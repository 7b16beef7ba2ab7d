import { DynamicModule, Module, OnApplicationBootstrap } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from './audit/audit.module';
import { CommonModule } from './common/common.module';
import { CONSTRAINT_PROBLEMS } from './common/problem';
import { ProblemDetailsFilter } from './common/problem.filter';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { MetricsModule } from './metrics/metrics.module';
import { HealthModule } from './health/health.module';
import { DemoSeeder } from './identity/demo-seed';
import { IdentityModule } from './identity/identity.module';
import { MailModule } from './mail/mail.module';
import { NotificationsModule } from './notifications/notifications.module';
import { OrganisationConstraints } from './organisations/organisations.errors';
import { OrganisationsModule } from './organisations/organisations.module';
import { CallConstraints } from './calls/calls.errors';
import { CallsModule } from './calls/calls.module';
import { ApplicationConstraints } from './applications/applications.errors';
import { ApplicationsModule } from './applications/applications.module';
import { CasesModule } from './cases/cases.module';
import { AssessmentModule } from './assessment/assessment.module';
import { GrantsModule } from './grants/grants.module';
import { DecisionsModule } from './decisions/decisions.module';
import { PublicModule } from './insights/public/public.module';
import { InsightsModule } from './insights/insights.module';
import { QueueModule } from './queue/queue.module';
import { StorageModule } from './storage/storage.module';
import { TemplatesModule } from './templates/templates.module';
import { WorkflowModule } from './workflow/workflow.module';

@Module({})
export class AppModule implements OnApplicationBootstrap {
  constructor(private readonly seeder: DemoSeeder) {}

  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            genReqId: (req) => (req as { id?: string }).id ?? 'unknown',
            // secrets never reach the log: auth headers, cookies, and any body field that looks like one
            redact: {
              paths: [
                'req.headers.authorization',
                'req.headers.cookie',
                'res.headers["set-cookie"]',
                'password',
                'token',
                'refreshToken',
                'accessToken',
                '*.password',
                '*.refreshToken',
                '*.token',
                '*.accessToken',
              ],
              censor: '[REDACTED]',
            },
            customProps: () => ({ service: 'helseteknologiordningen' }),
            autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health/') },
          },
        }),
        CommonModule,
        DatabaseModule,
        QueueModule,
        MailModule,
        StorageModule,
        TemplatesModule,
        AuditModule,
        WorkflowModule,
        IdentityModule,
        HealthModule,
        MetricsModule,
        NotificationsModule,
        OrganisationsModule,
        CallsModule,
        ApplicationsModule,
        AssessmentModule,
        GrantsModule,
        DecisionsModule,
        CasesModule,
        PublicModule,
        InsightsModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        // each module's database checks a request can reach, named by field (see ConstraintProblems)
        { provide: CONSTRAINT_PROBLEMS, useValue: { ...OrganisationConstraints, ...CallConstraints, ...ApplicationConstraints } },
      ],
    };
  }

  async onApplicationBootstrap() {
    await this.seeder.seed();
  }
}
