import { ApiProperty } from '@nestjs/swagger';
import { HEALTH_REGIONS, WRITTEN_LANGUAGES } from '../entities/municipality.entity';
import { CONSENT_BASES, ConsentBasis, MEMBER_STATUSES, MemberStatus } from '../entities/consortium.entity';
import { Organisation, ORGANISATION_KINDS } from '../entities/organisation.entity';

/** What the API answers about organisations and consortia (the OpenAPI schemas; see common/openapi.ts). */

export class MunicipalityView {
  @ApiProperty({ example: '4601', description: 'kommunenummer' })
  number: string;

  @ApiProperty({ example: 'Bergen' })
  name: string;

  @ApiProperty({ example: '46' })
  countyNumber: string;

  @ApiProperty({ example: 'Vestland' })
  county: string;

  @ApiProperty({ enum: HEALTH_REGIONS })
  healthRegion: string;

  @ApiProperty({ example: 291940 })
  population: number;

  @ApiProperty({ example: 464.71 })
  areaKm2: number;

  @ApiProperty({ example: 'Bergen' })
  adminCentre: string;

  @ApiProperty({ enum: WRITTEN_LANGUAGES, description: 'målform as registered by the municipality' })
  writtenLanguage: string;

  @ApiProperty({ enum: ['nb', 'nn'], description: 'the language letters to it are written in' })
  language: 'nb' | 'nn';
}

export class OrganisationView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ORGANISATION_KINDS })
  kind: string;

  @ApiProperty({ example: 'Bergen kommune' })
  name: string;

  @ApiProperty({ type: String, nullable: true, example: '964338531', description: 'organisasjonsnummer' })
  orgNumber: string | null;

  @ApiProperty({ type: String, nullable: true, example: '4601' })
  municipalityNumber: string | null;

  @ApiProperty({ type: String, nullable: true, enum: HEALTH_REGIONS })
  healthRegion: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  static of(o: Organisation): OrganisationView {
    return {
      id: o.id,
      kind: o.kind,
      name: o.name,
      orgNumber: o.orgNumber,
      municipalityNumber: o.municipalityNumber,
      healthRegion: o.healthRegion,
      createdAt: new Date(o.createdAt).toISOString(),
    };
  }
}

export class ConsortiumMemberView {
  @ApiProperty({ format: 'uuid' })
  organisationId: string;

  @ApiProperty({ enum: ORGANISATION_KINDS, description: 'MUNICIPALITY, or HEALTH_TRUST for an optional member' })
  kind: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ type: String, nullable: true })
  municipalityNumber: string | null;

  @ApiProperty({ type: String, nullable: true, enum: HEALTH_REGIONS })
  healthRegion: string | null;

  @ApiProperty({ type: Number, nullable: true })
  population: number | null;

  @ApiProperty({ type: String, nullable: true, enum: WRITTEN_LANGUAGES })
  writtenLanguage: string | null;

  @ApiProperty({ description: 'the lead municipality (tilskuddsansvarlig)' })
  lead: boolean;

  @ApiProperty({
    enum: MEMBER_STATUSES,
    description:
      'INVITED until an applicant of the member confirms; LETTER_SUBMITTED: the lead has submitted its signed letter of intent, which the officer accepts at the formal check; only CONFIRMED (and LETTER_SUBMITTED) members count',
  })
  status: MemberStatus;

  @ApiProperty({
    type: String,
    enum: CONSENT_BASES,
    nullable: true,
    description: 'how the member consented (MIGRATED_LEAD: a lead from before consent was recorded); null until it has',
  })
  consentBasis: ConsentBasis | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  confirmedAt: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the application attachment holding the letter of intent' })
  letterAttachmentId: string | null;
}

export class ConsortiumView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Bergensalliansen' })
  name: string;

  @ApiProperty({ example: '4601' })
  leadMunicipality: string;

  @ApiProperty({ format: 'uuid' })
  leadOrganisationId: string;

  @ApiProperty({ type: [ConsortiumMemberView] })
  members: ConsortiumMemberView[];

  @ApiProperty({ description: 'member municipalities, health trusts not counted' })
  municipalityCount: number;

  @ApiProperty({ description: 'inhabitants of the member municipalities' })
  population: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  @ApiProperty()
  version: number;
}
