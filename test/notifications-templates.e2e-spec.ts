import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppModule } from '../src/app.module';
import { AppConfig } from '../src/config/app-config';
import { NotificationService } from '../src/notifications/notification.service';

@Injectable()
class CarelessEvents implements OnModuleInit {
  constructor(private readonly notifications: NotificationService) {}
  onModuleInit() {
    this.notifications.define({
      event: 'grant.paid',
      template: 'grant-paid-nowhere',
      mandatory: true,
      variables: ['amount'],
      resolve: async () => ({ amount: 1 }),
    });
    this.notifications.define({
      event: 'report.due',
      template: 'deadline-reminder',
      mandatory: false,
      variables: ['title', 'deadline', 'daysLeft', 'caseNumber'],
      resolve: async () => null,
    });
  }
}

@Module({ providers: [CarelessEvents] })
class CarelessModule {}

describe('notifications: template check at start-up', () => {
  it('refuses to start when an event has no templates or declares variables the templates do not use', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hto-test-'));
    const config = new AppConfig({
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      PGLITE_DIR: 'memory://',
      JWT_SECRET: 'test-secret-that-is-long-enough-0123456789',
      LOG_LEVEL: 'silent',
    });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config), CarelessModule] }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    try {
      const started = app.init();
      await expect(started).rejects.toThrow(/Mail templates do not match the notification events/);
      const message = await started.catch((e: Error) => e.message);
      expect(message).toMatch(/grant\.paid: .*grant-paid-nowhere\.nb\.hbs is missing/);
      expect(message).toMatch(/grant\.paid: .*grant-paid-nowhere\.nn\.hbs is missing/);
      expect(message).toMatch(/report\.due: .*deadline-reminder\.nb\.hbs does not use declared variable\(s\) "caseNumber"/);
    } finally {
      await app.close().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
