import { Controller, Get } from '@nestjs/common';
import { Alert, AlertQuery, AuditEntry, AuditQuery, EventQuery, ExportFormat, ExportQuery, ExportState, Incident, IncidentQuery, NamedToolQuery, RuleSummary, TelemetryEvent, TokenQuery, ToolPin, ToolVersion, ToolVersionQuery, TuningPreview } from '@palisade/schema';
import { z } from 'zod';
import { RequirePermission } from '../auth/permission.decorator.js';
import { PRODUCT_VERSION } from '../exports/export.service.js';
import { ExportRequest } from './exports.controller.js';
import { IncidentPatchBody } from './incidents.controller.js';
import { TokenRequest } from './tokens.controller.js';
import { ApproveBody, PreviewBody, TuningBody } from './tools.controller.js';

type Json = Record<string, unknown>;

const schema = (s: z.ZodType, io: 'input' | 'output' = 'output'): Json => z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Json;
const pageOf = (item: Json): Json => ({
  type: 'object',
  required: ['items', 'total'],
  properties: { items: { type: 'array', items: item }, total: { type: 'integer', description: 'everything matching' }, nextCursor: { type: 'string', description: 'absent on the last page' } },
});
const page = (item: z.ZodType): Json => pageOf(schema(item));
const json = (body: Json): Json => ({ content: { 'application/json': { schema: body } } });

function queryParameters(s: z.ZodObject): Json[] {
  const shape = schema(s, 'input') as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(shape.properties ?? {}).map(([name, property]) => ({ name, in: 'query', required: shape.required?.includes(name) ?? false, schema: property }));
}

const toolPath = [
  { name: 'server', in: 'path', required: true, schema: { type: 'string' } },
  { name: 'tool', in: 'path', required: true, schema: { type: 'string' } },
];
const idPath = [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }];

const instant = { type: 'string', format: 'date-time' };
const BAD_LIST_QUERY = { description: 'a bad `limit` (1 to 500), a cursor this list did not issue, `from` after `to`, an unknown parameter: one line naming it' };

/** A compliance export as the list gives it (`ExportRecord`). */
const EXPORT_RECORD: Json = {
  type: 'object',
  required: ['id', 'state', 'createdAt', 'createdBy', 'format', 'from', 'to', 'startedAt', 'files', 'progress'],
  properties: {
    id: { type: 'string' },
    state: schema(ExportState),
    createdAt: { ...instant, description: 'when the bundle was signed (`done`), else when the export started' },
    createdBy: { type: 'string' },
    format: schema(ExportFormat),
    from: instant,
    to: instant,
    startedAt: { ...instant, description: 'when the export started: what the list is ordered and `from`/`to` select by' },
    finishedAt: instant,
    files: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, sha256: { type: 'string' }, bytes: { type: 'integer' }, records: { type: 'integer' } } } },
    progress: { type: 'object', properties: { files: { type: 'array' }, records: { type: 'integer' }, estimatedRecords: { type: 'integer' }, updatedAt: instant } },
    auditHead: { type: 'string', description: 'once `done`' },
    error: { type: 'string', description: 'why a `failed` export stopped, one line' },
  },
};

/** An API token as the list gives it: never its secret nor its hash. */
const TOKEN_RECORD: Json = {
  type: 'object',
  required: ['id', 'name', 'role', 'createdAt', 'createdBy', 'revokedAt', 'lastUsedAt'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string', enum: ['admin', 'analyst', 'auditor', 'collector'] },
    createdAt: instant,
    createdBy: { type: 'string' },
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
    lastUsedAt: { type: ['string', 'null'], format: 'date-time' },
  },
};

function op(summary: string, permission: string, extra: Json = {}): Json {
  return { summary, description: `Needs permission \`${permission}\`.`, security: [{ bearer: [] }], responses: { '200': { description: 'OK' }, '401': { description: 'no valid token' }, '403': { description: 'role lacks the permission' } }, ...extra };
}

const PATH_FORM = ' Names are percent-encoded path segments; one named `.` or `..` takes the query form `/api/tool…?server=&tool=`.';
const QUERY_FORM = ' Query form of `/api/tools/{server}/{tool}…`: it reaches every name, `.` and `..` included, which are dot segments that clients remove from a path (`%2e` too) before sending it.';

/** A version of a tool's definition as the API shows it (`ToolVersionView`): with its diffs. */
function versionView(): Json {
  const version = schema(ToolVersion) as { properties: Json; required: string[] };
  const diff = (what: string): Json => ({ type: ['string', 'null'], description: `unified diff ${what}` });
  return {
    ...version,
    required: [...version.required, 'diff', 'pinnedDiff'],
    properties: {
      ...version.properties,
      diff: diff('from the version stored before it; null for the first seen one (never pruned)'),
      pinnedDiff: diff('from the pinned version; null for the pinned one itself'),
    },
  };
}

