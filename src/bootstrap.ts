import { INestApplication, RequestMethod } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import { requestContext } from './common/request-context';
import { MetricsService } from './metrics/metrics.service';
import { validationPipe } from './common/validation';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,100}$/;

/** Everything an HTTP app needs beyond its modules; shared by main.ts and the test app factory. */
export function configureApp(app: INestApplication): INestApplication {
  const express = app as NestExpressApplication;
  express.set('trust proxy', 'loopback');
  express.disable('x-powered-by');
  express.useLogger(app.get(Logger));
  // the request id comes first: a body the parser refuses (malformed, `null`, too large) is answered with it too
  app.use((req: Request & { id?: string }, res: Response, next: NextFunction) => {
    const incoming = req.header('x-request-id');
    req.id = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', req.id);
    requestContext.run({ requestId: req.id, clientAddress: req.ip }, () => next());
  });
  // request counts and latency per route for /metrics, measured from here to the response sent
  app.use(app.get(MetricsService).middleware());
  express.useBodyParser('json', { limit: '1mb' });
  app.setGlobalPrefix('api/v1', {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(validationPipe());
  app.enableShutdownHooks();

  const doc = new DocumentBuilder()
    .setTitle('Helseteknologiordningen API')
    .setDescription(
      'Case management for Helseteknologiordningen: calls, consortia, applications to the formal check, identity, audit and notifications. ' +
        'Sign in at POST /auth/login and send the access token as `Authorization: Bearer …` (routes without a lock are public). ' +
        'Money is whole øre (integers). Errors are RFC 9457 problem details with a stable `code`. Lists take `limit` (≤ 100) and `cursor`, and return `{ items, nextCursor }`.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  // built on the first request for it, not at every start (scanning every route and DTO takes a good part of a second)
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, doc), {
    jsonDocumentUrl: 'api/docs-json',
    useGlobalPrefix: false,
  });
  return app;
}
