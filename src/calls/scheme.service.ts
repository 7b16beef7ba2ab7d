import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Page, PageQuery, pageInMemory } from '../common/pagination';
import { DomainError } from '../common/problem';
import { Organisation } from '../organisations/entities/organisation.entity';
import { CallErrors as E } from './calls.errors';
import { CreateDirectAllocationDto, CreateTechnologyAreaDto } from './dto/calls.dto';
import { DirectAllocation, Measure, Scheme, TechnologyArea } from './entities/scheme.entity';
import { Actor } from '../common/actor';

export interface DirectAllocationView {
  id: string;
  measureCode: string;
  organisationId: string;
  organisationName: string;
  year: number;
  amountOre: number;
  reference: string | null;
  note: string | null;
  createdAt: string;
}

/** The scheme's fixed frame: measures, technology areas, and the grants given without competition. */
@Injectable()
export class SchemeService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async schemes(q: PageQuery) {
    return pageInMemory(await this.allSchemes(), q, (s) => [s.code]);
  }

  private async allSchemes() {
    const [schemes, measures, areas] = await Promise.all([
      this.dataSource.getRepository(Scheme).find({ order: { code: 'ASC' } }),
      this.dataSource.getRepository(Measure).find({ order: { code: 'ASC' } }),
      this.allTechnologyAreas(),
    ]);
    return schemes.map((s) => ({
      code: s.code,
      name: { nb: s.nameNb, nn: s.nameNn },
      firstYear: s.firstYear,
      lastYear: s.lastYear,
      measures: measures
        .filter((m) => m.schemeCode === s.code)
        .map((m) => ({
          code: m.code,
          name: { nb: m.nameNb, nn: m.nameNn },
          allocation: m.allocation,
          takesApplications: m.allocation === 'COMPETITIVE',
        })),
      technologyAreas: areas,
    }));
  }

  async technologyAreas(q: PageQuery) {
    return pageInMemory(await this.allTechnologyAreas(), q, (t) => [t.availableFromYear, t.code]);
  }

  private async allTechnologyAreas() {
    const rows = await this.dataSource.getRepository(TechnologyArea).find({ order: { availableFromYear: 'ASC', code: 'ASC' } });
    return rows.map((t) => ({ code: t.code, name: { nb: t.nameNb, nn: t.nameNn }, availableFromYear: t.availableFromYear }));
  }

  async addTechnologyArea(dto: CreateTechnologyAreaDto) {
    return this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(TechnologyArea);
      if (await repo.existsBy({ code: dto.code })) throw DomainError.conflict(E.DUPLICATE, `Technology area ${dto.code} exists already.`);
      await repo.insert({ code: dto.code, nameNb: dto.name.nb, nameNn: dto.name.nn, availableFromYear: dto.availableFromYear });
      const after = { code: dto.code, name: { nb: dto.name.nb, nn: dto.name.nn }, availableFromYear: dto.availableFromYear };
      await this.audit.record(m, {
        action: 'technology_area.created',
        entityType: 'technology_area',
        entityId: dto.code,
        before: null,
        after,
      });
      return after;
    });
  }

  /** A handful a year (KS's competence network): read whole, paged like every list. */
  async directAllocations(q: PageQuery): Promise<Page<DirectAllocationView>> {
    const rows = await this.dataSource.getRepository(DirectAllocation).find({ order: { year: 'ASC', measureCode: 'ASC' } });
    const orgs = await this.dataSource.getRepository(Organisation).findBy({ id: In([...new Set(rows.map((r) => r.organisationId))]) });
    const views = rows.map((d) => this.allocationView(d, orgs.find((o) => o.id === d.organisationId)?.name ?? ''));
    return pageInMemory(views, q, (v) => [v.year, v.measureCode, v.id]);
  }

  /** KS's competence network is given directly: recorded, not applied for. */
  async addDirectAllocation(actor: Actor, dto: CreateDirectAllocationDto): Promise<DirectAllocationView> {
    return this.dataSource.transaction(async (m) => {
      const measure = await m.getRepository(Measure).findOneBy({ code: dto.measureCode });
      if (!measure || measure.allocation !== 'DIRECT') {
        throw DomainError.validation([
          {
            field: 'measureCode',
            code: E.MEASURE_NOT_DIRECT,
            message: `${dto.measureCode} is not a measure given by direct allocation (KOMPETANSENETTVERK is)`,
          },
        ]);
      }
      const org = await m.getRepository(Organisation).findOneBy({ id: dto.organisationId });
      if (!org)
        throw DomainError.validation([
          { field: 'organisationId', code: E.UNKNOWN_ORGANISATION, message: `${dto.organisationId} is not a known organisation` },
        ]);
      const repo = m.getRepository(DirectAllocation);
      if (await repo.existsBy({ measureCode: measure.code, organisationId: org.id, year: dto.year })) {
        throw DomainError.conflict(E.DUPLICATE, `${org.name} already has a ${measure.code} allocation for ${dto.year}.`);
      }
      const saved = await repo.save(
        repo.create({
          measureCode: measure.code,
          organisationId: org.id,
          year: dto.year,
          amountOre: dto.amountOre,
          reference: dto.reference ?? null,
          note: dto.note ?? null,
          createdBy: actor.userId,
        }),
      );
      const view = this.allocationView(saved, org.name);
      await this.audit.record(m, {
        action: 'direct_allocation.created',
        entityType: 'direct_allocation',
        entityId: saved.id,
        before: null,
        after: view,
      });
      return view;
    });
  }

  private allocationView(d: DirectAllocation, organisationName: string): DirectAllocationView {
    return {
      id: d.id,
      measureCode: d.measureCode,
      organisationId: d.organisationId,
      organisationName,
      year: d.year,
      amountOre: d.amountOre,
      reference: d.reference,
      note: d.note,
      createdAt: new Date(d.createdAt).toISOString(),
    };
  }
}
