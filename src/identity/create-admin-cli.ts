/**
 * Creates the first administrator of a production installation (demo users are never seeded there):
 *   ADMIN_PASSWORD=… npm run user:create-admin -- admin@direktoratet.no "Navn Navnesen"
 * The password comes from ADMIN_PASSWORD or standard input, never from the command line (shell history, ps).
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { AppModule } from '../app.module';
import { AppConfig } from '../config/app-config';
import { isKnownDefaultSecret } from '../config/secret-policy';
import { CreateUserDto } from './dto/users.dto';
import { UsersService } from './users.service';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  let s = '';
  for await (const chunk of process.stdin) s += chunk;
  return s.trim();
}

async function main() {
  const [email, ...name] = process.argv.slice(2);
  if (!email || !name.length) throw new Error('usage: user:create-admin -- EMAIL "DISPLAY NAME"  (password in ADMIN_PASSWORD or on stdin)');
  const password = process.env.ADMIN_PASSWORD || (await readStdin());
  if (!password) throw new Error('set ADMIN_PASSWORD or pipe the password on standard input');
  if (isKnownDefaultSecret(password)) throw new Error('that password is written in the repository, which anyone can read; choose another');
  // the same rules as POST /users (e-mail form, password length)
  const dto = plainToInstance(CreateUserDto, { email, displayName: name.join(' '), roles: ['admin'], password });
  const problems = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (problems.length) throw new Error(problems.flatMap((p) => Object.values(p.constraints ?? {})).join('; '));
  const config = new AppConfig({ ...process.env, SEED_DEMO: 'false', LOG_LEVEL: 'warn' }, { role: 'api' });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['error', 'warn'] });
  try {
    const user = await app.get(UsersService).create(dto);
    console.log(`created admin ${user.email} (${user.id})`);
  } finally {
    await app.close();
  }
}

main().catch((e) => {
  const detail = (e as { getResponse?: () => { detail?: string; errors?: unknown } }).getResponse?.();
  console.error(detail ? `${detail.detail ?? ''} ${JSON.stringify(detail.errors ?? '')}` : (e as Error).message);
  process.exit(1);
});
