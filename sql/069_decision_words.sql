-- 069_decision_words.sql: the words of a decision, as the notice has them for every desk.
--
-- The notice names the unit's 通过 with its 审核通过意见 and the departments' 审查通过 with
-- their 审查意见 (管理部门网上审核操作办法). A history line read "审核意见：…" after every
-- pass, a county's and a committee's too, and the audit log named the three moves of the
-- chain 审核通过 / 退回修改 / 审核不通过, as if they were the unit's 业绩档案审核 beside them
-- (the text review). The history line now says 意见 (the organisation that wrote it is on
-- the same line); the audit log names the moves of an application by what they are.
UPDATE action_label SET text_label = '意见' WHERE code = 'pass';
UPDATE audit_label SET name = '申报通过' WHERE kind = 'action' AND code = 'pass';
UPDATE audit_label SET name = '申报退回修改' WHERE kind = 'action' AND code = 'return';
UPDATE audit_label SET name = '申报不通过' WHERE kind = 'action' AND code = 'reject';

-- The committees by the notice's names: 县（市、区）建设初评委, 市建设中评委 (its 办公室 the
-- portal's account); "建设工程中级评委会" is not a name the notice uses.
UPDATE org_kind SET name = '建设初评委' WHERE code = 'committee_junior';
UPDATE org_kind SET name = '市建设中评委办公室' WHERE code = 'committee_mid';
