"""Decode speed of the official Python SDK (ntnx-vmm-py-client) on the decode benchmark's
list responses, for `cargo xtask bench`.

Each call goes through the SDK's own response path, `ApiClient.__deserialize_response`:
`json.loads` of the body, then `ApiClient.deserialize` into the list response model
(e.g. `vmm.v4.ahv.config.ListVmsApiResponse`), the same as `VmApi.list_vms` does with a
real answer. (The deserializer consumes the dicts it reads, so every call starts from the
bytes.)

usage: decode_bench.py [--smoke] --out FILE NAME=PATH=TYPE [NAME=PATH=TYPE ...]

Writes the results in the Rust benchmarks' format: {"bench", "smoke", "measurements":
[{"name", "samples" (seconds per call), "entities", "bytes"}], "notes"}.
"""

import json
import sys
import time
from importlib.metadata import version

from ntnx_vmm_py_client import ApiClient

WARMUP_SECONDS = 1.0
SAMPLES = 7
SAMPLE_SECONDS = 0.3


class Body:
    """The part of the SDK's RESTResponse its deserializer reads."""

    def __init__(self, data):
        self.data = data


def measure(call, smoke):
    if smoke:
        started = time.perf_counter()
        call()
        return [time.perf_counter() - started]
    started = time.perf_counter()
    runs = 0
    while runs == 0 or time.perf_counter() - started < WARMUP_SECONDS:
        call()
        runs += 1
    per_call = (time.perf_counter() - started) / runs
    batch = max(1, int(SAMPLE_SECONDS / per_call))
    samples = []
    for _ in range(SAMPLES):
        started = time.perf_counter()
        for _ in range(batch):
            call()
        samples.append((time.perf_counter() - started) / batch)
    return samples


def main(argv):
    smoke = "--smoke" in argv
    args = [a for a in argv if a != "--smoke"]
    if len(args) < 3 or args[0] != "--out":
        sys.exit(__doc__)
    out = args[1]
    client = ApiClient()
    deserialize_response = client._ApiClient__deserialize_response
    measurements = []
    for spec in args[2:]:
        name, path, klass = spec.split("=", 2)
        with open(path, "rb") as f:
            raw = f.read()
        decoded = deserialize_response(Body(raw), klass)
        entities = len(decoded.data)
        first = decoded.data[0]
        if type(first).__name__ not in ("Vm", "Image"):
            sys.exit(f"{name}: data decoded as {type(first).__name__}, not a model")
        samples = measure(lambda: deserialize_response(Body(raw), klass), smoke)
        median = sorted(samples)[len(samples) // 2]
        print(f"{name + '/python/decode':<40} median {median * 1e6:>12.3f} µs  ({len(samples)} samples)")
        measurements.append(
            {
                "name": f"{name}/python/decode",
                "samples": samples,
                "entities": entities,
                "bytes": len(raw),
            }
        )
    notes = {
        "python": sys.version.split()[0],
        "sdk": f"ntnx-vmm-py-client {version('ntnx-vmm-py-client')}",
    }
    with open(out, "w") as f:
        json.dump(
            {"bench": "python", "smoke": smoke, "measurements": measurements, "notes": notes},
            f,
            indent=2,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
