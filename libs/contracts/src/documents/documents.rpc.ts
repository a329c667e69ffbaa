/** Request-reply patterns answered by the documents service (queue group `documents`). */
export const DOCUMENTS_RPC = {
  /** {@link CustomerDocumentsRequest} -> {@link CustomerDocumentsReply} */
  customerDocuments: 'documents.customer.documents',
  /** {@link DocumentsSearchRequest} -> {@link DocumentsSearchReply} */
  search: 'documents.search',
} as const;

export interface CustomerDocumentsRequest {
  contactId: string;
  /** At most 50, default 10. */
  limit?: number;
}

export interface CustomerDocumentSummary {
  id: string;
  title: string;
  type: string;
  tags: string[];
  fileName: string | null;
  mediaType: string | null;
  size: number | null;
  updatedAt: string;
}

/** The documents part of the customer 360: the contact's most recently changed documents. */
export interface CustomerDocumentsReply {
  items: CustomerDocumentSummary[];
  total: number;
}

export interface DocumentsSearchRequest {
  q: string;
  limit?: number;
}

export interface DocumentsSearchHit {
  kind: 'document';
  id: string;
  title: string;
  /** A highlighted passage of the text (matches between « and »). */
  subtitle: string | null;
  type: string;
  rank: number;
}

export interface DocumentsSearchReply {
  hits: DocumentsSearchHit[];
}
