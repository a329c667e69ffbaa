import { createHmac, timingSafeEqual } from 'node:crypto';

export type LinkKind = 'open' | 'click' | 'unsubscribe';

/**
 * Signs tracking links with HMAC-SHA256 over (kind, message, destination),
 * so a click link cannot be pointed elsewhere (no open redirect) and an
 * unsubscribe link cannot be forged for another message.
 */
export class LinkSigner {
  constructor(
    private readonly secret: string,
    private readonly baseUrl: string,
  ) {}

  sign(kind: LinkKind, messageId: string, url = ''): string {
    return createHmac('sha256', this.secret).update(`${kind}\n${messageId}\n${url}`).digest('base64url');
  }

  verify(kind: LinkKind, messageId: string, signature: unknown, url = ''): boolean {
    if (typeof signature !== 'string' || signature.length !== 43) return false;
    const expected = Buffer.from(this.sign(kind, messageId, url));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  openUrl(messageId: string): string {
    return `${this.baseUrl}/t/o/${messageId}?s=${this.sign('open', messageId)}`;
  }

  clickUrl(messageId: string, url: string): string {
    return `${this.baseUrl}/t/c/${messageId}?u=${encodeURIComponent(url)}&s=${this.sign('click', messageId, url)}`;
  }

  unsubscribeUrl(messageId: string): string {
    return `${this.baseUrl}/t/u/${messageId}?s=${this.sign('unsubscribe', messageId)}`;
  }

  /** Every http(s) link of the HTML through the click tracker, and the open pixel at the end of the body. */
  track(html: string, messageId: string): string {
    const linked = html.replace(/href="(https?:\/\/[^"]+)"/gi, (_m, url: string) => {
      const raw = url.replace(/&amp;/g, '&');
      return `href="${this.clickUrl(messageId, raw).replace(/&/g, '&amp;')}"`;
    });
    const pixel = `<img src="${this.openUrl(messageId).replace(/&/g, '&amp;')}" width="1" height="1" alt="" style="display:none">`;
    return /<\/body>/i.test(linked) ? linked.replace(/<\/body>/i, `${pixel}</body>`) : `${linked}${pixel}`;
  }
}
