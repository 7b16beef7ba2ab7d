import { Injectable, OnModuleInit } from '@nestjs/common';
import { ApplicationPolicy } from '../applications/application.policy';

/**
 * What an assignment opens on the application routes: an assessor who has declared no conflict on its own assignment
 * (DECLARED, or COMPLETED since) reads the application (GET /applications/{id}, its versions and attachments)
 * without the personal data, as through /assignments/{id}/application. Before the declaration, after a recusal or
 * once withdrawn, the application stays unknown (404).
 */
@Injectable()
export class AssessmentAccess implements OnModuleInit {
  constructor(private readonly applications: ApplicationPolicy) {}

  onModuleInit() {
    this.applications.grant(
      'read',
      'assessor',
      (a, actor, bind) =>
        `EXISTS (SELECT 1 FROM assessment_assignment x WHERE x.application_id = ${a}.id AND x.assessor_user_id = ${bind(actor.userId)} AND x.status IN ('DECLARED', 'COMPLETED'))`,
    );
  }
}
