#!/usr/bin/python3
"""Throughput against client threads, one panel per key type, one line per path.

usage: plot_throughput.py RESULTS.json OUTPUT.png   (bench/results/<date>.json from ./build.sh bench)
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

PATHS = [
    ("library", "our library (C_Sign over loopback TLS)"),
    ("softhsm2", "SoftHSM2 (local token)"),
    ("raw", "raw in-process (.NET / OpenSSL)"),
    ("grpc", "Sign API over gRPC"),
]


def main(source, target):
    with open(source, encoding="utf-8") as f:
        report = json.load(f)
    rows = report["throughput"]
    algorithms = list(dict.fromkeys(r["algorithm"] for r in rows))
    columns = 2
    rows_count = (len(algorithms) + columns - 1) // columns
    figure, axes = plt.subplots(rows_count, columns, figsize=(5.5 * columns, 4 * rows_count + 0.8), squeeze=False)
    for axis in axes.flat[len(algorithms):]:
        axis.set_visible(False)
    for axis, algorithm in zip(axes.flat, algorithms):
        for path, label in PATHS:
            points = sorted((r["threads"], r["signatures_per_second"]) for r in rows if r["algorithm"] == algorithm and r["path"] == path)
            if points:
                axis.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=label)
        axis.set_title(algorithm)
        axis.set_xscale("log", base=2)
        axis.set_yscale("log")
        axis.set_xticks([p for p in sorted({r["threads"] for r in rows})])
        axis.get_xaxis().set_major_formatter(matplotlib.ticker.ScalarFormatter())
        axis.set_xlabel("client threads")
        axis.set_ylabel("signatures / s")
        axis.grid(True, which="both", alpha=0.3)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="lower center", ncol=len(PATHS), fontsize="small")
    machine = report["machine"]
    title = f"{report['date'][:10]}: {machine['cpu']}, {machine['cores']} cores"
    if report["settings"]["quick"]:
        title += " (quick smoke run, not a measurement)"
    figure.suptitle(title)
    figure.tight_layout(rect=(0, 0.05, 1, 1))
    figure.savefig(target, dpi=110)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
