-- 091_fee_notice_no_vague_time.sql: the message that asks for the fee no longer says 请在规定时间内
-- where it names no time. The notice's 规定时间 (附件 2, 二、7) is the department's 缴费截止日期
-- (sql/077): where one is set, fee_phrase() names the day (并于 X（含当日）前缴纳…); where none
-- is, "在规定时间内" told the applicant nothing (the applicant's walk on a phone).
UPDATE notice_text SET text = '【职称申报】您申报的《{plan}》已通过“{step}”，现由{next_org}进行“{next_step}”。'
	'请登录平台导出打印评审表{fee}。'
WHERE action = 'pass' AND to_state = 'in_review' AND from_step = 3;
