-- 049_committee_floor.sql: a committee's quorum and pass threshold are never
-- below two thirds.
--
-- 人社部令第40号《职称评审管理暂行规定》 §22: the experts present are not fewer
-- than two thirds of the committee; §24: an application passes with the
-- agreement of two thirds or more of the experts present. sql/013 allowed a
-- committee to lower either to one half; that is below the national rule. A
-- committee may be stricter. A setting below the floor (none is expected)
-- goes back to the default.
UPDATE committee_setting SET quorum_num = 2, quorum_den = 3 WHERE quorum_num * 3 < quorum_den * 2;
UPDATE committee_setting SET pass_num = 2, pass_den = 3 WHERE pass_num * 3 < pass_den * 2;
ALTER TABLE committee_setting
	DROP CONSTRAINT committee_setting_check,
	DROP CONSTRAINT committee_setting_check1,
	ADD CONSTRAINT committee_setting_quorum_check
		CHECK (quorum_den BETWEEN 1 AND 100 AND quorum_num <= quorum_den AND quorum_num * 3 >= quorum_den * 2),
	ADD CONSTRAINT committee_setting_pass_check
		CHECK (pass_den BETWEEN 1 AND 100 AND pass_num <= pass_den AND pass_num * 3 >= pass_den * 2);
