import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, isUuid } from '@crm/persistence';
import { unstorableText, validationFailed, type Page } from '@crm/platform';
import { addFilters, Where } from '../documents/documents.service';
import { DOCUMENTS_CONFIG, type DocumentsConfig } from '../shared/documents-config';
import { documentsError } from '../shared/documents-errors';
import type { SearchQueryDto } from '../documents/dto/document.dto';

export interface SearchHit {
  id: string;
  title: string;
  type: string;
  tags: string[];
  language: string;
  rank: number;
  /** A passage of the text (or the title) with the matches between « and ». */
  snippet: string;
  fileName: string | null;
  mediaType: string | null;
  createdAt: string;
}

/** Characters of a document's text ts_headline reads for a snippet. */
const SNIPPET_SOURCE_CHARS = 100_000;
const HEADLINE = 'StartSel=«, StopSel=», MaxWords=35, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "';

/**
 * Full-text search in Postgres: the query in web-search syntax
 * (websearch_to_tsquery: words, "phrases", or, -not) parsed in each
 * document's own language, ranked with ts_rank_cd over title, tags, file
 * name and text, with ts_headline snippets for the page's hits only.
 */
@Injectable()
export class SearchService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(DOCUMENTS_CONFIG) private readonly config: DocumentsConfig,
  ) {}

  async search(query: SearchQueryDto): Promise<Page<SearchHit>> {
    const q = query.q.trim();
    const bad = unstorableText(q);
    if (bad) throw validationFailed([{ field: 'q', message: bad }]);
    const limit = query.limit ?? 20;
    const w = new Where();
    const qp = w.param(q);
    const languages = this.config.languages.map((l) => w.param(l));
    w.parts.push(
      `(${languages.map((l) => `(d.language = ${l}::regconfig AND d.search_vector @@ websearch_to_tsquery(${l}::regconfig, ${qp}))`).join(' OR ')})`,
    );
    addFilters(query, w);
    const rank = `ts_rank_cd(d.search_vector, websearch_to_tsquery(d.language, ${qp}))::float8`;
    if (query.cursor) {
      const [afterRank, afterId] = decodeCursor(query.cursor, 2);
      if (typeof afterRank !== 'number' || typeof afterId !== 'string' || !isUuid(afterId)) {
        throw documentsError('CURSOR_INVALID', 'The cursor is not valid', {
          errors: [{ field: 'cursor', message: 'is not a cursor of this search' }],
        });
      }
      const r = w.param(afterRank);
      w.parts.push(`(${rank} < ${r} OR (${rank} = ${r} AND d.id < ${w.param(afterId)}))`);
    }
    const rows: {
      id: string;
      title: string;
      type: string;
      tags: string[];
      language: string;
      rank: number;
      snippet: string;
      file_name: string | null;
      media_type: string | null;
      created_at: Date;
    }[] = await this.dataSource.query(
      `SELECT r.id, r.title, r.type, r.tags, r.language::text AS language, r.rank, r.created_at,
              v.file_name, v.media_type,
              ts_headline(r.language, COALESCE(left(t.content, ${SNIPPET_SOURCE_CHARS}), r.title),
                          websearch_to_tsquery(r.language, ${qp}), '${HEADLINE}') AS snippet
         FROM (SELECT d.id, d.title, d.type, d.tags, d.language, d.current_version_id, d.created_at, ${rank} AS rank
                 FROM documents d ${w.sql}
                ORDER BY rank DESC, d.id DESC LIMIT ${w.param(limit + 1)}) r
         LEFT JOIN document_versions v ON v.id = r.current_version_id
         LEFT JOIN document_texts t ON t.version_id = r.current_version_id
        ORDER BY r.rank DESC, r.id DESC`,
      w.params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        id: r.id,
        title: r.title,
        type: r.type,
        tags: r.tags,
        language: r.language,
        rank: r.rank,
        snippet: r.snippet,
        fileName: r.file_name,
        mediaType: r.media_type,
        createdAt: r.created_at.toISOString(),
      })),
      nextCursor: rows.length > limit && last ? encodeCursor([last.rank, last.id]) : null,
    };
  }
}
