-- 005_profile_payment.sql: what the applicant tests found missing.

-- Applicants keep their own mobile number up to date.
GRANT UPDATE (mobile) ON app_user TO portal_applicant;

-- One rule for "the profile is complete", used when an application is
-- created and by the pre-submission check.
CREATE FUNCTION profile_complete(uid bigint) RETURNS bool
LANGUAGE sql STABLE AS $$
	SELECT coalesce((SELECT p.ethnicity IS NOT NULL AND p.education IS NOT NULL
		AND p.degree IS NOT NULL AND p.school IS NOT NULL AND p.major IS NOT NULL
		AND p.graduation_date IS NOT NULL AND p.work_start_date IS NOT NULL
		AND p.title IS NOT NULL AND p.specialty IS NOT NULL AND p.staffing IS NOT NULL
		AND p.custody IS NOT NULL
		AND (CASE WHEN p.custody = 'talent_centre' THEN p.centre_org_id ELSE p.unit_org_id END) IS NOT NULL
		FROM applicant_profile p WHERE p.user_id = uid), false)
$$;

-- An application is charged once: at most one order waits for payment.
CREATE UNIQUE INDEX payment_one_pending ON payment (application_id) WHERE status = 'pending';
