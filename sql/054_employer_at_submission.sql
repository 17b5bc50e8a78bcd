-- 054_employer_at_submission.sql: the 工作单位 an application was submitted
-- from.
--
-- The 公示表, the interview lists, the committee's agenda and ballots, the
-- results document and the 评审表 named the applicant's employer as the
-- profile says it now (review.h, EMPLOYER_JOIN): an applicant who chose
-- another employer after submitting moved every one of their applications
-- under review, and the lists of a 人才交流中心's applications named the
-- centre. The employer is now recorded with each submission (the applicant
-- program's hook, with the snapshot, in the submission's transaction);
-- applications submitted before take the profile's as it is now.
ALTER TABLE application ADD COLUMN employer_org_id bigint REFERENCES org(id);
UPDATE application a SET employer_org_id = p.unit_org_id
FROM applicant_profile p
WHERE p.user_id = a.applicant_id AND a.state <> 'draft' AND p.unit_org_id IS NOT NULL;
-- Recorded by app_employer_set() alone (as a draft's route by sql/052's): for
-- an application of that applicant that they may still submit, the employer
-- their profile names; the programs cannot write the column.
GRANT UPDATE (employer_org_id) ON application TO portal_chain;
CREATE FUNCTION app_employer_set(p_app bigint, p_user bigint) RETURNS boolean
LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
	UPDATE application a SET employer_org_id = pr.unit_org_id
	FROM applicant_profile pr
	WHERE a.id = p_app AND a.applicant_id = p_user AND a.state IN ('draft', 'returned')
	AND pr.user_id = p_user
	RETURNING true
$$;
ALTER FUNCTION app_employer_set(bigint, bigint) OWNER TO portal_chain;
REVOKE ALL ON FUNCTION app_employer_set(bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_employer_set(bigint, bigint) TO portal_applicant;

-- A committee member's conflict (sql/013) counts that employer too, beside the
-- unit it went through and the one the profile names now.
CREATE OR REPLACE FUNCTION member_conflict(p_member bigint, p_app bigint) RETURNS bool
LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM committee_member m, application a
		LEFT JOIN applicant_profile pr ON pr.user_id = a.applicant_id
		JOIN org o ON o.id IN (a.unit_org_id, pr.unit_org_id, a.employer_org_id)
		WHERE m.user_id = p_member AND a.id = p_app AND employer_key(m.employer) <> ''
		AND employer_key(o.name) = employer_key(m.employer))
$$;
