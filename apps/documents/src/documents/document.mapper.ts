import type { DocumentLinkRef, DocumentPayload, DocumentRecordKind, DocumentVersionPayload } from '@crm/contracts';

export interface DocumentRow {
  id: string;
  version: number;
  title: string;
  type: string;
  tags: string[];
  language: string;
  owner_id: string | null;
  metadata: Record<string, unknown>;
  current_version_id: string | null;
  pinned_version_id: string | null;
  version_count: number;
  last_unlinked_at: Date | null;
  review_flagged_at: Date | null;
  anonymised_at: Date | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export interface VersionRow {
  id: string;
  document_id: string;
  number: number;
  sha256: string;
  size: string | number;
  media_type: string;
  file_name: string;
  author_id: string;
  scan_status: string;
  scan_detail: string | null;
  text_status: string;
  text_error: string | null;
  text_extracted_at: Date | null;
  created_at: Date;
}

export interface LinkRow {
  document_id: string;
  record_kind: DocumentRecordKind;
  record_id: string;
  linked_by: string;
  linked_at: Date;
}

export interface VersionView {
  id: string;
  documentId: string;
  number: number;
  sha256: string;
  size: number;
  mediaType: string;
  fileName: string;
  authorId: string;
  createdAt: string;
  scan: { status: string; detail: string | null };
  text: { status: string; error: string | null; extractedAt: string | null };
}

export interface LinkView extends DocumentLinkRef {
  linkedBy: string;
  linkedAt: string;
}

export interface DocumentView {
  id: string;
  version: number;
  title: string;
  type: string;
  tags: string[];
  language: string;
  ownerId: string | null;
  metadata: Record<string, unknown>;
  links: LinkView[];
  currentVersion: VersionView | null;
  pinnedVersionId: string | null;
  versionCount: number;
  underHold: boolean;
  reviewFlaggedAt: string | null;
  anonymisedAt: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function versionView(r: VersionRow): VersionView {
  return {
    id: r.id,
    documentId: r.document_id,
    number: r.number,
    sha256: r.sha256,
    size: Number(r.size),
    mediaType: r.media_type,
    fileName: r.file_name,
    authorId: r.author_id,
    createdAt: r.created_at.toISOString(),
    scan: { status: r.scan_status, detail: r.scan_detail },
    text: { status: r.text_status, error: r.text_error, extractedAt: iso(r.text_extracted_at) },
  };
}

export function linkView(r: LinkRow): LinkView {
  return { kind: r.record_kind, id: r.record_id, linkedBy: r.linked_by, linkedAt: r.linked_at.toISOString() };
}

export function documentView(
  d: DocumentRow,
  links: LinkRow[],
  current: VersionRow | undefined,
  underHold: boolean,
): DocumentView {
  return {
    id: d.id,
    version: d.version,
    title: d.title,
    type: d.type,
    tags: d.tags,
    language: d.language,
    ownerId: d.owner_id,
    metadata: d.metadata,
    links: links.map(linkView),
    currentVersion: current ? versionView(current) : null,
    pinnedVersionId: d.pinned_version_id,
    versionCount: d.version_count,
    underHold,
    reviewFlaggedAt: iso(d.review_flagged_at),
    anonymisedAt: iso(d.anonymised_at),
    createdBy: d.created_by,
    createdAt: d.created_at.toISOString(),
    updatedAt: d.updated_at.toISOString(),
  };
}

export function documentPayload(d: DocumentRow, links: LinkRow[]): DocumentPayload {
  return {
    id: d.id,
    version: d.version,
    title: d.title,
    type: d.type,
    tags: d.tags,
    language: d.language,
    ownerId: d.owner_id,
    links: links.map((l) => ({ kind: l.record_kind, id: l.record_id })),
    currentVersionId: d.current_version_id,
    createdAt: d.created_at.toISOString(),
    updatedAt: d.updated_at.toISOString(),
  };
}

export function versionPayload(d: DocumentRow, v: VersionRow): DocumentVersionPayload {
  return {
    documentId: d.id,
    version: d.version,
    versionId: v.id,
    number: v.number,
    sha256: v.sha256,
    size: Number(v.size),
    mediaType: v.media_type,
    authorId: v.author_id,
    createdAt: v.created_at.toISOString(),
  };
}
