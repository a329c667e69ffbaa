import { erasureCompletedType, type ErasureCompletedPayload } from '../erasure/erasure.events';

/** Events published by documents on the stream CRM_DOCUMENTS. Subject = the document id unless said otherwise. Additive only. */
export const DOCUMENTS_EVENTS = {
  /** The first version of a document was stored; data: DocumentVersionPayload */
  documentUploaded: 'crm.documents.document.uploaded',
  /** A later version; data: DocumentVersionPayload */
  versionAdded: 'crm.documents.version.added',
  /** data: DocumentPayload */
  documentUpdated: 'crm.documents.document.updated',
  /** data: DocumentLinkPayload */
  documentLinked: 'crm.documents.document.linked',
  /** data: DocumentLinkPayload */
  documentUnlinked: 'crm.documents.document.unlinked',
  /** data: DocumentDeletedPayload */
  documentDeleted: 'crm.documents.document.deleted',
  /** A retention policy came due; data: RetentionExpiredPayload */
  retentionExpired: 'crm.documents.retention.expired',
  /** subject = the hold id; data: LegalHoldPayload */
  holdPlaced: 'crm.documents.hold.placed',
  /** subject = the hold id; data: LegalHoldPayload */
  holdReleased: 'crm.documents.hold.released',
  /** Text extraction of a version finished (or failed); data: TextExtractedPayload */
  textExtracted: 'crm.documents.text.extracted',
  /** data: DocumentsErasureCompletedPayload */
  erasureCompleted: erasureCompletedType('documents'),
} as const;

/** The kinds of records of the suite a document can be linked to. */
export const DOCUMENT_RECORD_KINDS = ['contact', 'account', 'deal', 'quote', 'order', 'ticket', 'campaign'] as const;
export type DocumentRecordKind = (typeof DOCUMENT_RECORD_KINDS)[number];

export interface DocumentLinkRef {
  kind: DocumentRecordKind;
  id: string;
}

export interface DocumentPayload {
  id: string;
  version: number;
  title: string;
  type: string;
  tags: string[];
  language: string;
  ownerId: string | null;
  links: DocumentLinkRef[];
  currentVersionId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface DocumentVersionPayload {
  documentId: string;
  /** The document's version (its change counter), not the file version number. */
  version: number;
  versionId: string;
  number: number;
  sha256: string;
  size: number;
  mediaType: string;
  authorId: string;
  createdAt: string;
}

export interface DocumentLinkPayload {
  documentId: string;
  version: number;
  link: DocumentLinkRef;
}

export interface DocumentDeletedPayload {
  documentId: string;
  version: number;
  /** user, retention, erasure */
  reason: string;
}

export interface RetentionExpiredPayload {
  documentId: string;
  version: number;
  documentType: string;
  /** delete (the document is deleted with it) or review (it is flagged for review) */
  action: 'delete' | 'review';
  dueAt: string;
}

export interface LegalHoldPayload {
  holdId: string;
  /** The held document, for a hold on a document. */
  documentId: string | null;
  /** The record whose documents are held, for a hold on a record. */
  record: DocumentLinkRef | null;
  reason: string;
  placedBy: string;
  placedAt: string;
  releasedBy: string | null;
  releasedAt: string | null;
}

export interface TextExtractedPayload {
  documentId: string;
  version: number;
  versionId: string;
  /** done, failed or skipped (a media type with no text) */
  status: 'done' | 'failed' | 'skipped';
  characters: number;
}

/** documents' erasure receipt: the common fields plus the documents kept because of a legal hold. */
export interface DocumentsErasureCompletedPayload extends ErasureCompletedPayload {
  /** Documents linked only to the person that were not deleted or anonymised because a legal hold covers them. */
  heldDocumentIds: string[];
}
