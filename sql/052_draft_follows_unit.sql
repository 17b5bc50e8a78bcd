-- 052_draft_follows_unit.sql: an application its applicant may still change
-- goes where its applicant now works.
--
-- An application is routed when it is made (马上申报): the unit or talent
-- centre that keeps the applicant's file, its county, the chain. An applicant
-- who then chose another unit in 个人基本信息 (a wrong pick corrected, a new
-- job) kept a draft bound for the old one, and could neither move it nor make
-- another for the plan (one per plan); one returned to them went back to the
-- unit they had left. When the profile changes, and as such an application
-- is opened (its unit's county or 隶属关系 may have been corrected,
-- cgi-bin/admin), the applicant program routes it again by
-- the rules of 马上申报 (cgi-bin/applicant/page-applications.c,
-- app_drafts_follow()) and moves it here: a draft or a returned application of that applicant only, to the
-- unit or centre that keeps their file now, on a chain of its plan's level.
-- A submitted application's position stays chain_write()'s alone (sql/010);
-- its 受理单位 (a department of the old chain) is chosen again.
GRANT UPDATE (unit_org_id, region_id, pipeline_id, accept_org_id) ON application TO portal_chain;
GRANT SELECT ON pipeline, applicant_profile TO portal_chain;

CREATE FUNCTION app_draft_route(p_app bigint, p_user bigint, p_unit bigint, p_pipeline text)
RETURNS boolean
LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
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
	RETURNING true
$$;
ALTER FUNCTION app_draft_route(bigint, bigint, bigint, text) OWNER TO portal_chain;
REVOKE ALL ON FUNCTION app_draft_route(bigint, bigint, bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_draft_route(bigint, bigint, bigint, text) TO portal_applicant;
