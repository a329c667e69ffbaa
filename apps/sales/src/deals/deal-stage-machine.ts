import type { FieldProblem } from '@crm/platform';
import { salesError } from '../shared/sales-errors';
import type { StageKind } from '../pipelines/stage-kinds';

export type DealStatus = 'open' | 'won' | 'lost';

export interface StageRef {
  id: string;
  pipelineId: string;
  kind: StageKind;
  retired: boolean;
}

export interface DealPosition {
  pipelineId: string;
  stageId: string;
  status: DealStatus;
}

export interface LostReasonRef {
  id: string;
  active: boolean;
}

/** What a move changes: the new stage and status, and whether it closes or reopens the deal. */
export interface Transition {
  toStageId: string;
  status: DealStatus;
  closes: boolean;
  reopens: boolean;
}

const stageField = (message: string): { errors: FieldProblem[] } => ({ errors: [{ field: 'stageId', message }] });

function checkTarget(deal: DealPosition, stage: StageRef | undefined): StageRef {
  if (!stage || stage.pipelineId !== deal.pipelineId)
    throw salesError('STAGE_NOT_IN_PIPELINE', "The stage is not a stage of the deal's pipeline", {
      pipelineId: deal.pipelineId,
      ...stageField("is not a stage of the deal's pipeline"),
    });
  if (stage.retired) throw salesError('STAGE_RETIRED', 'The stage is retired', stageField('is a retired stage'));
  return stage;
}

/**
 * The deal's state machine. An open deal moves to any other active stage of
 * its own pipeline; moving into a won or lost stage closes it, and a lost
 * stage needs an active lost reason. A closed deal moves nowhere until it is
 * reopened, explicitly, into an open stage.
 */
export function move(
  deal: DealPosition,
  stage: StageRef | undefined,
  lostReason: { id?: string; found?: LostReasonRef },
): Transition {
  if (deal.status !== 'open')
    throw salesError('DEAL_CLOSED', `The deal is ${deal.status}; reopen it before moving it`, { status: deal.status });
  const target = checkTarget(deal, stage);
  if (target.id === deal.stageId)
    throw salesError(
      'DEAL_STAGE_TRANSITION_INVALID',
      'The deal is already in this stage',
      stageField('is the current stage'),
    );
  if (target.kind === 'lost') {
    if (!lostReason.id)
      throw salesError('LOST_REASON_REQUIRED', 'A deal is lost for a reason', {
        errors: [{ field: 'lostReasonId', message: 'is required to move a deal to a lost stage' }],
      });
    if (!lostReason.found)
      throw salesError('LOST_REASON_UNKNOWN', 'No such lost reason', {
        errors: [{ field: 'lostReasonId', message: 'is not a lost reason' }],
      });
    if (!lostReason.found.active)
      throw salesError('LOST_REASON_INACTIVE', 'The lost reason is retired', {
        errors: [{ field: 'lostReasonId', message: 'is a retired lost reason' }],
      });
  } else if (lostReason.id) {
    throw salesError('DEAL_STAGE_TRANSITION_INVALID', 'Only a move to a lost stage takes a lost reason', {
      errors: [{ field: 'lostReasonId', message: 'is only for a move to a lost stage' }],
    });
  }
  return { toStageId: target.id, status: target.kind, closes: target.kind !== 'open', reopens: false };
}

/** Reopening: only a won or lost deal, only into an open stage of its pipeline. */
export function reopen(deal: DealPosition, stage: StageRef | undefined): Transition {
  if (deal.status === 'open') throw salesError('DEAL_NOT_CLOSED', 'The deal is open; there is nothing to reopen');
  const target = checkTarget(deal, stage);
  if (target.kind !== 'open')
    throw salesError(
      'DEAL_STAGE_TRANSITION_INVALID',
      'A deal is reopened into an open stage',
      stageField('must be an open stage'),
    );
  return { toStageId: target.id, status: 'open', closes: false, reopens: true };
}

/** A new deal starts in an open stage of its pipeline. */
export function startIn(pipelineId: string, stage: StageRef | undefined): StageRef {
  const target = checkTarget({ pipelineId, stageId: '', status: 'open' }, stage);
  if (target.kind !== 'open')
    throw salesError(
      'DEAL_STAGE_TRANSITION_INVALID',
      'A deal starts in an open stage; win or lose it afterwards',
      stageField('must be an open stage'),
    );
  return target;
}
