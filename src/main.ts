import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { configureApp } from './bootstrap';
import { AppConfig, ConfigError } from './config/app-config';
import { DEFAULT_DEMO_PASSWORD, DEMO_USERS } from './identity/demo-seed';

async function main() {
  let config: AppConfig;
  try {
    config = new AppConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
  if (!config.runApi) {
    console.error('PROCESS_ROLE=worker: start the worker with `npm run start:worker`');
    process.exit(78);
  }
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { bufferLogs: true });
  configureApp(app);
  await app.listen(config.port);
  const mode = [
    config.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${config.dataDir}/pglite`,
    config.redisUrl ? 'Bull on Redis' : 'in-process queue',
    config.smtpUrl ? 'SMTP mail' : `mail as files in ${config.dataDir}/outbox`,
    config.runWorker ? 'worker in this process' : 'API only',
  ].join(', ');
  console.log(`Helseteknologiordningen listening on http://localhost:${config.port} (${mode}); API docs at /api/docs`);
  if (config.seedDemo) {
    // the documented default may be printed; a password someone chose goes to no log
    const password = config.demoPassword === DEFAULT_DEMO_PASSWORD ? `"${DEFAULT_DEMO_PASSWORD}"` : 'the one in DEMO_PASSWORD';
    console.log(
      `Demo users enabled (password ${password}):\n${DEMO_USERS.map((u) => `  ${u.email.padEnd(24)} ${u.roles.join(', ')}${u.municipality ? ` (kommune ${u.municipality})` : ''}`).join('\n')}`,
    );
  }
}

void main();
