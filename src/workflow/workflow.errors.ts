/** Problem codes the workflow engine answers with (the role check answers with the common 403 FORBIDDEN). */
export const WorkflowErrors = {
  /** 409: the event is not allowed from the object's current state. */
  INVALID_STATE_TRANSITION: 'INVALID_STATE_TRANSITION',
  /** 403: separation of duties; the actor fired an earlier event on this object that rules them out of this one. */
  SEPARATION_OF_DUTIES: 'SEPARATION_OF_DUTIES',
} as const;
