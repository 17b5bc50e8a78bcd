-- 088_recusal_fixed.sql: a same-unit conflict is fixed when the ballot opens.
--
-- A member whose employer is the applicant's unit is recused without a row (member_conflict(),
-- sql/013, sql/054), and that was worked out from the member's employer each time it was
-- read. A probe of the committee's rules edited a member's 工作单位 while the ballot was
-- open: the member recused a moment before voted, and the vote was counted; edited after a
-- meeting closed, it put the member among the 回避委员 of its 会议纪要, absent as the member
-- had been, against the minutes' own counts.
--
-- Opening the ballot now records each member's same-unit conflict as a recusal of the meeting
-- (conflict: true, its reason 与申报人为同一工作单位, declared by who opened it), and
-- after that only the meeting's recusals count. Before it opens the employer is read as it is
-- (the office sees the conflicts while it plans). Meetings already opened or closed keep the
-- conflicts as they read today.

ALTER TABLE meeting_recusal ADD COLUMN conflict boolean NOT NULL DEFAULT false;

CREATE OR REPLACE FUNCTION meeting_recused(p_meeting bigint, p_app bigint, p_member bigint)
RETURNS bool
LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM meeting_recusal r WHERE r.meeting_id = p_meeting
		AND r.application_id = p_app AND r.member_id = p_member)
		OR (member_conflict(p_member, p_app) AND EXISTS (SELECT 1 FROM committee_meeting m
		WHERE m.id = p_meeting AND m.state = 'planned'))
$$;

-- the conflicts of a meeting's agenda, as recusals of the meeting: of its members as it opened
-- (its roster), present or not (an absent member reads no 评审表 of the unit's applicant either;
-- the 会议纪要 names the present ones), or of its present members before that was kept
CREATE FUNCTION meeting_conflicts_fix(p_meeting bigint, p_by bigint) RETURNS void
LANGUAGE sql AS $$
	INSERT INTO meeting_recusal (meeting_id, application_id, member_id, reason, declared_by, conflict)
	SELECT ag.meeting_id, ag.application_id, x.member, '与申报人为同一工作单位', p_by, true
	FROM meeting_agenda ag JOIN committee_meeting m ON m.id = ag.meeting_id
	CROSS JOIN LATERAL (SELECT unnest(m.roster) AS member WHERE m.roster IS NOT NULL
		UNION SELECT ma.member_id FROM meeting_attendance ma WHERE ma.meeting_id = m.id) x
	WHERE ag.meeting_id = p_meeting AND member_conflict(x.member, ag.application_id)
	ON CONFLICT DO NOTHING
$$;

CREATE FUNCTION meeting_opened() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	PERFORM meeting_conflicts_fix(NEW.id, NEW.opened_by);
	RETURN NULL;
END
$$;
-- (ballot_open() of committee_owner opens it: sql/013)
GRANT INSERT ON meeting_recusal TO committee_owner;
ALTER FUNCTION meeting_opened() OWNER TO committee_owner;
ALTER FUNCTION meeting_conflicts_fix(bigint, bigint) OWNER TO committee_owner;
REVOKE ALL ON FUNCTION meeting_opened() FROM PUBLIC;
REVOKE ALL ON FUNCTION meeting_conflicts_fix(bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION meeting_conflicts_fix(bigint, bigint) TO committee_owner;
CREATE TRIGGER committee_meeting_opened AFTER UPDATE OF state ON committee_meeting
	FOR EACH ROW WHEN (OLD.state = 'planned' AND NEW.state = 'open')
	EXECUTE FUNCTION meeting_opened();

-- the meetings opened before: their conflicts as they read today (a closed meeting's rows are
-- otherwise frozen)
ALTER TABLE meeting_recusal DISABLE TRIGGER meeting_recusal_frozen;
SELECT meeting_conflicts_fix(m.id, coalesce(m.opened_by, m.created_by))
FROM committee_meeting m WHERE m.state <> 'planned';
ALTER TABLE meeting_recusal ENABLE TRIGGER meeting_recusal_frozen;