/** The routes on one tool (ToolsController), each in its path form and in its query form. */
function toolRoutes(): Record<string, Json> {
  const detail = {
    type: 'object',
    properties: {
      versions: { type: 'array', items: versionView(), description: 'the latest versions, newest first: the first page of `…/versions`' },
      versionsTotal: { type: 'integer', description: 'versions stored (retention prunes old ones; `tool.versions` counts every one ever seen)' },
      versionsNextCursor: { type: 'string', description: 'the `cursor` of the next page of `…/versions`; absent when `versions` holds them all' },
      pinned: { anyOf: [schema(ToolVersion), { type: 'null' }], description: 'the pinned (first seen or approved) definition, kept however many versions follow' },
      pinnedDiff: { type: ['string', 'null'], description: 'unified diff pinned → current; null when they are the same' },
    },
  };
  const routes: Record<string, Record<string, Json>> = {
    '': { get: op('One tool: its latest versions with diffs, baseline figures, recent alerts', 'read', { responses: { '200': { description: 'OK', ...json(detail) } } }) },
    '/versions': {
      get: op('The tool’s definition history, newest first, each version with its diff from the one before and from the pinned one; `limit` and `cursor` page. Versions last seen before PALISADE_RETENTION_VERSIONS_DAYS are pruned, never the first seen, the latest, the pinned, the current or one an alert names', 'read', {
        parameters: queryParameters(ToolVersionQuery),
        responses: { '200': { description: 'OK', ...json(pageOf(versionView())) }, '400': BAD_LIST_QUERY, '401': { description: 'no valid token' }, '403': { description: 'role lacks the permission' }, '404': { description: 'no such tool' } },
      }),
    },
    '/quarantine': { post: op('Quarantine the tool', 'triage') },
    '/release': { post: op('Release the tool', 'triage') },
    '/approve': {
      post: op('Approve (re-pin) the current definition; with `hash`, only if it is still the one read (409 otherwise)', 'triage', { requestBody: json(schema(ApproveBody, 'input')) }),
    },
    '/baseline': {
      get: op('The tool’s tuning and baseline figures', 'read'),
      put: op('Tune the tool’s baselines (omitted `exceptions` keep the saved ones; a new exception is the caller’s and must expire)', 'triage', { requestBody: json(schema(TuningBody, 'input')) }),
    },
    '/baseline/preview': {
      post: op('Alerts about the tool the last `days` would have raised with a proposed tuning, against the saved one: the tool’s calls, their sessions and the cross-server context replayed, at most PALISADE_PREVIEW_MAX_EVENTS events; `notes` says in plain words what could not be covered. Two previews are computed at once: one more answers 429', 'triage', {
        requestBody: json(schema(PreviewBody, 'input')),
        responses: { '200': { description: 'OK', ...json(schema(TuningPreview)) }, '401': { description: 'no valid token' }, '403': { description: 'role lacks the permission' }, '429': { description: 'two previews are being computed already' } },
      }),
    },
  };
  const form = (methods: Record<string, Json>, parameters: Json[], note: string): Json =>
    Object.fromEntries(
      Object.entries(methods).map(([method, operation]) => [method, { ...operation, parameters: [...parameters, ...((operation['parameters'] as Json[] | undefined) ?? [])], description: `${String(operation.description)}${note}` }]),
    );
  const toolQuery = queryParameters(NamedToolQuery);
  return Object.fromEntries(
    Object.entries(routes).flatMap(([action, methods]) => [
      [`/api/tools/{server}/{tool}${action}`, form(methods, toolPath, PATH_FORM)],
      [`/api/tool${action}`, form(methods, toolQuery, QUERY_FORM)],
    ]),
  );
}

