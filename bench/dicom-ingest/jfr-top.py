#!/usr/bin/env python3
"""Aggregates the Java execution samples of a JFR recording (jdk.ExecutionSample) on the SCP's association threads:
samples by thread, by code area (the first non-JDK frame from the leaf decides: Camel file component, Camel engine,
our Camel consumer, our network layer), top self frames and top inclusive methods.
usage: jfr-top.py RECORDING.jfr [THREAD_PREFIX]   (default: every thread except JFR's and the JIT's)"""
import collections, json, subprocess, sys

rec = sys.argv[1]
prefix = sys.argv[2] if len(sys.argv) > 2 else None
doc = json.loads(subprocess.run(["jfr", "print", "--json", "--stack-depth", "128", "--events", "jdk.ExecutionSample",
                                 rec], check=True, capture_output=True, text=True).stdout)
events = doc["recording"]["events"]

def name(frame):
    m = frame["method"]
    return (m["type"]["name"] + "." + m["name"]).replace("/", ".")

def area(frames):
    for f in frames:  # leaf first
        n = name(f)
        if n.startswith(("org.apache.camel.component.file.", "org.apache.camel.util.FileUtil")):
            return "Camel file component"
        if n.startswith("org.apache.camel."):
            return "Camel engine (exchange, processors, type converters, ...)"
        if n.startswith("io.distillery.camel."):
            return "our Camel consumer (DicomScpConsumer)"
        if n.startswith("io.distillery.dicom.net."):
            return "our network layer (PDU, DIMSE, spool)"
        if n.startswith("io.distillery."):
            return "our toolkit (other)"
    return "JDK only (no application frame)"

CALLERS = ["io.distillery.camel.DicomScpConsumer.onStored", "org.apache.camel.component.file.GenericFileProducer.doProcess",
           "org.apache.camel.component.file.GenericFileProducer.processExchange",
           "io.distillery.dicom.net.StorageService.deliver", "io.distillery.dicom.net.Association.serve"]
threads, areas, self_, incl = (collections.Counter() for _ in range(4))
callees = {c: collections.Counter() for c in CALLERS}
total = 0
for e in events:
    v = e["values"]
    t = (v.get("sampledThread") or {}).get("javaName") or "?"
    threads[t] += 1
    if prefix and not t.startswith(prefix):
        continue
    frames = (v.get("stackTrace") or {}).get("frames") or []
    if not frames:
        continue
    total += 1
    areas[area(frames)] += 1
    self_[name(frames[0])] += 1
    names = [name(f) for f in frames]
    for n in set(names):
        incl[n] += 1
    for i, n in enumerate(names):
        if n in callees and (i == 0 or n not in names[:i]):
            callees[n][names[i - 1] if i > 0 else "(self)"] += 1

print(f"samples by thread (all): {dict(threads.most_common(8))}")
print(f"samples counted{' on threads ' + prefix + '*' if prefix else ''}: {total}\n")
def table(title, counter, k):
    print(f"| {title} | samples | share |\n|---|---|---|")
    for n, c in counter.most_common(k):
        print(f"| `{n}` | {c} | {100 * c / max(total, 1):.1f}% |")
    print()
table("code area (first application frame from the leaf)", areas, 10)
table("top frame (self)", self_, 25)
table("method (inclusive)", incl, 70)
for c in CALLERS:
    table("callees of " + c, callees[c], 8)
