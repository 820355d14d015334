#!/usr/bin/env python3
"""Where the standalone server's CPU samples go, by component (docs/benchmarks.md "HTTP"): reads the output of
`perf script -F comm,tid,ip,sym` and gives each sample to the innermost frame (leaf first) that matches one of the
components below, so a middleware's share excludes the components it calls. Prints each component's share of all
samples and the unmatched leaves. Used by tests/peers/http-profile.sh.

usage: perf script -i perf.data -F comm,tid,ip,sym > stacks.txt; python3 tests/peers/profile-components.py stacks.txt
"""
import collections
import re
import sys

comps = [
 ("kernel-send", r"__sys_sendto|__x64_sys_sendto|sys_writev|do_writev"),
 ("kernel-recv", r"__sys_recvfrom|sys_recvfrom|sock_recvmsg|__x64_sys_recvfrom"),
 ("kernel-epoll", r"do_epoll_wait|ep_poll|__x64_sys_epoll"),
 ("kernel-futex", r"futex"),
 ("kernel-sched", r"schedule|sched_yield"),
 ("pagefault", r"exc_page_fault"),
 ("ort", r"libonnxruntime|OrtApis|onnxruntime::"),
 ("jit", r"libclrjit"),
 ("gc", r"WKS::gc_heap::garbage_collect|GCHeap::GarbageCollect|gc_heap::gc1|WKS::gc_heap::"),
 ("json-parse", r"JsonDocument::Parse|JsonDocument::ParseAsyncCore|JsonDocument\+<ParseAsyncCore>"),
 ("validate", r"InstanceValidator::"),
 ("read-instances", r"InstanceReader(\+Scanner)?::"),
 ("ort-bind", r"Microsoft.ML.OnnxRuntime\.|OnnxScorer|OnnxOutputs|ModelScorer::"),
 ("to-predictions", r"RawScores::ToPredictions"),
 ("predlog", r"PredictionLog|TryLog"),
 ("json-write", r"SerializedOk`1.*ExecuteAsync|JsonSerializer|Utf8JsonWriter|PredictionResponseJson"),
 ("microbatcher", r"MicroBatcher"),
 ("telemetry", r"TrackPrediction|TrackMetric"),
 ("predsvc", r"PredictionService"),
 ("predict-api", r"PredictApi|GeneratedRouteBuilderExtensions"),
 ("ratelimit", r"RateLimitingMiddleware"),
 ("authz", r"AuthorizationMiddleware|Authorization\.Policy|DefaultAuthorizationService"),
 ("authn", r"AuthenticationMiddleware|AuthenticationService|FunctionKeyAuthenticationHandler|AuthenticationHandler|FunctionKeyAuthenticator|RolePolicyEvaluator::AuthenticateAsync"),
 ("timeouts", r"RequestTimeoutsMiddleware|RequestTimeLimitMiddleware|RequestDeadlines"),
 ("routing", r"EndpointRoutingMiddleware|DfaMatcher|EndpointMiddleware"),
 ("statuscode", r"StatusCodePagesMiddleware"),
 ("exchandler", r"ExceptionHandlerMiddleware"),
 ("invocation-mw", r"HttpTriggerInvocationMiddleware"),
 ("kestrel", r"Kestrel|System.IO.Pipelines|PinnedBlockMemoryPool"),
 ("sockets", r"System.Net.Sockets|SocketAsyncEngine|SystemNative_"),
 ("threadpool", r"ThreadPoolWorkQueue|PortableThreadPool|WorkerThread|LowLevelLifoSemaphore"),
]
comps = [(n, re.compile(p)) for n, p in comps]  # first match wins, so specific patterns come before general ones


def attribute(path):
    """(component -> samples, total samples); unmatched samples count under "other:<leaf symbol>"."""
    counts = collections.Counter()
    total = 0
    frames = []

    def flush():
        nonlocal total
        if not frames:
            return
        total += 1
        for frame in frames:  # leaf first
            for name, pattern in comps:
                if pattern.search(frame):
                    counts[name] += 1
                    return
        counts["other:" + frames[0][:80]] += 1

    for line in open(path, errors="replace"):
        if not line.strip():
            flush()
            frames = []
        elif line[0] in "\t ":
            frames.append(line.strip().split(" ", 1)[-1])
    flush()
    return counts, total


def main():
    counts, total = attribute(sys.argv[1])
    others = sorted(((k, v) for k, v in counts.items() if k.startswith("other:")), key=lambda kv: -kv[1])
    for name, n in counts.most_common():
        if not name.startswith("other:"):
            print(f"{100 * n / total:6.2f}% {name}")
    print(f"{100 * sum(n for _, n in others) / total:6.2f}% other (largest leaves below)")
    for name, n in others[:10]:
        print(f"   {100 * n / total:6.2f}% {name[6:]}")


if __name__ == "__main__":
    main()
