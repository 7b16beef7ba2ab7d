import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../common/problem';
import { ApplicationPolicy } from './application.policy';
import { CaseFile, JournalDirection, JournalEntry } from './entities/case.entity';
import { Actor } from '../common/actor';
import { lockLastEntrySeq, nextCaseNumber, setLastEntrySeq } from './applications.queries';

export interface JournalEntryView {
  entryNumber: string;
  seq: number;
  direction: JournalDirection;
  documentType: string;
  title: string;
  counterpart: string | null;
  applicationVersion: number | null;
  registeredAt: string;
  registeredBy: string | null;
  document: { mediaType: string; sha256: string } | null;
}

/** A document registered with a journal entry: where storage keeps it, and its digest. */
export interface JournalDocument {
  key: string;
  sha256: string;
  mediaType: string;
}

export interface JournalView {
  caseNumber: string;
  applicationId: string;
  title: string;
  openedAt: string;
  entries: JournalEntryView[];
}

const CASE_NUMBER = /^(\d{4})\/(\d{5})$/;

/**
 * Case numbers (saksnummer YYYY/NNNNN) and the case journal (journalposter YYYY/NNNNN-n). Both counters are rows
 * locked and bumped inside the caller's transaction: a rolled-back submission returns its number, so numbers are
 * gap-free per year (a sequence would leave gaps). Other modules journal their letters through record().
 */
@Injectable()
export class CaseJournal {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policy: ApplicationPolicy,
  ) {}

  /** Takes the next case number of the year and opens the case file for the application. */
  async openCase(m: EntityManager, input: { applicationId: string; title: string; at: Date; year: number }): Promise<string> {
    const number = await nextCaseNumber(m, input.year);
    const caseNumber = `${input.year}/${String(number).padStart(5, '0')}`;
    await m.getRepository(CaseFile).insert({
      caseNumber,
      year: input.year,
      number,
      applicationId: input.applicationId,
      title: input.title,
      openedAt: input.at,
      lastEntrySeq: 0,
    });
    return caseNumber;
  }

  /** Journals a document in the case: the next entry number YYYY/NNNNN-n, in the caller's transaction. */
  async record(
    m: EntityManager,
    caseNumber: string,
    e: {
      direction: JournalDirection;
      documentType: string;
      title: string;
      counterpart?: string | null;
      applicationVersion?: number | null;
      actor?: Actor | null;
      at: Date;
      document?: JournalDocument;
    },
  ): Promise<JournalEntryView> {
    const last = await lockLastEntrySeq(m, caseNumber);
    if (last === undefined) throw new Error(`case ${caseNumber} does not exist`);
    const seq = last + 1;
    await setLastEntrySeq(m, caseNumber, seq);
    const entry = m.getRepository(JournalEntry).create({
      caseNumber,
      seq,
      direction: e.direction,
      documentType: e.documentType,
      title: e.title,
      counterpart: e.counterpart ?? null,
      applicationVersion: e.applicationVersion ?? null,
      registeredBy: e.actor?.userId ?? null,
      registeredAt: e.at,
      documentKey: e.document?.key ?? null,
      documentSha256: e.document?.sha256 ?? null,
      documentMediaType: e.document?.mediaType ?? null,
    });
    await m.getRepository(JournalEntry).insert(entry);
    return entryView(entry);
  }

  /** The journal of a case the actor may know of: the case follows its application's access policy. */
  async journal(actor: Actor, caseNumber: string): Promise<JournalView> {
    if (!CASE_NUMBER.test(caseNumber)) throw DomainError.notFound('Case', caseNumber);
    const file = await this.dataSource.getRepository(CaseFile).findOneBy({ caseNumber });
    if (!file || !(await this.policy.allows(this.dataSource.manager, actor, file.applicationId, 'read'))) {
      throw DomainError.notFound('Case', caseNumber);
    }
    const entries = await this.dataSource.getRepository(JournalEntry).find({ where: { caseNumber }, order: { seq: 'ASC' } });
    return {
      caseNumber,
      applicationId: file.applicationId,
      title: file.title,
      openedAt: file.openedAt.toISOString(),
      entries: entries.map(entryView),
    };
  }
}

function entryView(e: JournalEntry): JournalEntryView {
  return {
    entryNumber: `${e.caseNumber}-${e.seq}`,
    seq: e.seq,
    direction: e.direction,
    documentType: e.documentType,
    title: e.title,
    counterpart: e.counterpart,
    applicationVersion: e.applicationVersion,
    registeredAt: new Date(e.registeredAt).toISOString(),
    registeredBy: e.registeredBy,
    document: e.documentKey ? { mediaType: e.documentMediaType!, sha256: e.documentSha256! } : null,
  };
}
