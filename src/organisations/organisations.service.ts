import { escapeLike } from '../common/sql-filter';
import { isUuid } from '../common/uuid';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { decodeCursor, exactTimeSql, Page, pageLimit, toPage } from '../common/pagination';
import { SqlFilter } from '../common/sql-filter';
import { DomainError, FieldProblem } from '../common/problem';
import { ROLE_PERMISSIONS } from '../identity/permissions';
import { ConsortiumQuery, CreateConsortiumDto, MunicipalityQuery, OrganisationQuery, UpdateConsortiumDto } from './dto/organisations.dto';
import { Consortium, ConsortiumMember } from './entities/consortium.entity';
import { languageOf, Municipality } from './entities/municipality.entity';
import { Organisation } from './entities/organisation.entity';
import { OrganisationErrors as E } from './organisations.errors';
import { Actor } from '../common/actor';
import { Permission } from '../common/permissions';

export interface MunicipalityView {
  number: string;
  name: string;
  countyNumber: string;
  county: string;
  healthRegion: string;
  population: number;
  areaKm2: number;
  adminCentre: string;
  writtenLanguage: string;
  language: 'nb' | 'nn';
}

export interface ConsortiumMemberView {
  organisationId: string;
  kind: string;
  name: string;
  municipalityNumber: string | null;
  healthRegion: string | null;
  population: number | null;
  writtenLanguage: string | null;
  lead: boolean;
}

export interface ConsortiumView {
  id: string;
  name: string;
  leadMunicipality: string;
  leadOrganisationId: string;
  members: ConsortiumMemberView[];
  municipalityCount: number;
  population: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}

function municipalityView(m: Municipality): MunicipalityView {
  return {
    number: m.number,
    name: m.name,
    countyNumber: m.countyNumber,
    county: m.county,
    healthRegion: m.healthRegion,
    population: m.population,
    areaKm2: m.areaKm2,
    adminCentre: m.adminCentre,
    writtenLanguage: m.writtenLanguage,
    language: languageOf(m.writtenLanguage),
  };
}

