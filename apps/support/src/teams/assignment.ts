import type { EntityManager } from 'typeorm';
import { isWorkingTime } from '../calendars/business-time';
import { CalendarStore } from '../calendars/calendar-store';
import { supportError } from '../shared/support-errors';

interface Candidate {
  id: string;
  capacity: number;
  available: boolean;
  calendar_id: string | null;
  open: number;
}

/** Whether an agent can take one more ticket now: marked available, within working hours, under capacity. */
async function canTake(cal: CalendarStore, a: Candidate, now: Date): Promise<boolean> {
  if (!a.available || a.open >= a.capacity) return false;
  return !a.calendar_id || isWorkingTime(await cal.get(a.calendar_id), now);
}

/**
 * The next agent of the team by round-robin (in agent id order, after the
 * one assigned last), skipping agents who are unavailable, off their working
 * hours or at capacity (open tickets assigned >= capacity). The team row is
 * locked, so concurrent assignments take turns instead of picking the same
 * agent. null when nobody can take it.
 */
export async function nextAgent(m: EntityManager, teamId: string, now = new Date()): Promise<string | null> {
  const [team]: { last_assigned_agent_id: string | null }[] = await m.query(
    `SELECT last_assigned_agent_id FROM teams WHERE id = $1 FOR UPDATE`,
    [teamId],
  );
  if (!team) return null;
  const members: Candidate[] = await m.query(
    `SELECT a.id, a.capacity, a.available, a.calendar_id,
            (SELECT count(*)::int FROM tickets t
              WHERE t.assignee_id = a.id AND t.status IN ('new', 'open', 'pending', 'on-hold')) AS open
       FROM team_members tm JOIN agents a ON a.id = tm.agent_id
      WHERE tm.team_id = $1 ORDER BY a.id`,
    [teamId],
  );
  if (members.length === 0) return null;
  const last = team.last_assigned_agent_id;
  const start = last ? members.findIndex((a) => a.id > last) : 0;
  const order = [...members.slice(start < 0 ? 0 : start), ...members.slice(0, start < 0 ? 0 : start)];
  const cal = new CalendarStore(m);
  for (const a of order) {
    if (await canTake(cal, a, now)) {
      await m.query(`UPDATE teams SET last_assigned_agent_id = $2 WHERE id = $1`, [teamId, a.id]);
      return a.id;
    }
  }
  return null;
}

/** A manual assignment must name a member of the ticket's team (when it has one). */
export async function checkMember(m: EntityManager, teamId: string | null, agentId: string): Promise<void> {
  const [agent]: { id: string }[] = await m.query(`SELECT id FROM agents WHERE id = $1`, [agentId]);
  if (!agent) throw supportError('AGENT_NOT_FOUND', `No agent ${agentId}`);
  if (!teamId) return;
  const [member]: unknown[] = await m.query(`SELECT 1 FROM team_members WHERE team_id = $1 AND agent_id = $2`, [
    teamId,
    agentId,
  ]);
  if (!member)
    throw supportError('AGENT_NOT_IN_TEAM', `Agent ${agentId} is not a member of team ${teamId}`, {
      errors: [{ field: 'agentId', message: 'is not a member of the ticket team' }],
    });
}
