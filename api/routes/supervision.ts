import { Type } from 'typebox';
import type { SupervisionPolicy } from '../../core/config';
import { Problem, notFound } from '../../core/errors';
import type { HttpServer } from '../../core/http';
import type { Principal } from '../../core/principal';
import type { Db } from '../../schema/database';
import { covers, unitIdsOf, unitScope } from '../access';
import { Bytes, Cursor, DateTime, Limit, Nullable, StringEnum, Uuid, cursorAfter, errors, keysetPage } from '../schemas';
import { ITEM_KINDS, SupervisionItem, supervisionItems, supervisionSummary, type FigureQuery } from '../supervision-data';
import { csvReport, xlsxReport } from '../supervision-report';

const DEFAULT_DAYS = 30;

const Figures = {
  recordings: Type.Integer({ description: 'Recordings whose recorder time falls in the period.' }),
  hours: Type.Number({ description: 'Their total length in hours (recordings not yet probed count 0).' }),
  bytes: Type.Integer(),
  onTimeRate: Nullable(Type.Number({ minimum: 0, maximum: 1, description: 'Fraction received within the on-time threshold of their end; null without recordings.' })),
  late: Type.Integer({ description: 'Received more than the threshold (EVIDENCE_ONTIME_HOURS) after their end.' }),
  unlinked: Type.Integer({ description: 'Linked to no case EVIDENCE_UNLINKED_DAYS after they were recorded.' }),
  overdueRecorders: Type.Integer({ description: 'Recorders bound to officers of the unit not docked for more than 24 hours (now, whatever the period).' }),
  reviewed: Type.Integer({ description: 'Recordings of the period drawn in a sample review (抽查) with at least one rubric item scored.' }),
  reviewPassRate: Nullable(Type.Number({ minimum: 0, maximum: 1, description: 'Fraction of scored rubric items passed in those reviews; null before any is scored.' })),
};

const Summary = Type.Object({
  units: Type.Array(Type.Object({
    unitId: Type.String(),
    name: Type.String(),
    ...Figures,
    casesMissingFootage: Type.Integer({ description: 'Cases opened in the period that reached a stage their unit\'s recording rule requires without footage linked at it.' }),
  })),
  officers: Type.Optional(Type.Array(Type.Object({ officerNo: Nullable(Type.String()), name: Nullable(Type.String()), ...Figures }))),
});

const PeriodQuery = {
  from: Type.Optional(DateTime),
  to: Type.Optional(DateTime),
};

const SCOPE = 'Scoped by supervision level: a unit head sees their unit, an overseer the units they oversee, auditors and admins every unit.';

/**
 * Supervision and assessment (监督考核, issue 16): compliance figures per unit and officer, the
 * rows behind each, and the report. Decisions in api/compliance.ts, queries in api/supervision-data.ts.
 */
export function supervisionRoutes(deps: { db: Db; now: () => Date; supervision: SupervisionPolicy }) {
  const { db, now, supervision: policy } = deps;

  /** The caller's units (one, when asked for and in scope), and the period (default: the last 30 days). */
  function figureQuery(p: Principal, q: { from?: string; to?: string; unitId?: string }): FigureQuery {
    const at = now();
    const to = q.to ? new Date(q.to) : at;
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - DEFAULT_DAYS * 86_400_000);
    if (from >= to) throw new Problem(400, 'Bad Request', '`from` must be before `to`');
    const scope = unitScope(p);
    if (q.unitId !== undefined && !covers(scope, q.unitId)) throw notFound(`unit ${q.unitId}`);
    return { units: q.unitId !== undefined ? [q.unitId] : unitIdsOf(scope), period: { from, to }, now: at, policy };
  }

  return async (app: HttpServer) => {
    app.get('/supervision/summary', {
      config: { action: 'supervision.read' },
      schema: {
        summary: 'Recording compliance per unit', operationId: 'getSupervisionSummary', tags: ['supervision'],
        description: `For a period (default: the last ${DEFAULT_DAYS} days) each unit's recordings (counted by recorder time), hours, bytes, on-time upload rate, late recordings, overdue recorders, footage without a case and cases missing footage of a required stage; with \`unitId\` also its officers. ${SCOPE}`,
        querystring: Type.Object({ ...PeriodQuery, unitId: Type.Optional(Uuid) }),
        response: { 200: Summary, ...errors },
      },
    }, async (request) => {
      const q = figureQuery(request.principal!, request.query);
      const summary = await supervisionSummary(db, q, request.query.unitId);
      if (request.query.unitId !== undefined && summary.units.length === 0) throw notFound(`unit ${request.query.unitId}`);
      return summary;
    });

    app.get('/supervision/items', {
      config: { action: 'supervision.read' },
      schema: {
        summary: 'The rows behind a compliance figure', operationId: 'listSupervisionItems', tags: ['supervision'],
        description: `The late or unlinked recordings, the cases missing footage, the overdue recorders (or the recordings whose recorder clock was more than 5 minutes off, \`clockSkew\`) of the period, oldest first, keyset-paged. ${SCOPE}`,
        querystring: Type.Object({ kind: StringEnum(ITEM_KINDS), ...PeriodQuery, unitId: Type.Optional(Uuid), limit: Limit(500, 50), cursor: Type.Optional(Cursor) }),
        response: { 200: Type.Object({ items: Type.Array(SupervisionItem), nextCursor: Nullable(Type.String()) }), ...errors },
      },
    }, async (request) => {
      const q = request.query;
      const rows = await supervisionItems(db, q.kind, { ...figureQuery(request.principal!, q), after: q.cursor ? cursorAfter(q.cursor) : null, limit: q.limit });
      const { page, nextCursor } = keysetPage(rows, q.limit, (r) => r.sortAt);
      return { items: page.map(({ sortAt: _, ...item }) => item), nextCursor };
    });

    const report = (format: 'xlsx' | 'csv') => ({
      config: { action: 'supervision.read' as const, audit: 'supervision.report' },
      schema: {
        summary: `Supervision report (${format === 'xlsx' ? 'Excel workbook' : 'CSV'})`, operationId: format === 'xlsx' ? 'getSupervisionReportXlsx' : 'getSupervisionReportCsv', tags: ['supervision'],
        description: format === 'xlsx'
          ? `The summary and one sheet per figure with the rows behind it, column headers in Chinese, streamed. ${SCOPE}`
          : `The same sheets as the workbook in one UTF-8 CSV with a byte-order mark: each sheet's title line, its header and rows, then a blank line. Text that a spreadsheet would take for a formula starts with an apostrophe. ${SCOPE}`,
        querystring: Type.Object(PeriodQuery),
        response: { 200: Bytes, ...errors },
      },
    });
    const filename = (q: FigureQuery, ext: string) => `supervision-${q.period.from.toISOString().slice(0, 10)}-${q.period.to.toISOString().slice(0, 10)}.${ext}`;

    app.get('/supervision/report.xlsx', report('xlsx'), async (request, reply) => {
      const q = figureQuery(request.principal!, request.query);
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${filename(q, 'xlsx')}"`)
        .send(xlsxReport(db, q));
    });

    app.get('/supervision/report.csv', report('csv'), async (request, reply) => {
      const q = figureQuery(request.principal!, request.query);
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename(q, 'csv')}"`).send(csvReport(db, q));
    });
  };
}
