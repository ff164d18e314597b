#!/usr/bin/env python3
"""Compare two lab run directories (runs/<slug>/...) number by number.

    scripts/compare_runs.py BEFORE_RUNS AFTER_RUNS [--slug 01-attention-focus]

A refactor of the lab must give the same numbers and verdicts for the same seed; the prose around
them may move. For each report present on both sides this prints:
  - the verdict in meta.json on each side (must be equal);
  - every number of report.md, meta.json's summary and chart data, in order of appearance, and the
    first place where the two sequences differ (numbers are compared as written, so 0.10 != 0.1);
  - the multiset difference of the numbers, which stays empty when text was only reorganised;
  - data files (csv, json, png) byte for byte.
Wall-clock times ("took 22.7 s in all", a csv column "seconds") are left out.
Exit status 0 when every number, verdict and data file matches, 1 otherwise.
"""
import argparse
import collections
import json
import os
import re
import sys

# A number as the reports write it: optional sign, digits with a decimal point or exponent, or a
# fraction like 3/4 split into its parts. Words glued to digits (e.g. "E7", "kv8") still count, so
# section names take part in the order check too.
NUMBER = re.compile(r"[-−]?(?:\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|\.\d+)")


# Wall-clock times are not a function of the seed: "Training took 22.7 s in all.", a Markdown
# table column headed "s per run" and a csv column named "seconds" are left out of the comparison.
TIMING = re.compile(r"took [0-9.]+ s in all")
TIMING_COLUMNS = ("s per run", "seconds")


def mask_timing(text):
    text = TIMING.sub("took (time) s in all", text)
    out, masked = [], None
    for line in text.split("\n"):
        cells = line.split("|")
        if line.startswith("|") and masked is None:
            masked = [i for i, c in enumerate(cells) if c.strip() in TIMING_COLUMNS]
        elif line.startswith("|") and masked:
            cells = [("(time)" if i in masked and not set(c.strip()) <= set("-:") else c) for i, c in enumerate(cells)]
        elif not line.startswith("|"):
            masked = None
        out.append("|".join(cells) if line.startswith("|") else line)
    return "\n".join(out)


def numbers(text):
    return [m.group(0).replace("−", "-") for m in NUMBER.finditer(mask_timing(text))]


def data_bytes(path):
    """A data file's bytes; for a csv with a "seconds" column, the text without that column."""
    raw = open(path, "rb").read()
    if not path.endswith(".csv"):
        return raw
    lines = raw.decode("utf-8").splitlines()
    header = lines[0].split(",")
    if "seconds" not in header:
        return raw
    i = header.index("seconds")
    return "\n".join(",".join(c for j, c in enumerate(l.split(",")) if j != i) for l in lines).encode("utf-8")


def chart_numbers(meta):
    out = []
    for c in meta.get("charts", []):
        for s in c.get("series", []):
            out += [repr(float(v)) for v in s.get("x", []) or []]
            out += [repr(float(v)) for v in s.get("y", []) or []]
        hm = c.get("heatmap")
        if hm:
            for row in hm.get("values", []):
                out += [repr(float(v)) for v in row]
    return out


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return None if len(a) == len(b) else min(len(a), len(b))


def context(text, index):
    """The line holding the index-th number of text."""
    for i, m in enumerate(NUMBER.finditer(text)):
        if i == index:
            start = text.rfind("\n", 0, m.start()) + 1
            end = text.find("\n", m.end())
            return text[start:end if end >= 0 else len(text)][:200]
    return "(end of text)"


def compare_slug(before, after, slug):
    ok = True
    bdir, adir = os.path.join(before, slug), os.path.join(after, slug)
    bmeta = json.load(open(os.path.join(bdir, "meta.json"), encoding="utf-8"))
    ameta = json.load(open(os.path.join(adir, "meta.json"), encoding="utf-8"))
    print(f"== {slug}: verdict {bmeta['verdict']} -> {ameta['verdict']}")
    if bmeta["verdict"] != ameta["verdict"]:
        ok = False
        print("   VERDICT CHANGED")
    btext = open(os.path.join(bdir, "report.md"), encoding="utf-8").read()
    atext = open(os.path.join(adir, "report.md"), encoding="utf-8").read()
    squash = lambda t: re.sub(r"\n{3,}", "\n\n", "\n".join(l.rstrip() for l in t.split("\n"))).strip()
    if squash(btext) == squash(atext):
        print("   report.md: same text (up to blank lines)")
    parts = [("report.md", btext, atext), ("summary", bmeta.get("summary", ""), ameta.get("summary", ""))]
    for name, bt, at in parts:
        bt, at = mask_timing(bt), mask_timing(at)
        bn, an = numbers(bt), numbers(at)
        diff = first_difference(bn, an)
        extra = collections.Counter(an) - collections.Counter(bn)
        missing = collections.Counter(bn) - collections.Counter(an)
        if diff is None:
            print(f"   {name}: {len(bn)} numbers, same order")
        else:
            print(f"   {name}: {len(bn)} -> {len(an)} numbers; order differs at #{diff}")
            print(f"      before: {context(bt, diff)}")
            print(f"      after:  {context(at, diff)}")
        if extra or missing:
            ok = False
            print(f"   {name}: NUMBERS DIFFER: only before {dict(list(missing.items())[:20])}, "
                  f"only after {dict(list(extra.items())[:20])}")
    bc, ac = chart_numbers(bmeta), chart_numbers(ameta)
    bids = [c["id"] for c in bmeta.get("charts", [])]
    aids = [c["id"] for c in ameta.get("charts", [])]
    if bc != ac or bids != aids:
        ok = False
        print(f"   charts: DIFFER ({len(bc)} vs {len(ac)} values; ids {bids} vs {aids})")
    else:
        print(f"   charts: {len(bids)} charts, {len(bc)} values equal")
    bfiles = sorted(f for f in os.listdir(bdir) if f not in ("report.md", "meta.json", "lab.json"))
    afiles = sorted(f for f in os.listdir(adir) if f not in ("report.md", "meta.json", "lab.json"))
    if bfiles != afiles:
        ok = False
        print(f"   data files differ: {bfiles} vs {afiles}")
    for f in sorted(set(bfiles) & set(afiles)):
        same = data_bytes(os.path.join(bdir, f)) == data_bytes(os.path.join(adir, f))
        if not same:
            ok = False
        print(f"   {f}: {'same bytes' if same else 'DIFFERS'}")
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--slug", action="append")
    args = ap.parse_args()
    slugs = args.slug or sorted(s for s in os.listdir(args.before)
                                if os.path.isfile(os.path.join(args.before, s, "meta.json"))
                                and os.path.isfile(os.path.join(args.after, s, "meta.json")))
    ok = all([compare_slug(args.before, args.after, s) for s in slugs])
    print("ALL NUMBERS MATCH" if ok else "SOME NUMBERS DIFFER")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
