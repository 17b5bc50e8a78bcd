-- demo.sql: demo organisations, one account for every department of the
-- Jinhua chain, two approved units, a talent centre, one applicant and the plan.
-- psql variable :pwhash is the yescrypt hash of the demo password.

INSERT INTO org (kind, name, region_id, portal) VALUES
	('platform', '职称申报评审平台运维中心', (SELECT id FROM region WHERE code = '330700'), 'admin'),
	('construction', '金华市住房和城乡建设局', (SELECT id FROM region WHERE code = '330700'), 'city'),
	('committee_junior', '金华市住建局系统工程技术人员初级技术职务评审委员会', (SELECT id FROM region WHERE code = '330700'), 'city'),
	('committee_mid', '金华市建设工程技术人员工程师职务任职资格评审委员会办公室', (SELECT id FROM region WHERE code = '330700'), 'city'),
	('hrb', '金华市人力资源和社会保障局', (SELECT id FROM region WHERE code = '330700'), 'hrb');

CREATE TEMP TABLE demo_county (code text, py text, name text);
INSERT INTO demo_county VALUES
	('330702', 'wucheng', '婺城区'), ('330703', 'jindong', '金东区'),
	('330723', 'wuyi', '武义县'), ('330726', 'pujiang', '浦江县'),
	('330727', 'panan', '磐安县'), ('330781', 'lanxi', '兰溪市'),
	('330782', 'yiwu', '义乌市'), ('330783', 'dongyang', '东阳市'),
	('330784', 'yongkang', '永康市');

INSERT INTO org (kind, name, region_id, portal)
SELECT k.kind, c.name || k.suffix, r.id, k.portal
FROM demo_county c
JOIN region r ON r.code = c.code
CROSS JOIN (VALUES
	('construction', '住房和城乡建设局', 'county'),
	('committee_junior', '建设工程技术人员初级工程师职务任职资格评审委员会', 'county'),
	('hrb', '人力资源和社会保障局', 'hrb')) AS k(kind, suffix, portal);

INSERT INTO org (kind, name, region_id, portal, uscc, ownership, status) VALUES
	('unit', '金华宏达建设工程有限公司', (SELECT id FROM region WHERE code = '330702'),
	 'unit', '91330702MA2E1H3K00', 'private', 'approved'),
	('unit', '金华市建筑设计研究院有限公司', (SELECT id FROM region WHERE code = '330700-sbj'),
	 'unit', '913307001475209838', 'state', 'approved'),
	('talent_centre', '金华市人才交流中心', (SELECT id FROM region WHERE code = '330700-sbj'),
	 'unit', '12330700470116000Y', 'institution', 'approved');

-- Department accounts: <county>_jsj 建设局, <county>_cpw 初评委, <county>_rsj 人社局.
INSERT INTO app_user (role, username, name, mobile, org_id, password_hash)
SELECT o.portal, c.py || CASE o.kind WHEN 'construction' THEN '_jsj'
	WHEN 'committee_junior' THEN '_cpw' ELSE '_rsj' END,
	c.name || CASE o.kind WHEN 'construction' THEN '建设局经办人'
	WHEN 'committee_junior' THEN '初评委经办人' ELSE '人社局经办人' END,
	NULL, o.id, :'pwhash'
FROM org o JOIN region r ON r.id = o.region_id JOIN demo_county c ON c.code = r.code
WHERE o.kind IN ('construction', 'committee_junior', 'hrb');

INSERT INTO app_user (role, username, name, mobile, org_id, password_hash)
SELECT o.portal, v.username, v.name, v.mobile, o.id, :'pwhash'
FROM (VALUES
	('admin', '平台管理员', '13957900000', '职称申报评审平台运维中心'),
	('jh_zjj', '市住建局经办人', NULL, '金华市住房和城乡建设局'),
	('jh_cjpw', '市初级评委会经办人', NULL, '金华市住建局系统工程技术人员初级技术职务评审委员会'),
	('jh_zpw', '市中评委办公室经办人', NULL, '金华市建设工程技术人员工程师职务任职资格评审委员会办公室'),
	('jh_rsj', '市人社局经办人', NULL, '金华市人力资源和社会保障局'),
	('unit_hongda', '王丽华', '13957900011', '金华宏达建设工程有限公司'),
	('unit_sjy', '陈明', '13957900012', '金华市建筑设计研究院有限公司'),
	('jh_rcjl', '人才中心经办人', '13957900013', '金华市人才交流中心')
) AS v(username, name, mobile, orgname)
JOIN org o ON o.name = v.orgname;

INSERT INTO app_user (role, username, name, idcard, mobile, org_id, password_hash) VALUES
	('applicant', '330702199001010015', '张建国', '330702199001010015', '13957900021', NULL, :'pwhash');

-- The plan of the notice. Its window is kept open around the day the demo is
-- seeded so that the demo can be tried; the operator sets real dates.
INSERT INTO plan (year, name, level, opens_on, closes_on, title_name, fee_recommend, fee_review,
	requirements) VALUES
	(2023, '2023年度金华市建设工程技术人员工程师职务任职资格评审工作计划', 'mid',
	 current_date - 30, current_date + 60, '工程师', 80, 180,
	 '申报人员须具备规定学历，取得并被聘任建设工程类助理工程师满4年以上（正常申报）；'
	 '不具备规定学历或资历的，可按“自评与推荐”申报，自评分须达到117分以上，并由2名本专业或相近专业在职高级工程师推荐；'
	 '已取得中级职称转评另一专业的按“转（兼）评”申报；建设类非公企业专业技术骨干可按直接（ABC类）申报；'
	 '持一级、二级建造师等注册职（执）业资格的可按职（执）业资格申报；高技能人才按浙人社发〔2022〕77号申报。'
	 '申报材料须真实规范，业绩档案须经用人单位审查通过后方可提取。推荐评审费中级260元/人（推荐费80元、评审费180元）。'),
	(2023, '2023年度金华市建设工程技术人员助理工程师职务任职资格评审工作计划', 'junior',
	 current_date - 30, current_date + 60, '助理工程师', 0, 100,
	 '初级评审（含初定）适用于金华市本级直属事业单位及市住建局局属事业单位。推荐评审费初级100元/人。');
