import { Injectable } from '@nestjs/common';
import { AccessPolicy, EVERY_ROW, Grant } from '../identity/access/access-policy';

export type CallAccess = 'read';

const published: Grant = (row) => `${row}.status <> 'DRAFT'`;

/** Drafts are the officers' work in progress; everyone else sees a call once it is published. */
@Injectable()
export class CallPolicy extends AccessPolicy<CallAccess> {
  protected readonly table = 'call';
  protected readonly noun = 'Call';
  protected readonly visibility = 'read';

  constructor() {
    super();
    this.grant('read', '*', published).grant('read', 'officer', EVERY_ROW);
  }
}
