-- wrk script: POST the JSON file named by the BODY environment variable to the URL given to wrk.
-- No response() callback on purpose: defining one makes wrk hand every response to Lua, which costs wrk CPU that
-- the servers under test need on a 2-core box. wrk counts status >= 400 itself (summary.errors.status).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = assert(io.open(os.getenv("BODY"), "rb")):read("*a")

-- Print the error count so a benchmark of errors cannot pass for throughput (http-bench.sh checks it is 0).
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("non2xx %d\nsocket_errors %d\n", e.status, e.connect + e.read + e.write + e.timeout))
end
