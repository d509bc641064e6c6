"""Match throughput of the Python binding, on 1, 2 and 4 threads.

    INGROUTE_LIBRARY=build/lib/libingroute.so.1 python3 bindings/python/bench_match.py

Each thread routes the same mix of requests against one Router; the
figure is microseconds per match over all threads together (wall time
divided by matches). Lookups take no lock, and ctypes releases the GIL in
the C call, so threads overlap there; the Python work around it (encoding
the arguments, building the Match) runs one thread at a time.
"""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "src"))
import ingroute  # noqa: E402

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                        "examples", "manifests")
REQUESTS = [("shop.example.com", "/cart/42"), ("shop.example.com", "/cart/checkout"),
            ("api.example.com", "/v2/orders/17"), ("pr-481.preview.example.com", "/"),
            ("nowhere.example.com", "/x")]


def run(router, threads, per_thread):
    barrier = threading.Barrier(threads + 1)

    def work():
        barrier.wait()
        n = len(REQUESTS)
        for i in range(per_thread):
            h, p = REQUESTS[i % n]
            router.match(h, p)

    ts = [threading.Thread(target=work) for _ in range(threads)]
    for t in ts:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in ts:
        t.join()
    return (time.perf_counter() - t0) / (threads * per_thread) * 1e6


def main():
    per_thread = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    with ingroute.Router.load(EXAMPLES, class_="public") as r:
        run(r, 1, 1000)  # warm up
        for threads in (1, 2, 4):
            print("%d thread%s: %.2f us/match" % (
                threads, "" if threads == 1 else "s", run(r, threads, per_thread)))


if __name__ == "__main__":
    main()
