-- 052_draft_follows_unit.sql: a draft goes where its applicant now works.
--
-- An application is routed when it is made (马上申报): the unit or talent
-- centre that keeps the applicant's file, its county, the chain. An applicant
-- who then chose another unit in 个人基本信息 (a wrong pick corrected, a new
-- job) kept a draft bound for the old one, and could neither move it nor make
-- another for the plan (one per plan). When the profile changes, the
-- applicant program routes each draft again by the rules of 马上申报
-- (cgi-bin/applicant/page-applications.c, app_drafts_follow()) and moves it
-- here. Only a draft of that applicant, never submitted: a submitted
-- application's position stays chain_write()'s alone (sql/010); its 受理单位
-- (a department of the old chain) is chosen again.
GRANT UPDATE (unit_org_id, region_id, pipeline_id, accept_org_id) ON application TO portal_chain;
GRANT SELECT ON pipeline TO portal_chain;

CREATE FUNCTION app_draft_route(p_app bigint, p_user bigint, p_unit bigint, p_pipeline text)
RETURNS boolean
LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
	UPDATE application a SET unit_org_id = o.id, region_id = o.region_id, pipeline_id = pl.id,
		accept_org_id = CASE WHEN a.region_id = o.region_id AND a.pipeline_id = pl.id
			THEN a.accept_org_id END,
		updated_at = now()
	FROM org o, pipeline pl
	WHERE a.id = p_app AND a.applicant_id = p_user AND a.state = 'draft' AND a.submitted_at IS NULL
	AND o.id = p_unit AND o.kind IN ('unit', 'talent_centre') AND o.status = 'approved'
	AND pl.code = p_pipeline
	AND (a.unit_org_id, a.pipeline_id) IS DISTINCT FROM (o.id, pl.id)
	RETURNING true
$$;
ALTER FUNCTION app_draft_route(bigint, bigint, bigint, text) OWNER TO portal_chain;
REVOKE ALL ON FUNCTION app_draft_route(bigint, bigint, bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_draft_route(bigint, bigint, bigint, text) TO portal_applicant;
