-- wrk: chain moves, each request passing the next application of this
-- thread's share of a list (one id a line), and nothing twice; a thread stops
-- when its share is done. Arguments after "--":
--   <ids file> <threads> portal|floor <step> [csrf token]
-- The cookie comes as a header (-H). The line scripts/bench.sh reads is report.lua's.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

local threads = 0
function setup(thread)
	thread:set("tid", threads)
	threads = threads + 1
end

local ids, i, kind, step, headers = {}, 0
function init(args)
	local n, k = tonumber(args[2]), 0
	kind, step = args[3], args[4]
	-- wrk.format takes these instead of wrk.headers (the cookie): a copy with more
	headers = { ["Content-Type"] = "application/json", ["X-CSRF-Token"] = args[5] }
	for name, value in pairs(wrk.headers) do headers[name] = value end
	for line in io.lines(args[1]) do
		if k % n == tid then ids[#ids + 1] = line end
		k = k + 1
	end
end

function request()
	i = i + 1
	if i > #ids then
		-- a repeat of the last: refused with 409 if it ever leaves
		wrk.thread:stop()
		i = #ids
	end
	if kind == "floor" then
		return wrk.format("POST", "/bench/move?id=" .. ids[i] .. "&step=" .. step, nil, "")
	end
	return wrk.format("POST", "/api/unit/applications/" .. ids[i] .. "/move", headers,
		'{"action":"pass","step":' .. step .. ',"text":"同意"}')
end
