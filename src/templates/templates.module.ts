import { Global, Module } from '@nestjs/common';
import { join } from 'node:path';
import { projectRoot } from '../config/project-root';
import { TemplateRenderer } from './template-renderer';

/** The template renderer over templates/ (mail/ and letters/), shared by every module that writes to people. */
@Global()
@Module({
  providers: [{ provide: TemplateRenderer, useFactory: () => new TemplateRenderer(join(projectRoot(), 'templates')) }],
  exports: [TemplateRenderer],
})
export class TemplatesModule {}
