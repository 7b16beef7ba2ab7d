import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { AppConfig, ConfigError } from './config/app-config';

/** A process that only consumes queues (notifications, reminders); scale it apart from the API. */
async function main() {
  let config: AppConfig;
  try {
    config = new AppConfig(process.env, { role: 'worker' });
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(78);
    }
    throw e;
  }
  if (!config.redisUrl) console.warn('No REDIS_URL: a separate worker shares nothing with the API process; use Redis to split them.');
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { bufferLogs: true });
  // the buffered start-up logs and everything after go through pino, as in the API process (without this a worker
  // logged nothing at all)
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  console.log('Helseteknologiordningen worker started');
}

void main();
