-- 079_name_dots.sql: the names stored with another 间隔号 than U+00B7.
--
-- A name is stored with U+00B7 whatever dot was typed (lib/valid.c name_tidy(), from 88da6de),
-- and the searches tidy what is typed the same way; a name registered before with • (which was
-- accepted) would have been found by nothing (the diff review). The accounts' names and the
-- desks' copies of them are made the same. A certificate keeps the name as it was issued: its
-- search compares the dots alike instead (lib/certificate.c).
-- The dots: U+2022 U+2027 U+30FB U+FF65 U+2219 U+22C5 U+0387, each to U+00B7.
CREATE FUNCTION pg_temp.dots(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT translate(t, chr(8226) || chr(8231) || chr(12539) || chr(65381) || chr(8729) || chr(8901)
		|| chr(903), repeat(chr(183), 7))
$$;
UPDATE app_user SET name = pg_temp.dots(name) WHERE name <> pg_temp.dots(name);
UPDATE desk SET applicant_name = pg_temp.dots(applicant_name)
WHERE applicant_name <> pg_temp.dots(applicant_name);
