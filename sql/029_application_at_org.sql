-- 029_application_at_org.sql: the applications waiting at an organisation
-- found by the organisation alone.
--
-- application_worklist (sql/001) indexed the applications in review by
-- organisation and last change; the worklists page through the desk now
-- (sql/008), and what still finds applications by where they wait (the
-- committee's, the interviews', the results' and the publicity's lists)
-- asks for the organisation only. The last change in the index cost every
-- update of an application its heap-only (HOT) path: each autosave of a
-- draft and each move to the organisation's own next step wrote a new entry
-- into each of the table's four indexes instead of none.
CREATE INDEX application_at_org ON application (current_org_id) WHERE state = 'in_review';
DROP INDEX application_worklist;
