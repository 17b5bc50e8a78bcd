-- 050_title_other_series.sql: 现有职称 may be a 中级 of another series.
--
-- The notice's 转（兼）评 is for one who "已取得某专业的中级专业技术职务任职资格"
-- and applies for another 专业's; the profile offered only the engineering
-- series' titles, so a 经济师 had none to choose, and the check could not
-- tell a 助理工程师 choosing 转（兼）评 from one entitled to it.
ALTER TABLE applicant_profile
	DROP CONSTRAINT applicant_profile_title_check,
	ADD CONSTRAINT applicant_profile_title_check
		CHECK (title IN ('无', '技术员', '助理工程师', '工程师', '其他系列中级职称'));
