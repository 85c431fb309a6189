-- wrk script for bench/serve.sh: POST one CSV row (with its header) to
-- /v1/explain. The body is read from the file named by WRK_BODY.
local f = assert(io.open(os.getenv("WRK_BODY"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "text/csv"

-- a run with any non-200 answer is not a measurement
local bad = 0
response = function(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end
done = function(summary, latency, requests)
  if bad > 0 then io.stderr:write(string.format("non-200 answers: %d\n", bad)) end
end
