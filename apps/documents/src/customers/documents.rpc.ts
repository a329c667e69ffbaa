import { Controller } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { DataSource } from 'typeorm';
import {
  DOCUMENTS_RPC,
  type CustomerDocumentsReply,
  type CustomerDocumentsRequest,
  type DocumentsSearchReply,
  type DocumentsSearchRequest,
} from '@crm/contracts';
import { isUuid } from '@crm/persistence';
import { SearchService } from '../search/search.service';

/** Request-reply for the gateway: the customer 360's documents part and the global search's document hits. */
@Controller()
export class DocumentsRpc {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly searchService: SearchService,
  ) {}

  @MessagePattern(DOCUMENTS_RPC.customerDocuments)
  async customerDocuments(@Payload() payload: CustomerDocumentsRequest): Promise<CustomerDocumentsReply> {
    if (!payload || typeof payload.contactId !== 'string' || !isUuid(payload.contactId)) return { items: [], total: 0 };
    const limit = Math.min(Math.max(Number(payload.limit) || 10, 1), 50);
    const rows: {
      id: string;
      title: string;
      type: string;
      tags: string[];
      file_name: string | null;
      media_type: string | null;
      size: string | null;
      updated_at: Date;
      total: number;
    }[] = await this.dataSource.query(
      `SELECT d.id, d.title, d.type, d.tags, v.file_name, v.media_type, v.size, d.updated_at,
              count(*) OVER ()::int AS total
         FROM document_links l JOIN documents d ON d.id = l.document_id
         LEFT JOIN document_versions v ON v.id = d.current_version_id
        WHERE l.record_kind = 'contact' AND l.record_id = $1
        ORDER BY d.updated_at DESC, d.id DESC LIMIT $2`,
      [payload.contactId, limit],
    );
    return {
      items: rows.map((r) => ({
        id: r.id,
        title: r.title,
        type: r.type,
        tags: r.tags,
        fileName: r.file_name,
        mediaType: r.media_type,
        size: r.size === null ? null : Number(r.size),
        updatedAt: r.updated_at.toISOString(),
      })),
      total: rows[0]?.total ?? 0,
    };
  }

  @MessagePattern(DOCUMENTS_RPC.search)
  async search(@Payload() payload: DocumentsSearchRequest): Promise<DocumentsSearchReply> {
    const q = typeof payload?.q === 'string' ? payload.q.trim().slice(0, 500) : '';
    if (!q || q.includes('\u0000')) return { hits: [] };
    const limit = Math.min(Math.max(Number(payload.limit) || 10, 1), 50);
    try {
      const page = await this.searchService.search({ q, limit });
      return {
        hits: page.items.map((h) => ({
          kind: 'document' as const,
          id: h.id,
          title: h.title,
          subtitle: h.snippet,
          type: h.type,
          rank: h.rank,
        })),
      };
    } catch {
      return { hits: [] };
    }
  }
}
