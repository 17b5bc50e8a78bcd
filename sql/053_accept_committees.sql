-- 053_accept_committees.sql: a 受理单位 named before the wizard offered only
-- the chain's 评审委员会 (or, for 初定, the department the unit reports to) is
-- chosen again by its applicant: a draft's or a returned application's that
-- named a bureau of a chain with a committee, or anything but the 住建局 of a
-- chain without one. Submitted applications keep what they were sent with.
UPDATE application a SET accept_org_id = NULL
FROM org o, pipeline p
WHERE o.id = a.accept_org_id AND p.id = a.pipeline_id AND a.state IN ('draft', 'returned')
AND CASE WHEN p.code IN ('mid_review', 'junior_review')
	THEN o.kind NOT IN ('committee_junior', 'committee_mid')
	ELSE o.kind <> 'construction' END;
