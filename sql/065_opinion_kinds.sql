-- 065_opinion_kinds.sql: 常用意见 for a 退回 and a 不通过 too.
--
-- The deadline-day probe: only a 通过 could pick a kept opinion; every 退回理由 (请补充继续
-- 教育学时证明, 业绩材料不清晰…) was typed afresh. A template now says which decision it is
-- for; those kept so far were 通过's.
ALTER TABLE opinion_template
	ADD COLUMN action text NOT NULL DEFAULT 'pass' CHECK (action IN ('pass', 'return', 'reject'));
ALTER TABLE opinion_template DROP CONSTRAINT opinion_template_org_id_text_key;
ALTER TABLE opinion_template ADD CONSTRAINT opinion_template_org_action_text UNIQUE (org_id, action, text);
