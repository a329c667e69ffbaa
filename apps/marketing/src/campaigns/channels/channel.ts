export interface OutgoingMessage {
  messageId: string;
  campaignId: string;
  to: string;
  subject: string | null;
  html: string;
  text: string;
  unsubscribeUrl: string;
}

/** A way to deliver a message; resolves with the provider's id once the provider accepted it. */
export interface ChannelSender {
  send(message: OutgoingMessage): Promise<{ providerId: string }>;
  close(): Promise<void>;
}

export const CHANNEL_SENDERS = Symbol('marketing:channel-senders');
export type ChannelSenders = Record<string, ChannelSender | undefined>;
