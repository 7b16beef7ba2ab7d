import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { FileMailDriver } from './file-mail.driver';
import { MailPort } from './mail.port';
import { SmtpMailDriver } from './smtp-mail.driver';

@Global()
@Module({
  providers: [
    {
      provide: MailPort,
      inject: [AppConfig],
      useFactory: async (c: AppConfig): Promise<MailPort> => {
        if (c.smtpUrl) return new SmtpMailDriver(c.smtpUrl, c.mailFrom);
        const files = new FileMailDriver(join(c.dataDir, 'outbox'), c.mailFrom);
        await files.removeLeftovers();
        return files;
      },
    },
  ],
  exports: [MailPort],
})
export class MailModule implements OnApplicationShutdown {
  constructor(@Inject(MailPort) private readonly mail: MailPort) {}
  async onApplicationShutdown() {
    await this.mail.close();
  }
}
