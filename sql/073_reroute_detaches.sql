-- 073_reroute_detaches.sql: an application that follows its applicant to another unit
-- leaves the desks of the organisations that are not on its new way.
--
-- A returned application goes where its applicant now works (sql/052). A probe found
-- that the unit the person had left, and the county department of its old chain, kept
-- reading it through their desk rows: the new employer's name, the new 本人述职, the
-- files and photo uploaded since, the 评审表, what the new chain's departments wrote,
-- and the row in their worklists and exports. A desk is what lets an organisation see
-- an application (lib/application.c VISIBLE); the re-routing now removes those of every
-- organisation that holds no step of the new chain, in the same transaction. The
-- departments of the new chain keep theirs (a return within one county changes nothing),
-- and the audit log keeps who decided what (application_reroute, sql/066, and each
-- decision's line). Should the application come back to an organisation, its arrival
-- writes a desk row again, as any arrival does.
GRANT DELETE ON desk TO portal_chain;

CREATE OR REPLACE FUNCTION app_draft_route(p_app bigint, p_user bigint, p_unit bigint,
	p_pipeline text)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
	moved boolean;
BEGIN
	UPDATE application a SET unit_org_id = o.id, region_id = o.region_id, pipeline_id = pl.id,
		accept_org_id = CASE WHEN a.region_id = o.region_id AND a.pipeline_id = pl.id
			THEN a.accept_org_id END,
		updated_at = now()
	FROM org o, pipeline pl, plan p, applicant_profile pr
	WHERE a.id = p_app AND a.applicant_id = p_user AND a.state IN ('draft', 'returned')
	AND p.id = a.plan_id AND pr.user_id = p_user
	AND o.id = p_unit AND o.kind IN ('unit', 'talent_centre') AND o.status = 'approved'
	AND o.id = CASE WHEN pr.custody = 'talent_centre' THEN pr.centre_org_id ELSE pr.unit_org_id END
	AND pl.code = p_pipeline AND pl.level = p.level
	AND (a.unit_org_id, a.pipeline_id, a.region_id) IS DISTINCT FROM (o.id, pl.id, o.region_id)
	RETURNING true INTO moved;
	IF moved THEN
		-- the tally rows the desks' trigger (sql/008) changes, locked first and in
		-- the order chain_write() takes them (organisation id): no deadlock with a move
		PERFORM 1 FROM desk_tally t WHERE t.shard = p_app % 8 AND t.org_id IN (
			SELECT d.org_id FROM desk d WHERE d.application_id = p_app
			AND NOT EXISTS (SELECT 1 FROM step_owners(p_app) s WHERE s.org_id = d.org_id))
		ORDER BY t.org_id FOR UPDATE;
		DELETE FROM desk d WHERE d.application_id = p_app
		AND NOT EXISTS (SELECT 1 FROM step_owners(p_app) s WHERE s.org_id = d.org_id);
	END IF;
	RETURN moved;
END
$$;
