-- 067_surname_sort.sql: a worklist sorted by 姓名 files 曾 under Z.
--
-- The sort is ICU's pinyin order (zh-x-icu), which reads each character by its most common
-- pronunciation: 曾 as céng, 单 as dān, 解 as jiě, 仇 as chóu, 区 as qū, 查 as chá, 翟 as dí,
-- 覃 as tán... As surnames they are zēng, shàn, xiè, qiú, ōu, zhā, zhái, qín: the deadline-day
-- walk found 曾 among the C's. name_sort_key() reads a name's surname as a surname: a
-- character with another reading as a surname is replaced, for the sort only, by a common
-- character that has that reading and no other (曾 → 增), and the two compound surnames
-- whose first character reads otherwise (万俟 mòqí, 尉迟 yùchí) by two.
--
-- Left as ICU reads them, because both readings are common as surnames: 乐 (lè / yuè),
-- 长 (cháng; 长孙 zhǎngsūn is ICU's zhǎng already), 单于 (read as 单 shàn).
CREATE FUNCTION name_sort_key(name text) RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN CASE left(name, 2)
		WHEN '万俟' THEN '莫其' || substr(name, 3)
		WHEN '尉迟' THEN '玉迟' || substr(name, 3)
		ELSE translate(left(name, 1),
			'曾藏查仇单澹翟佴蕃繁阚郇祭解句隗秘区覃粘召折种重盖朴缪员洗能黑柏',
			'增臧渣求善谈宅奈皮婆看旬宅谢勾伟必欧秦年邵舌崇崇葛瓢妙运显奈贺百')
		     || substr(name, 2)
	END;

CREATE INDEX desk_by_surname ON desk (org_id, (name_sort_key(applicant_name) COLLATE "zh-x-icu"), application_id);
DROP INDEX desk_by_name;
ALTER INDEX desk_by_surname RENAME TO desk_by_name;
