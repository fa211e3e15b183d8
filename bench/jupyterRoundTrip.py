"""Execute round trips through jupyter_client for several kernels in one run (driven by bench/jupyter.ts).

usage: jupyterRoundTrip.py ROUNDS WARMUP KERNEL=CODE...
Kernels are measured in alternating blocks, so drift of a shared machine falls on each alike. A round trip
is the client's time from sending an execute_request to holding both its reply and its idle status.
Prints JSON: {kernel: {"trivial": [ms...], "printed": [ms...]}}.
"""
import json
import sys
import time

from jupyter_client.manager import start_new_kernel

BLOCK = 25


def round_trip(kc, code):
    started = time.perf_counter()
    msg_id = kc.execute(code, store_history=False)
    replied = idle = False
    while not (replied and idle):
        if not replied:
            reply = kc.get_shell_msg(timeout=30)
            replied = reply["parent_header"].get("msg_id") == msg_id
        while not idle:
            msg = kc.get_iopub_msg(timeout=30)
            idle = (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                    and msg["content"]["execution_state"] == "idle")
    return (time.perf_counter() - started) * 1000


def main():
    rounds, warmup = int(sys.argv[1]), int(sys.argv[2])
    specs = [arg.split("=", 1) for arg in sys.argv[3:]]
    kernels = {}
    try:
        for name, _ in specs:
            kernels[name] = start_new_kernel(kernel_name=name, startup_timeout=60)
        workloads = {name: {"trivial": "1 + 1", "printed": code} for name, code in specs}
        samples = {name: {"trivial": [], "printed": []} for name, _ in specs}
        for name, (_, kc) in kernels.items():
            for _ in range(warmup):
                for code in workloads[name].values():
                    round_trip(kc, code)
        for start in range(0, rounds, BLOCK):
            for name, (_, kc) in kernels.items():
                for workload, code in workloads[name].items():
                    for _ in range(min(BLOCK, rounds - start)):
                        samples[name][workload].append(round_trip(kc, code))
        print(json.dumps(samples))
    finally:
        for km, kc in kernels.values():
            kc.stop_channels()
            km.shutdown_kernel(now=True)


main()
