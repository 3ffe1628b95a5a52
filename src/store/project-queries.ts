import type { Kysely } from 'kysely';
import { type CompiledShapes, slot } from './compiled-shapes.js';
import { containsText } from './like-pattern.js';
import { rowLimit } from './row-limit.js';
import type { Database, ProjectStatus } from './schema.js';
import { shapeOf } from './query-shape.js';

export interface ProjectFilter {
  status?: ProjectStatus | undefined;
  query?: string | undefined;
  /** Keyset position: the last row of the previous page. */
  after?: { name: string; id: string } | undefined;
  limit: number;
}

/**
 * Projects of one tenant, each with its client company's name (joined inside the same tenant).
 * Lists read the summary's columns only: each column of each row is a value better-sqlite3 sets
 * on the row one by one, so a page of 20 read with the description and `updated_at` (which no
 * list shows) paid for 40 values it dropped. One project is read with its description.
 */
export function projectQueries(db: Kysely<Database>, tenantId: string, shapes: CompiledShapes) {
  const projectsWithClient = (tenant: string = tenantId) =>
    db
      .selectFrom('projects as p')
      .leftJoin('companies as c', (join) =>
        join.onRef('c.id', '=', 'p.client_company_id').on('c.tenant_id', '=', tenant),
      )
      .where('p.tenant_id', '=', tenant)
      .select([
        'p.id',
        'p.name',
        'p.status',
        'p.location',
        'p.value_cents',
        'p.start_date',
        'p.end_date',
        'p.client_company_id',
        'c.name as client_company_name',
      ]);

  const projectPage = (tenant: string, filter: ProjectFilter) => {
    let query = projectsWithClient(tenant);
    if (filter.status !== undefined) query = query.where('p.status', '=', filter.status);
    if (filter.query !== undefined) query = query.where(containsText('p.search_text', filter.query));
    const after = filter.after;
    if (after !== undefined) {
      query = query.where((eb) =>
        eb.or([
          eb('p.name', '>', after.name),
          eb.and([eb('p.name', '=', after.name), eb('p.id', '>', after.id)]),
        ]),
      );
    }
    return query.orderBy('p.name').orderBy('p.id').limit(rowLimit(filter.limit));
  };

  return {
    listProjects(filter: ProjectFilter) {
      // A text search binds a pattern derived from its term, so that shape is built per call.
      if (filter.query !== undefined) return projectPage(tenantId, filter).execute();
      const { status, after, limit } = filter;
      return shapes.execute(
        db,
        // The limit is part of the SQL text (row-limit.ts), so of the shape.
        `${shapeOf('projects', { status, after })}|${limit}`,
        () =>
          projectPage(slot('tenant'), {
            status: status === undefined ? undefined : slot<ProjectStatus>('status'),
            after: after === undefined ? undefined : { name: slot('afterName'), id: slot('afterId') },
            limit,
          }),
        { tenant: tenantId, status, afterName: after?.name, afterId: after?.id },
      );
    },

    getProject(id: string) {
      return projectsWithClient().where('p.id', '=', id).select('p.description').executeTakeFirst();
    },

    projectsOfCompany(companyId: string) {
      return projectsWithClient()
        .where('p.client_company_id', '=', companyId)
        .orderBy('p.name')
        .limit(rowLimit(50))
        .execute();
    },
  };
}
