-- 053_accept_committees.sql: a 受理单位 named before the wizard offered only
-- the department the unit reports to and the chain's 评审委员会 (not its 人力社保
-- bureaus) is chosen again by its applicant: a draft's or a returned
-- application's. Submitted applications keep what they were sent with.
UPDATE application a SET accept_org_id = NULL
FROM org o
WHERE o.id = a.accept_org_id AND a.state IN ('draft', 'returned')
AND o.kind NOT IN ('construction', 'committee_junior', 'committee_mid');
