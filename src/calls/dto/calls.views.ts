import { ApiProperty } from '@nestjs/swagger';
import { CALL_STATES } from '../call.workflow';
import { CallRulesDto, LocalisedTextDto, LocalisedTitleDto } from './calls.dto';

/** What the API answers about calls and the scheme (the OpenAPI schemas; see common/openapi.ts). */

export class CallView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: CALL_STATES })
  status: string;

  @ApiProperty({ description: 'the published version (a change to a published call makes a new one)' })
  version: number;

  @ApiProperty({ example: 'INNFORING' })
  measureCode: string;

  @ApiProperty({ example: 'JOURNAL' })
  technologyArea: string;

  @ApiProperty({ type: LocalisedTitleDto })
  title: LocalisedTitleDto;

  @ApiProperty({ type: LocalisedTextDto })
  text: LocalisedTextDto;

  @ApiProperty({ example: 4_000_000_000, description: 'øre' })
  budgetOre: number;

  @ApiProperty({ format: 'date-time' })
  opensAt: string;

  @ApiProperty({ format: 'date-time' })
  closesAt: string;

  @ApiProperty({ example: '2026-02-01T09:00:00+01:00', description: 'opensAt in Europe/Oslo' })
  opensAtOslo: string;

  @ApiProperty({ example: '2026-05-01T12:00:00+02:00', description: 'closesAt in Europe/Oslo' })
  closesAtOslo: string;

  @ApiProperty({ type: CallRulesDto })
  rules: CallRulesDto;

  @ApiProperty({ description: 'published, opened and not yet closed: applications may be submitted now' })
  openForApplications: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  publishedAt: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class TechnologyAreaView {
  @ApiProperty({ example: 'VELFERDSTEKNOLOGI' })
  code: string;

  @ApiProperty({ type: LocalisedTextDto })
  name: LocalisedTextDto;

  @ApiProperty({ example: 2025 })
  availableFromYear: number;
}

export class MeasureView {
  @ApiProperty({ example: 'INNFORING' })
  code: string;

  @ApiProperty({ type: LocalisedTextDto })
  name: LocalisedTextDto;

  @ApiProperty({ enum: ['COMPETITIVE', 'DIRECT', 'REGISTER', 'SERVICE'] })
  allocation: string;

  @ApiProperty({ description: 'whether calls are made for it (COMPETITIVE measures only)' })
  takesApplications: boolean;
}

export class SchemeView {
  @ApiProperty({ example: 'HELSETEKNOLOGIORDNINGEN' })
  code: string;

  @ApiProperty({ type: LocalisedTextDto })
  name: LocalisedTextDto;

  @ApiProperty({ example: 2024 })
  firstYear: number;

  @ApiProperty({ example: 2027 })
  lastYear: number;

  @ApiProperty({ type: [MeasureView] })
  measures: MeasureView[];

  @ApiProperty({ type: [TechnologyAreaView] })
  technologyAreas: TechnologyAreaView[];
}

export class DirectAllocationView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'KOMPETANSENETTVERK' })
  measureCode: string;

  @ApiProperty({ format: 'uuid' })
  organisationId: string;

  @ApiProperty({ example: 'KS' })
  organisationName: string;

  @ApiProperty({ example: 2026 })
  year: number;

  @ApiProperty({ description: 'øre' })
  amountOre: number;

  @ApiProperty({ type: String, nullable: true })
  reference: string | null;

  @ApiProperty({ type: String, nullable: true })
  note: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}
