-- 002_reference.sql: reference data the rules depend on: regions, kinds of
-- organisation, the four review chains of the 2023 Jinhua notice, and the
-- holiday calendar. Demo organisations and accounts are in seed/, not here.

INSERT INTO region (code, name, level, parent_id) VALUES ('330700', '金华市', 'city', NULL);
INSERT INTO region (code, name, level, parent_id)
SELECT v.code, v.name, 'county', (SELECT id FROM region WHERE code = '330700')
FROM (VALUES
	('330700-sbj', '市本级'),
	('330702', '婺城区'),
	('330703', '金东区'),
	('330723', '武义县'),
	('330726', '浦江县'),
	('330727', '磐安县'),
	('330781', '兰溪市'),
	('330782', '义乌市'),
	('330783', '东阳市'),
	('330784', '永康市')) AS v(code, name);

INSERT INTO org_kind (code, name, city_name) VALUES
	('unit', '用人单位', '用人单位'),
	('talent_centre', '人才交流中心', '人才交流中心'),
	('construction', '建设主管部门', '市住房和城乡建设局'),
	('committee_junior', '建设工程初级评委会（初评委）', '市住建局系统初级评委会'),
	('committee_mid', '建设工程中级评委会办公室', '市建设中评委办公室'),
	('hrb', '人力社保局', '市人力社保局'),
	('platform', '平台管理', '平台管理');

INSERT INTO pipeline (code, name, level, scope) VALUES
	('mid_review', '中级评审', 'mid', '金华市企事业单位（不含参照公务员管理的事业单位）'),
	('junior_review', '初级评审', 'junior', '金华市本级（含金华双龙风景旅游区）直属事业单位'),
	('junior_assess', '初级初定', 'junior', '金华市住房和城乡建设局局属事业单位'),
	('mid_assess', '中级初定', 'mid', '金华市住房和城乡建设局局属事业单位');

-- Steps 1-3 are the same in every chain: the applicant applies, the unit
-- checks (通过/退回/不通过), then publicises for at least 5 working days
-- before it reports upward (报送).
INSERT INTO pipeline_step (pipeline_id, seq, name, actor_level, actor_kind, actions, gate)
SELECT p.id, s.seq, s.name, s.lvl, s.kind, s.actions::text[], s.gate
FROM pipeline p
JOIN (VALUES
	(1, '个人网络申报', 'applicant', NULL, '{submit}', NULL),
	(2, '单位资格审查', 'unit', NULL, '{pass,return,reject}', NULL),
	(3, '单位公示并推荐上报', 'unit', NULL, '{pass,return,reject}', 'publicity')
) AS s(seq, name, lvl, kind, actions, gate) ON true;

INSERT INTO pipeline_step (pipeline_id, seq, name, actor_level, actor_kind, actions, gate)
SELECT p.id, s.seq, s.name, s.lvl, s.kind, s.actions::text[], NULL
FROM (VALUES
	('mid_review', 4, '县（市、区）建设初评委资格审查', 'county', 'construction', '{pass,return,reject}'),
	('mid_review', 5, '县（市、区）人力社保局复审', 'county', 'hrb', '{pass,return,reject}'),
	('mid_review', 6, '县（市、区）组织评前面试或业务能力复审', 'county', 'construction', '{pass,reject}'),
	('mid_review', 7, '县（市、区）建设初评委评审推荐', 'county', 'committee_junior', '{pass,reject}'),
	('mid_review', 8, '市建设中评委审核', 'city', 'committee_mid', '{pass,return,reject}'),
	('mid_review', 9, '市人力社保部门资格复审并公示', 'city', 'hrb', '{pass,return,reject}'),
	('mid_review', 10, '市建设中评委评审', 'city', 'committee_mid', '{pass,reject}'),
	('mid_review', 11, '公布评审结果', 'city', 'committee_mid', '{pass}'),
	('mid_review', 12, '制发文件、网络打印证书', 'city', 'committee_mid', '{pass}'),

	('junior_review', 4, '市住建局初级评委会资格审核并组织评审', 'city', 'committee_junior', '{pass,return,reject}'),
	('junior_review', 5, '评审结果报市人力社保局', 'city', 'hrb', '{pass,reject}'),
	('junior_review', 6, '公布评审结果', 'city', 'committee_junior', '{pass}'),
	('junior_review', 7, '制发文件、网络打印证书', 'city', 'committee_junior', '{pass}'),

	('junior_assess', 4, '市住建局资格审核并评定', 'city', 'construction', '{pass,return,reject}'),
	('junior_assess', 5, '初定结果报市人力社保局', 'city', 'hrb', '{pass,reject}'),
	('junior_assess', 6, '公布初定结果', 'city', 'construction', '{pass}'),
	('junior_assess', 7, '制发文件、网络打印证书', 'city', 'construction', '{pass}'),

	('mid_assess', 4, '市住建局资格审核', 'city', 'construction', '{pass,return,reject}'),
	('mid_assess', 5, '市人力社保局评定', 'city', 'hrb', '{pass,reject}'),
	('mid_assess', 6, '公布初定结果', 'city', 'hrb', '{pass}'),
	('mid_assess', 7, '制发文件、网络打印证书', 'city', 'hrb', '{pass}')
) AS s(pcode, seq, name, lvl, kind, actions)
JOIN pipeline p ON p.code = s.pcode;

