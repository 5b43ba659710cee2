import { runServiceMain } from '@express-quote/service-kit';
import { DocumentsConfigSchema } from './config.ts';
import { startDocumentsService } from './service.ts';

await runServiceMain({ name: 'documents', schema: DocumentsConfigSchema, start: startDocumentsService });