@Injectable()
export class OrganisationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  // ---- municipalities (reference data) ----

  async listMunicipalities(q: MunicipalityQuery): Promise<Page<MunicipalityView>> {
    const limit = pageLimit(q);
    const after = decodeCursor(q.cursor, 1);
    const qb = this.dataSource
      .getRepository(Municipality)
      .createQueryBuilder('m')
      .orderBy('m.number', 'ASC')
      .take(limit + 1);
    if (q.helseregion) qb.andWhere('m.health_region = :r', { r: q.helseregion });
    if (q.fylke) qb.andWhere('lower(m.county) = lower(:f)', { f: q.fylke });
    if (q.q) qb.andWhere('(m.name ILIKE :t OR m.number LIKE :p)', { t: `%${escapeLike(q.q)}%`, p: `${escapeLike(q.q)}%` });
    if (after) qb.andWhere('m.number > :after', { after: String(after[0]) });
    const rows = await qb.getMany();
    return toPage(rows.map(municipalityView), limit, (m) => [m.number]);
  }

  async getMunicipality(number: string): Promise<MunicipalityView> {
    const m = /^[0-9]{4}$/.test(number) ? await this.dataSource.getRepository(Municipality).findOneBy({ number }) : null;
    if (!m) throw DomainError.notFound('Municipality', number);
    return municipalityView(m);
  }

  // ---- organisations ----

  async listOrganisations(q: OrganisationQuery): Promise<Page<Organisation>> {
    const limit = pageLimit(q);
    const after = decodeCursor(q.cursor, 2);
    const qb = this.dataSource
      .getRepository(Organisation)
      .createQueryBuilder('o')
      .orderBy('o.name', 'ASC')
      .addOrderBy('o.id', 'ASC')
      .take(limit + 1);
    if (q.kind) qb.andWhere('o.kind = :k', { k: q.kind });
    if (q.q) qb.andWhere('o.name ILIKE :t', { t: `%${escapeLike(q.q)}%` });
    if (after) qb.andWhere('(o.name, o.id) > (:n, :i)', { n: String(after[0]), i: String(after[1]) });
    return toPage(await qb.getMany(), limit, (o) => [o.name, o.id]);
  }

  async getOrganisation(id: string): Promise<Organisation> {
    const o = isUuid(id) ? await this.dataSource.getRepository(Organisation).findOneBy({ id }) : null;
    if (!o) throw DomainError.notFound('Organisation', id);
    return o;
  }

  // ---- consortia ----

  /** A consortium the actor may see; 404 (not 403) when it is someone else's, so its existence does not leak. */
  async getConsortium(actor: Actor, id: string, manager: EntityManager = this.dataSource.manager): Promise<ConsortiumView> {
    const view = isUuid(id) ? (await this.loadViews(manager, [id]))[0] : undefined;
    if (!view || !this.canSee(actor, view)) throw DomainError.notFound('Consortium', id);
    return view;
  }

  canSee(actor: Actor, c: Pick<ConsortiumView, 'members'>): boolean {
    return !this.onlyOwn(actor) || c.members.some((m) => actor.organisationIds.includes(m.organisationId));
  }

  async listConsortia(actor: Actor, q: ConsortiumQuery): Promise<Page<ConsortiumView>> {
    const limit = pageLimit(q);
    const after = decodeCursor(q.cursor, 2);
    const f = new SqlFilter();
    if (this.onlyOwn(actor)) {
      f.where(
        `EXISTS (SELECT 1 FROM consortium_member cm WHERE cm.consortium_id = c.id AND cm.organisation_id = ANY(${f.bind(actor.organisationIds)}::uuid[]))`,
      );
    }
    if (q.member) {
      f.where(
        `EXISTS (SELECT 1 FROM consortium_member cm JOIN organisation o ON o.id = cm.organisation_id WHERE cm.consortium_id = c.id AND o.municipality_number = ${f.bind(q.member)})`,
      );
    }
    if (after) f.where(`(c.created_at, c.id) > (${f.bind(String(after[0]))}::timestamptz, ${f.bind(String(after[1]))}::uuid)`);
    const rows: Array<{ id: string; k: string }> = await this.dataSource.query(
      `SELECT c.id, ${exactTimeSql('c.created_at')} AS k
         FROM consortium c ${f.clause} ORDER BY c.created_at, c.id LIMIT ${f.bind(limit + 1)}`,
      f.params,
    );
    const keys = new Map(rows.map((r) => [r.id, r.k]));
    const views = await this.loadViews(
      this.dataSource.manager,
      rows.map((r) => r.id),
    );
    return toPage(views, limit, (v) => [keys.get(v.id), v.id]);
  }

  async createConsortium(actor: Actor, dto: CreateConsortiumDto): Promise<ConsortiumView> {
    return this.dataSource.transaction(async (m) => {
      const resolved = await this.resolveMembers(m, dto.leadMunicipality, dto.members, dto.healthTrusts ?? []);
      this.assertActsFor(actor, resolved.organisationIds);
      const c = await m
        .getRepository(Consortium)
        .save(
          m
            .getRepository(Consortium)
            .create({ name: dto.name.trim(), leadOrganisationId: resolved.leadOrganisationId, createdBy: actor.userId }),
        );
      await m
        .getRepository(ConsortiumMember)
        .insert(resolved.organisationIds.map((organisationId) => ({ consortiumId: c.id, organisationId })));
      const [view] = await this.loadViews(m, [c.id]);
      await this.audit.record(m, {
        action: 'consortium.created',
        entityType: 'consortium',
        entityId: c.id,
        before: null,
        after: auditShape(view),
      });
      return view;
    });
  }

  async updateConsortium(actor: Actor, id: string, dto: UpdateConsortiumDto): Promise<ConsortiumView> {
    return this.dataSource.transaction(async (m) => {
      const before = await this.getConsortium(actor, id, m);
      await m.query(`SELECT id FROM consortium WHERE id = $1 FOR UPDATE`, [id]);
      this.assertActsFor(
        actor,
        before.members.map((x) => x.organisationId),
      );
      const lead = dto.leadMunicipality ?? before.leadMunicipality;
      const members = dto.members ?? before.members.filter((x) => x.municipalityNumber).map((x) => x.municipalityNumber!);
      const trusts = dto.healthTrusts ?? before.members.filter((x) => x.kind === 'HEALTH_TRUST').map((x) => x.organisationId);
      const resolved = await this.resolveMembers(m, lead, members, trusts);
      this.assertActsFor(actor, resolved.organisationIds);
      await m.query(`DELETE FROM consortium_member WHERE consortium_id = $1`, [id]);
      await m
        .getRepository(ConsortiumMember)
        .insert(resolved.organisationIds.map((organisationId) => ({ consortiumId: id, organisationId })));
      await m.query(`UPDATE consortium SET name = $2, lead_organisation_id = $3, updated_at = now(), version = version + 1 WHERE id = $1`, [
        id,
        dto.name?.trim() ?? before.name,
        resolved.leadOrganisationId,
      ]);
      const [after] = await this.loadViews(m, [id]);
      await this.audit.record(m, {
        action: 'consortium.updated',
        entityType: 'consortium',
        entityId: id,
        before: auditShape(before),
        after: auditShape(after),
      });
      return after;
    });
  }

  /** Applicants act only for consortia that include one of their own organisations. */
  private assertActsFor(actor: Actor, organisationIds: string[]) {
    if (this.onlyOwn(actor, 'consortia:write') && !organisationIds.some((o) => actor.organisationIds.includes(o))) {
      throw DomainError.forbidden(
        'You can only create or change a consortium that your own organisation is a member of.',
        E.NOT_YOUR_CONSORTIUM,
      );
    }
  }

  /**
   * Whether the actor holds `permission` only as an applicant, and so only for its own organisations' consortia.
   * Another role lifts the limit only if it grants the permission itself: an applicant who is also an assessor
   * must not read every consortium, nor an applicant-evaluator change them.
   */
  onlyOwn(actor: Actor, permission: Permission = 'consortia:read'): boolean {
    return actor.roles.includes('applicant') && !actor.roles.some((r) => r !== 'applicant' && ROLE_PERMISSIONS[r].includes(permission));
  }

  /** Validates the member list; every problem is reported at once, by field. */
  private async resolveMembers(m: EntityManager, lead: string, members: string[], healthTrusts: string[]) {
    const problems: FieldProblem[] = [];
    const seen = new Map<string, number>();
    members.forEach((n, i) => {
      if (seen.has(n))
        problems.push({
          field: `members[${i}]`,
          code: E.DUPLICATE_MEMBER,
          message: `${n} is listed twice (also at members[${seen.get(n)}])`,
        });
      else seen.set(n, i);
    });
    const orgs: Array<{ id: string; municipality_number: string }> = await m.query(
      `SELECT id, municipality_number FROM organisation WHERE kind = 'MUNICIPALITY' AND municipality_number = ANY($1::char(4)[])`,
      [[...seen.keys()]],
    );
    const byNumber = new Map(orgs.map((o) => [o.municipality_number, o.id]));
    members.forEach((n, i) => {
      if (!byNumber.has(n) && seen.get(n) === i)
        problems.push({ field: `members[${i}]`, code: E.UNKNOWN_MUNICIPALITY, message: `${n} is not a Norwegian kommunenummer (2025)` });
    });
    if (!seen.has(lead)) {
      problems.push({
        field: 'leadMunicipality',
        code: E.LEAD_NOT_MEMBER,
        message: `the lead municipality ${lead} must also be listed in members`,
      });
    }
    const trustSeen = new Set<string>();
    const trusts: Array<{ id: string }> = healthTrusts.length
      ? await m.query(`SELECT id FROM organisation WHERE kind = 'HEALTH_TRUST' AND id = ANY($1::uuid[])`, [healthTrusts])
      : [];
    healthTrusts.forEach((t, i) => {
      if (trustSeen.has(t))
        problems.push({ field: `healthTrusts[${i}]`, code: E.DUPLICATE_MEMBER, message: 'this health trust is listed twice' });
      else if (!trusts.some((x) => x.id === t))
        problems.push({
          field: `healthTrusts[${i}]`,
          code: E.NOT_A_HEALTH_TRUST,
          message: `${t} is not a known health trust (helseforetak)`,
        });
      trustSeen.add(t);
    });
    if (problems.length) throw DomainError.validation(problems, 'The consortium has invalid members.');
    return {
      leadOrganisationId: byNumber.get(lead)!,
      organisationIds: [...[...seen.keys()].map((n) => byNumber.get(n)!), ...trustSeen],
    };
  }

  private async loadViews(m: EntityManager, ids: string[]): Promise<ConsortiumView[]> {
    if (!ids.length) return [];
    const rows: Array<{
      id: string;
      name: string;
      lead_organisation_id: string;
      created_at: Date;
      updated_at: Date;
      version: number;
      organisation_id: string;
      kind: string;
      org_name: string;
      municipality_number: string | null;
      health_region: string | null;
      population: number | null;
      written_language: string | null;
    }> = await m.query(
      `SELECT c.id, c.name, c.lead_organisation_id, c.created_at, c.updated_at, c.version,
              o.id AS organisation_id, o.kind, o.name AS org_name, o.municipality_number, o.health_region,
              mu.population, mu.written_language
         FROM consortium c
         JOIN consortium_member cm ON cm.consortium_id = c.id
         JOIN organisation o ON o.id = cm.organisation_id
         LEFT JOIN municipality mu ON mu.number = o.municipality_number
        WHERE c.id = ANY($1::uuid[])
        ORDER BY o.kind <> 'MUNICIPALITY', o.name`,
      [ids],
    );
    const views = new Map<string, ConsortiumView>();
    for (const r of rows) {
      let v = views.get(r.id);
      if (!v) {
        v = {
          id: r.id,
          name: r.name,
          leadMunicipality: '',
          leadOrganisationId: r.lead_organisation_id,
          members: [],
          municipalityCount: 0,
          population: 0,
          createdAt: new Date(r.created_at).toISOString(),
          updatedAt: new Date(r.updated_at).toISOString(),
          version: r.version,
        };
        views.set(r.id, v);
      }
      const lead = r.organisation_id === r.lead_organisation_id;
      if (lead) v.leadMunicipality = r.municipality_number ?? '';
      if (r.municipality_number) {
        v.municipalityCount++;
        v.population += Number(r.population ?? 0);
      }
      v.members.push({
        organisationId: r.organisation_id,
        kind: r.kind,
        name: r.org_name,
        municipalityNumber: r.municipality_number,
        healthRegion: r.health_region,
        population: r.population === null ? null : Number(r.population),
        writtenLanguage: r.written_language,
        lead,
      });
    }
    return ids.map((id) => views.get(id)).filter((v): v is ConsortiumView => !!v);
  }
}

function auditShape(v: ConsortiumView) {
  return { name: v.name, leadMunicipality: v.leadMunicipality, members: v.members.map((m) => m.municipalityNumber ?? m.organisationId) };
}
