import { Global, Module } from '@nestjs/common';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { LocalFileStorage } from './local-file-storage.driver';
import { FileStorage } from './storage.port';

/** The file storage port, bound to DATA_DIR/uploads; one instance shared by every module that keeps files. */
@Global()
@Module({
  providers: [
    { provide: FileStorage, inject: [AppConfig], useFactory: (c: AppConfig) => new LocalFileStorage(join(c.dataDir, 'uploads')) },
  ],
  exports: [FileStorage],
})
export class StorageModule {}
