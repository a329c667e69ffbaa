import { DomainError } from '@crm/platform';
import { move, reopen, startIn, type DealPosition, type StageRef } from './deal-stage-machine';

const P = 'p1';
const stage = (id: string, kind: StageRef['kind'], extra: Partial<StageRef> = {}): StageRef => ({
  id,
  pipelineId: P,
  kind,
  retired: false,
  ...extra,
});
const open: DealPosition = { pipelineId: P, stageId: 'a', status: 'open' };

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as DomainError).code;
  }
  return 'none';
}

describe('deal stage machine', () => {
  it('moves an open deal to another open stage of its pipeline', () => {
    expect(move(open, stage('b', 'open'), {})).toEqual({
      toStageId: 'b',
      status: 'open',
      closes: false,
      reopens: false,
    });
  });

  it('wins a deal moved to a won stage', () => {
    expect(move(open, stage('w', 'won'), {})).toMatchObject({ status: 'won', closes: true });
  });

  it('loses a deal only with an active reason', () => {
    expect(code(() => move(open, stage('l', 'lost'), {}))).toBe('LOST_REASON_REQUIRED');
    expect(code(() => move(open, stage('l', 'lost'), { id: 'r' }))).toBe('LOST_REASON_UNKNOWN');
    expect(code(() => move(open, stage('l', 'lost'), { id: 'r', found: { id: 'r', active: false } }))).toBe(
      'LOST_REASON_INACTIVE',
    );
    expect(move(open, stage('l', 'lost'), { id: 'r', found: { id: 'r', active: true } })).toMatchObject({
      status: 'lost',
      closes: true,
    });
  });

  it('refuses a lost reason on a move that is not to a lost stage', () => {
    expect(code(() => move(open, stage('b', 'open'), { id: 'r' }))).toBe('DEAL_STAGE_TRANSITION_INVALID');
  });

  it('refuses a stage of another pipeline, a retired stage and the current stage', () => {
    expect(code(() => move(open, stage('x', 'open', { pipelineId: 'p2' }), {}))).toBe('STAGE_NOT_IN_PIPELINE');
    expect(code(() => move(open, undefined, {}))).toBe('STAGE_NOT_IN_PIPELINE');
    expect(code(() => move(open, stage('r', 'open', { retired: true }), {}))).toBe('STAGE_RETIRED');
    expect(code(() => move(open, stage('a', 'open'), {}))).toBe('DEAL_STAGE_TRANSITION_INVALID');
  });

  it('moves a closed deal nowhere until it is reopened into an open stage', () => {
    const won: DealPosition = { ...open, stageId: 'w', status: 'won' };
    expect(code(() => move(won, stage('b', 'open'), {}))).toBe('DEAL_CLOSED');
    expect(code(() => reopen(won, stage('l', 'lost')))).toBe('DEAL_STAGE_TRANSITION_INVALID');
    expect(code(() => reopen(open, stage('b', 'open')))).toBe('DEAL_NOT_CLOSED');
    expect(reopen(won, stage('b', 'open'))).toEqual({ toStageId: 'b', status: 'open', closes: false, reopens: true });
  });

  it('starts a deal only in an open stage', () => {
    expect(code(() => startIn(P, stage('w', 'won')))).toBe('DEAL_STAGE_TRANSITION_INVALID');
    expect(startIn(P, stage('a', 'open')).id).toBe('a');
  });
});
