-- 043_codes_not_in_inbox.sql: a one-time code is for the phone, not for 消息.
--
-- The outbox (notification) is what the SMS sender sends and what the
-- applicant's 消息 page lists. A 更换手机号码 code goes to the new number,
-- and listed in 消息 it let anyone bind a number they do not hold: ask for a
-- code to it, read the code in 消息, confirm. The row stays (the sender needs
-- its text); inbox = false keeps it off the page. Codes already written are
-- taken off too (their texts all begin so, lib/codes.c).
ALTER TABLE notification ADD COLUMN inbox bool NOT NULL DEFAULT true;
UPDATE notification SET inbox = false WHERE body LIKE '【职称申报】您正在%验证码%';
