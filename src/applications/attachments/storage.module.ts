import { Module } from '@nestjs/common';
import { join } from 'node:path';
import { AppConfig } from '../../config/app-config';
import { FileStorage, LocalFileStorage } from './file-storage';

/** The file storage port, bound to DATA_DIR/uploads; one instance shared by the upload parser and the service. */
@Module({
  providers: [
    { provide: FileStorage, inject: [AppConfig], useFactory: (c: AppConfig) => new LocalFileStorage(join(c.dataDir, 'uploads')) },
  ],
  exports: [FileStorage],
})
export class AttachmentStorageModule {}