-- National holiday schedules (国务院办公厅通知) for the years in use. The
-- operator corrects and extends this list; weekends need no rows.
INSERT INTO calendar_day (day, is_workday, note)
SELECT d::date, false, v.note
FROM (VALUES
	('2023-01-02', '2023-01-02', '元旦'),
	('2023-01-23', '2023-01-27', '春节'),
	('2023-04-05', '2023-04-05', '清明节'),
	('2023-05-01', '2023-05-03', '劳动节'),
	('2023-06-22', '2023-06-23', '端午节'),
	('2023-09-29', '2023-10-06', '中秋节、国庆节'),
	('2024-01-01', '2024-01-01', '元旦'),
	('2024-02-12', '2024-02-16', '春节'),
	('2024-04-04', '2024-04-05', '清明节'),
	('2024-05-01', '2024-05-03', '劳动节'),
	('2024-06-10', '2024-06-10', '端午节'),
	('2024-09-16', '2024-09-17', '中秋节'),
	('2024-10-01', '2024-10-07', '国庆节'),
	('2025-01-01', '2025-01-01', '元旦'),
	('2025-01-28', '2025-02-04', '春节'),
	('2025-04-04', '2025-04-04', '清明节'),
	('2025-05-01', '2025-05-05', '劳动节'),
	('2025-06-02', '2025-06-02', '端午节'),
	('2025-10-01', '2025-10-08', '国庆节、中秋节'),
	('2026-01-01', '2026-01-02', '元旦'),
	('2026-02-16', '2026-02-23', '春节'),
	('2026-04-06', '2026-04-06', '清明节'),
	('2026-05-01', '2026-05-05', '劳动节'),
	('2026-06-19', '2026-06-19', '端午节'),
	('2026-09-25', '2026-09-25', '中秋节'),
	('2026-10-01', '2026-10-07', '国庆节')
) AS v(a, b, note)
CROSS JOIN generate_series(v.a::date, v.b::date, interval '1 day') d
WHERE extract(isodow FROM d) < 6;

INSERT INTO calendar_day (day, is_workday, note) VALUES
	('2023-01-28', true, '春节调休上班'), ('2023-01-29', true, '春节调休上班'),
	('2023-04-23', true, '劳动节调休上班'), ('2023-05-06', true, '劳动节调休上班'),
	('2023-06-25', true, '端午节调休上班'),
	('2023-10-07', true, '国庆节调休上班'), ('2023-10-08', true, '国庆节调休上班'),
	('2024-02-04', true, '春节调休上班'), ('2024-02-18', true, '春节调休上班'),
	('2024-04-07', true, '清明节调休上班'),
	('2024-04-28', true, '劳动节调休上班'), ('2024-05-11', true, '劳动节调休上班'),
	('2024-09-14', true, '中秋节调休上班'),
	('2024-09-29', true, '国庆节调休上班'), ('2024-10-12', true, '国庆节调休上班'),
	('2025-01-26', true, '春节调休上班'), ('2025-02-08', true, '春节调休上班'),
	('2025-04-27', true, '劳动节调休上班'),
	('2025-09-28', true, '国庆节调休上班'), ('2025-10-11', true, '国庆节调休上班'),
	('2026-01-04', true, '元旦调休上班'),
	('2026-02-14', true, '春节调休上班'), ('2026-02-28', true, '春节调休上班'),
	('2026-05-09', true, '劳动节调休上班'),
	('2026-09-20', true, '国庆节调休上班'), ('2026-10-10', true, '国庆节调休上班');
