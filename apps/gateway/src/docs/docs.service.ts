import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { request } from 'undici';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../config/gateway-settings';
import { ServiceProxy } from '../proxy/service-proxy';
import { mergeOpenApi, type OpenApiDocument, type ServiceDocument } from './openapi-merge';

const FRESH_MS = 60_000;

/** The merged OpenAPI document; each service's part is fetched with a timeout and kept a minute. */
@Injectable()
export class DocsService {
  private readonly fetched = new Map<string, { at: number; document: OpenApiDocument }>();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly proxy: ServiceProxy,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
  ) {}

  async merged(): Promise<OpenApiDocument> {
    const [own, ...services] = await Promise.all([
      this.own(),
      ...this.settings.routes.services.map((s) => this.service(s.name, s.baseUrl, s.segments)),
    ]);
    return mergeOpenApi(own, services);
  }

  /** The gateway's own document, as the platform serves it at /openapi.json, asked in-process. */
  private async own(): Promise<OpenApiDocument> {
    const app = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    return res.json<OpenApiDocument>();
  }

  private async service(name: string, baseUrl: string, segments: string[]): Promise<ServiceDocument> {
    const cached = this.fetched.get(name);
    if (cached && Date.now() - cached.at < FRESH_MS) return { service: name, segments, document: cached.document };
    const timeout = this.settings.openApiTimeoutMs;
    try {
      const res = await request(`${baseUrl}/openapi.json`, {
        dispatcher: this.proxy.agent,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        signal: AbortSignal.timeout(timeout),
      });
      if (res.statusCode !== 200) {
        await res.body.dump();
        return { service: name, segments, error: `answered ${res.statusCode}` };
      }
      const document = (await res.body.json()) as OpenApiDocument;
      this.fetched.set(name, { at: Date.now(), document });
      return { service: name, segments, document };
    } catch (error) {
      return { service: name, segments, error: (error as Error).message || 'unreachable' };
    }
  }
}
