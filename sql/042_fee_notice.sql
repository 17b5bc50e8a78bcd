-- 042_fee_notice.sql: the 12333 message that asks for the 评审表 and the fee.
--
-- The notice (附件 2, 二、7): 申报人员根据 12333 短信提示，在规定时间内完成评审表导出
-- 打印和费用缴纳. The applicant may pay once the unit has reported the
-- application up to the step with the fee gate, step 4 of every chain
-- (县（市、区）建设初评委资格审查, 市住建局初级评委会资格审核并组织评审, 市住建局
-- 资格审核并评定, 市住建局资格审核); nothing told them so. The pass that
-- arrives there (from step 3, 单位公示并推荐上报) now says it. A plan whose
-- department set no fee still prints its 评审表, hence "需缴纳…的".
INSERT INTO notice_text (action, to_state, from_step, text) VALUES
	('pass', 'in_review', 3, '【职称申报】您申报的《{plan}》已通过“{step}”，现由{next_org}进行“{next_step}”。'
		'请登录平台导出打印评审表；需缴纳评审费用的，请在规定时间内完成缴费。');
-- the fee gate is still at step 4 of every chain (the text above says so)
DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pipeline p WHERE NOT EXISTS (SELECT 1 FROM step_gate g
	    WHERE g.pipeline_id = p.id AND g.seq = 4 AND g.gate = 'fee')) THEN
		RAISE EXCEPTION '042: a chain without its fee at step 4';
	END IF;
END
$$;
