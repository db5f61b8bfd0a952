#!/usr/bin/env python3
"""CPU cost of creating small files in a directory, the way a receiver writes instances (create, write 5 KB, close;
with --rename: under a spool name, then renamed into place), removing them after each round as run.sh does between
passes.

On ext4 without a journal (this machine's disk) every inode allocation skips the inode group's recently deleted
inodes one by one (kernel: find_inode_bit -> recently_deleted), so the cost depends on which group the directory's
files land in and on how many files were deleted there in the last minutes, not on the writer. Run it on a few
directories to see the spread, e.g.:

    for d in /tmp/a /tmp/b /tmp/c /dev/shm/a; do python3 bench/dicom-ingest/create-cost.py $d; done

usage: create-cost.py DIR [--files N] [--rounds R] [--rename]
"""
import argparse
import os
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--files", type=int, default=500)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--rename", action="store_true")
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    data = b"\0" * 5000
    costs = []
    for r in range(a.rounds):
        names = []
        t0 = time.process_time()
        for i in range(a.files):
            final = os.path.join(a.dir, f"probe-{r}-{i}.dcm")
            first = os.path.join(a.dir, f".probe-{r}-{i}.part") if a.rename else final
            fd = os.open(first, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            os.write(fd, data)
            os.close(fd)
            if a.rename:
                os.rename(first, final)
            names.append(final)
        costs.append(1e6 * (time.process_time() - t0) / a.files)
        for n in names:
            os.unlink(n)
    print(f"{a.dir}: {'create+rename' if a.rename else 'create'}, CPU us per file by round: "
          + " ".join(f"{c:.0f}" for c in costs))


if __name__ == "__main__":
    main()
