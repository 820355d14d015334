-- wrk script: POST the JSON file named by the BODY environment variable to the URL given to wrk.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = assert(io.open(os.getenv("BODY"), "rb")):read("*a")

-- Count non-2xx answers so a benchmark of errors cannot pass for throughput.
local bad = 0
response = function(status, headers, body)
  if status < 200 or status > 299 then bad = bad + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("non2xx %d\n", summary.errors.status))
end
