-- 032_profile_row_complete.sql: "the profile is complete" as an expression
-- of the profile's row.
--
-- profile_complete(uid) (sql/005, plpgsql since sql/017) reads the profile
-- again by the user's id; the application's statement (every page that
-- shows an application, every check before a submission) has that row
-- joined already, and paid a plpgsql call with its own statement for it:
-- ~65 000 of the statement's instructions (callgrind). The rule is now
-- written once over the row, in SQL that PostgreSQL inlines into the
-- statement calling it; profile_complete(uid) is that rule for the row it
-- finds. NULL (no profile) is not complete.
CREATE FUNCTION profile_row_complete(p applicant_profile) RETURNS bool
LANGUAGE sql IMMUTABLE AS $$
	SELECT coalesce(p.ethnicity IS NOT NULL AND p.education IS NOT NULL
		AND p.degree IS NOT NULL AND p.school IS NOT NULL AND p.major IS NOT NULL
		AND p.graduation_date IS NOT NULL AND p.work_start_date IS NOT NULL
		AND p.title IS NOT NULL AND p.specialty IS NOT NULL AND p.staffing IS NOT NULL
		AND p.custody IS NOT NULL
		AND (CASE WHEN p.custody = 'talent_centre' THEN p.centre_org_id ELSE p.unit_org_id END)
		IS NOT NULL, false)
$$;

CREATE OR REPLACE FUNCTION profile_complete(uid bigint) RETURNS bool
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN coalesce((SELECT profile_row_complete(p) FROM applicant_profile p WHERE p.user_id = uid),
		false);
END
$$;
