// Pass-through of provider endpoints the gateway does not model (files, batches, ...), only where
// configured: the caller is identified, the request policy decides on the route (api
// `passthrough`, model = the provider's name, no content inspection), and both records are
// committed before the request leaves and before the answer returns. The caller's credentials
// are replaced by the provider's.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createProxyMiddleware, proxyEventsPlugin } from 'http-proxy-middleware';
import type { AuditRecordV1 } from '@palisade/audit-core';
import { GatewayError, isGatewayError } from '../../errors.js';
import type { PassthroughConfig } from '../../config/schema.js';
import { decisionRecord, outcomeRecord, type RecordBase } from '../../audit/records.js';
import { sendError } from '../../http/error-body.js';
import { buildDecisionInput } from '../decision-input.js';
import type { PipelineDeps } from '../deps.js';
import { stateOf } from '../request-state.js';

export const PASSTHROUGH_API = 'passthrough';

/** Caller headers that carry credentials or identity for the gateway, never for the provider. */
const DROPPED_HEADERS = ['authorization', 'x-api-key', 'api-key', 'x-goog-api-key', 'cookie', 'proxy-authorization'];

interface Pending {
  base: RecordBase;
  startedAt: number;
}

const pendingByRequest = new WeakMap<IncomingMessage, Pending>();

export function createPassthroughHandler(route: PassthroughConfig, deps: PipelineDeps): RequestHandler {
  const upstream = deps.providers.passthrough(route.provider);
  if (!upstream) throw new GatewayError('GW_ERR_CONFIG_INVALID', { detail: `passthrough provider "${route.provider}" cannot be passed through` });
  const upstreamPath = route.upstream_path ?? route.route.replace(/^\/v1(?=\/|$)/, '');
  const timeoutMs = (deps.config.providers.find((p) => p.name === route.provider) as { timeout_ms?: number } | undefined)?.timeout_ms ?? 120000;

  const publish = async (records: AuditRecordV1[], phase: 'decision' | 'outcome'): Promise<void> => {
    const end = deps.metrics.auditPublishDuration.startTimer({ phase });
    try {
      await deps.audit.publish(records);
    } catch (err) {
      deps.metrics.auditFailures.inc({ phase });
      throw err;
    } finally {
      end();
    }
  };

  const outcome = (p: Pending, status: number, error?: GatewayError): AuditRecordV1 => {
    const o: NonNullable<AuditRecordV1['outcome']> = { status, provider: route.provider, latency_ms: deps.clock() - p.startedAt };
    if (error) o.error = { code: error.code, message: error.message };
    return outcomeRecord(deps.ids, p.base, o);
  };

  const proxy = createProxyMiddleware<IncomingMessage, ServerResponse>({
    target: `${upstream.baseUrl}${upstreamPath}`,
    changeOrigin: true,
    selfHandleResponse: true,
    // Only the `on` handlers below: the default plugins would log and answer errors their own way.
    ejectPlugins: true,
    plugins: [proxyEventsPlugin],
    proxyTimeout: timeoutMs,
    // The mount path is already stripped; a bare `/` would add a trailing slash upstream.
    pathRewrite: (path) => (path === '/' ? '' : path),
    on: {
      proxyReq(proxyReq) {
        for (const h of DROPPED_HEADERS) proxyReq.removeHeader(h);
        for (const [k, v] of Object.entries(upstream.headers)) proxyReq.setHeader(k, v);
      },
      proxyRes(proxyRes, req, res) {
        const p = pendingByRequest.get(req);
        if (!p) {
          proxyRes.destroy();
          res.destroy();
          return;
        }
        const status = proxyRes.statusCode ?? 502;
        publish([outcome(p, status)], 'outcome').then(
          () => {
            const headers = { ...proxyRes.headers, 'x-palisade-decision-id': p.base.decisionId };
            res.writeHead(status, headers);
            proxyRes.pipe(res);
          },
          (err: unknown) => {
            proxyRes.destroy();
            sendError(res as unknown as Response, isGatewayError(err) ? err : new GatewayError('GW_ERR_AUDIT_UNAVAILABLE', { cause: err }), 'openai', { decisionId: p.base.decisionId });
          },
        );
      },
      error(err, req, res) {
        const p = pendingByRequest.get(req as IncomingMessage);
        const gwErr = new GatewayError('GW_ERR_UPSTREAM_UNREACHABLE', { cause: err, data: { provider: route.provider } });
        deps.metrics.upstreamErrors.inc({ provider: route.provider, code: gwErr.code });
        const answer = (): void => {
          if ('writeHead' in res) sendError(res as unknown as Response, gwErr, 'openai', p ? { decisionId: p.base.decisionId } : {});
          else res.destroy();
        };
        if (!p) return answer();
        publish([outcome(p, gwErr.status, gwErr)], 'outcome').then(answer, answer);
      },
    },
  });

  return async (req: Request, res: Response, next: NextFunction) => {
    const state = stateOf(res);
    const principal = state.principal;
    if (!principal) throw new GatewayError('GW_ERR_INTERNAL', { detail: 'no principal' });
    if (!route.methods.includes(req.method)) throw new GatewayError('GW_ERR_NOT_FOUND', { detail: `${req.method} ${route.route}` });
    const classification = { labels: [], entities: {}, injection: { score: 0, detected: false, signals: [] } };
    const input = buildDecisionInput({
      principal,
      api: PASSTHROUGH_API,
      route: route.route,
      model: route.provider,
      stream: false,
      params: { method: req.method },
      prompt: { messages: 0, roles: [], chars: 0, estimated_tokens: 0 },
      classification,
      now: new Date(state.startedAt).toISOString(),
      gatewayId: deps.config.server.gateway_id,
      ...(req.socket.remoteAddress !== undefined ? { clientAddress: req.socket.remoteAddress } : {}),
    });
    const result = deps.policy.evaluate('request', input);
    deps.metrics.policyDecisions.inc({ entrypoint: 'request', allow: String(result.allow), error: result.error?.code ?? '' });
    const base: RecordBase = {
      decisionId: state.decisionId,
      gatewayId: deps.config.server.gateway_id,
      principal,
      request: { api: PASSTHROUGH_API, route: route.route, model_requested: route.provider, stream: false },
    };
    const policy: NonNullable<AuditRecordV1['policy']> = {
      bundle: result.bundle?.name ?? '',
      revision: result.bundle?.revision ?? '',
      digest: result.bundle?.digest ?? '',
      entrypoint: result.entrypoint,
      allow: result.allow,
      reasons: [...result.reasons],
      input: input as unknown as Record<string, unknown>,
    };
    if (result.error) policy.error = result.error.code;
    await publish([decisionRecord(deps.ids, base, { classification, policy })], 'decision');
    if (!result.allow) {
      const err = result.error ? new GatewayError(result.error.code) : new GatewayError('GW_ERR_POLICY_DENIED', { detail: result.reasons.map((r) => r.message).join(' ') });
      sendError(res, err, 'openai', { decisionId: state.decisionId, reasons: [...result.reasons] });
      return;
    }
    pendingByRequest.set(req, { base, startedAt: state.startedAt });
    await proxy(req, res, next);
  };
}