/** The OpenAPI 3.1 document of the detector API, generated from the same zod schemas that validate requests. */
export function openApiDocument(): Json {
  return {
    openapi: '3.1.0',
    info: { title: 'Palisade detector API', version: PRODUCT_VERSION, description: 'Bearer tokens with roles admin, analyst, auditor, collector. Lists are newest first with cursors.' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths: {
      '/api/health': { get: { summary: 'Liveness and lag figures (no token)', security: [], responses: { '200': { description: 'OK' } } } },
      '/api/me': { get: op('The caller’s role and permissions', 'quarantine_state') },
      '/api/ingest': { post: op('NDJSON telemetry events', 'ingest', { requestBody: { content: { 'application/x-ndjson': { schema: schema(TelemetryEvent, 'input') } } } }) },
      '/api/events': { get: op('Telemetry events', 'read', { parameters: queryParameters(EventQuery), responses: { '200': { description: 'OK', ...json(page(TelemetryEvent)) } } }) },
      '/api/events/{id}': { get: op('One event', 'read', { parameters: idPath }) },
      '/api/alerts': { get: op('Alerts', 'read', { parameters: queryParameters(AlertQuery), responses: { '200': { description: 'OK', ...json(page(Alert)) } } }) },
      '/api/alerts/{id}': { get: op('One alert', 'read', { parameters: idPath }) },
      '/api/incidents': { get: op('Incidents', 'read', { parameters: queryParameters(IncidentQuery), responses: { '200': { description: 'OK', ...json(page(Incident)) } } }) },
      '/api/incidents/counts': { get: op('Incident counts per status', 'read') },
      '/api/incidents/{id}': {
        get: op('An incident with its alerts, events, session timeline and actions', 'read', { parameters: idPath }),
        patch: op('Triage: status, assignee, note, disposition', 'triage', { parameters: idPath, requestBody: json(schema(IncidentPatchBody, 'input')) }),
      },
      '/api/tools': { get: op('Every server/tool seen', 'read', { responses: { '200': { description: 'OK', ...json(page(ToolPin)) } } }) },
      ...toolRoutes(),
      '/api/rules': { get: op('Correlation rules', 'read', { responses: { '200': { description: 'OK', ...json(page(RuleSummary)) } } }) },
      '/api/rules/{id}': { patch: op('Enable or disable a rule', 'triage', { parameters: idPath, requestBody: json({ type: 'object', properties: { enabled: { type: 'boolean' } } }) }) },
      '/api/exports': {
        get: op('Compliance bundles, newest first by when they started (`startedAt`): `done`, `running` (with progress) and `failed` (with `error`); `state` and `from`/`to` on `startedAt` select, `limit` and `cursor` page', 'export', {
          parameters: queryParameters(ExportQuery),
          responses: { '200': { description: 'OK', ...json(pageOf(EXPORT_RECORD)) }, '400': BAD_LIST_QUERY, '401': { description: 'no valid token' }, '403': { description: 'role lacks the permission' } },
        }),
        post: op(
          'Create a compliance bundle. Without `async`, answers 201 with the finished record once the bundle is signed. With `"async": true` or the header `Prefer: respond-async`, answers 202 at once with the record in state `running` (and `Location`); follow it with `GET /api/exports/{id}` to `done` or `failed`. At most PALISADE_EXPORT_CONCURRENCY (default 2) exports run at once: one more answers 429. An export whose detector stopped is marked `failed` when it starts again.',
          'export',
          {
            parameters: [{ name: 'Prefer', in: 'header', required: false, schema: { type: 'string' }, description: '`respond-async` asks for the asynchronous form (RFC 7240)' }],
            requestBody: json(schema(ExportRequest, 'input')),
            responses: { '201': { description: 'the finished bundle’s record (`state: done`)' }, '202': { description: 'the export’s record, `state: running`, with `progress`' }, '400': { description: 'bad body' }, '401': { description: 'no valid token' }, '403': { description: 'role lacks the permission' }, '429': { description: 'PALISADE_EXPORT_CONCURRENCY exports are being written already' } },
          },
        ),
      },
      '/api/exports/key': { get: op('The install’s export public key (PEM) and fingerprint, to pin for `verify-export --key`', 'export') },
      '/api/exports/{id}': { get: op('One export’s record: `state` (`running`, `done`, `failed`), `progress` (records written per file, estimates where cheap), `error` when failed, the manifest’s files and `auditHead` when done', 'export', { parameters: idPath }) },
      '/api/exports/{id}/files/{name}': { get: op('One file of the bundle (409 while it is being written)', 'export', { parameters: [...idPath, { name: 'name', in: 'path', required: true, schema: { type: 'string' } }] }) },
      '/api/exports/{id}/archive': { get: op('The bundle as .tar.gz (409 while it is being written)', 'export', { parameters: idPath }) },
      '/api/audit': { get: op('The audit log', 'read', { parameters: queryParameters(AuditQuery), responses: { '200': { description: 'OK', ...json(page(AuditEntry)) } } }) },
      '/api/tokens': {
        get: op('API tokens (never their secrets), newest first by `createdAt`; `from`/`to` on it select, `limit` and `cursor` page', 'admin', {
          parameters: queryParameters(TokenQuery),
          responses: { '200': { description: 'OK', ...json(pageOf(TOKEN_RECORD)) }, '400': BAD_LIST_QUERY, '401': { description: 'no valid token' }, '403': { description: 'role lacks the permission' } },
        }),
        post: op('Create a token (its secret is returned once)', 'admin', { requestBody: json(schema(TokenRequest, 'input')) }),
      },
      '/api/tokens/{id}': { delete: op('Revoke a token', 'admin', { parameters: idPath }) },
      '/api/openapi.json': { get: op('This document', 'read') },
    },
  };
}

@Controller('api/openapi.json')
@RequirePermission('read')
export class OpenApiController {
  private readonly document = openApiDocument();

  @Get()
  get(): Json {
    return this.document;
  }
}
