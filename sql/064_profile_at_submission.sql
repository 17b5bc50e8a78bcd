-- 064_profile_at_submission.sql: the 基本情况 an application was submitted with.
--
-- The reviewers' detail page (its facts and the pre-submission check), the 评审表 and the
-- 公示表 read the applicant's profile as it is now: an applicant who, after submitting,
-- changed their 现有职称, its date or their 学历 changed what every department reviewed
-- and printed, and a check that was clean at submission could fail afterwards (the rules
-- probe). The employer was already recorded with each submission (sql/054); now the whole
-- profile is, in the submission's transaction, by app_profile_set() (as the employer, the
-- programs cannot write it). An application under review or decided reads that copy; a
-- draft or a returned one the profile as it is (the applicant may still change and submit
-- it). Applications submitted before take the profile as it is now, all there is to go by.
CREATE TABLE application_profile (
	application_id bigint PRIMARY KEY REFERENCES application(id),
	profile applicant_profile NOT NULL,
	recorded_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO application_profile (application_id, profile)
SELECT a.id, pr FROM application a JOIN applicant_profile pr ON pr.user_id = a.applicant_id
WHERE a.state NOT IN ('draft', 'returned');

GRANT SELECT ON application_profile TO portal_app;
GRANT SELECT, INSERT, UPDATE ON application_profile TO portal_chain;

-- For an application of that applicant that they may still submit: the profile as it is.
CREATE FUNCTION app_profile_set(p_app bigint, p_user bigint) RETURNS boolean
LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
	INSERT INTO application_profile AS f (application_id, profile)
	SELECT a.id, pr FROM application a JOIN applicant_profile pr ON pr.user_id = p_user
	WHERE a.id = p_app AND a.applicant_id = p_user AND a.state IN ('draft', 'returned')
	ON CONFLICT (application_id) DO UPDATE SET profile = EXCLUDED.profile, recorded_at = now()
	RETURNING true
$$;
ALTER FUNCTION app_profile_set(bigint, bigint) OWNER TO portal_chain;
REVOKE ALL ON FUNCTION app_profile_set(bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_profile_set(bigint, bigint) TO portal_applicant;
