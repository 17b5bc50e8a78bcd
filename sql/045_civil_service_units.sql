-- 045_civil_service_units.sql: a 参照公务员法管理 事业单位 is marked as such.
--
-- Each of the notice's chains is for 企事业单位 "不含参照公务员管理的事业单位".
-- A 事业单位's affiliation already chooses its chain (局属 → 初定, 市本级直属
-- → 初级评审, none → 中级评审); civil_service says it has none: its staff
-- cannot apply (cgi-bin/applicant/page-applications.c), as a 机关's cannot.
ALTER TABLE org DROP CONSTRAINT org_affiliation_check;
ALTER TABLE org ADD CONSTRAINT org_affiliation_check
	CHECK (affiliation IN ('bureau', 'city_direct', 'civil_service'));
