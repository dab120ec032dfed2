"""Benchmark: the Results cell's suggestions (n, ORR, DCR, median PFS and OS from a publication's
abstract, as the review's ``extraction.toml`` outcome patterns read them) against a reviewer's labels.

A set is a folder with ``abstracts.csv`` (id, pmid, title, abstract) and ``labels.csv`` (id, outcome,
expected, note): one row per abstract and outcome, ``expected`` what a reviewer of the review would
put ("25%", "4.5 months", "42"; arms joined by " | " with the arm's name in brackets, "12.5 months
[EP] | 10.9 months [IP]"; "NR" for not reached; empty where the abstract does not say, or does not say
for whom). The sets in tests/data/results_built* were written by people who had not read the rules.

Per outcome, of the cells a reviewer filled: agreed (the same values and units, each arm's value
under its arm), wrong (a value that is not the reviewer's) and blank (the machine left it to the
reviewer); of the cells a reviewer left empty: how many the machine filled anyway (invented). A
suggestion left blank costs a reviewer a read; a wrong one costs a check of every suggestion, so the
two are never added up.
Usage: python benchmarks/results_agreement.py DIR [DIR...] [--show]
"""

from __future__ import annotations

import argparse
import csv
import re
from collections import Counter, defaultdict
from pathlib import Path

from _common import ROOT, machine

from litreview.extract.rows import OutcomeRead, abstract_outcomes
from litreview.extract.spec import load_spec

SPEC = load_spec(ROOT / "search_strings" / "ep_pd_nec" / "extraction.toml")
OUTCOMES = ("n", "ORR", "DCR", "median PFS", "median OS")
_VALUE = re.compile(r"^\s*(?P<value>NR|\d+(?:\.\d+)?)\s*(?P<unit>%|months?|weeks?|days?)?\s*(?:\[(?P<arm>[^\]]*)\])?\s*$",
                    re.IGNORECASE)  # fmt: skip


def _unit(unit: str) -> str:
    unit = unit.strip().lower()
    return {"month": "months", "week": "weeks", "day": "days"}.get(unit, unit)


def expected_values(text: str, where: str) -> list[tuple[str, str, str]]:
    """A label's values as (value, unit, arm)."""
    out = []
    for part in filter(None, (p.strip() for p in text.split("|"))):
        found = _VALUE.match(part)
        if found is None:
            raise ValueError(f"{where}: cannot read the label value {part!r}")
        out.append((found["value"].upper(), _unit(found["unit"] or ""), (found["arm"] or "").strip()))
    return out


def _same_number(a: str, b: str) -> bool:
    return a == b or (a != "NR" and b != "NR" and float(a) == float(b))


def _words(arm: str) -> set[str]:
    ignored = {"arm", "group", "cohort", "the", "in", "of", "and", "with", "plus", "+"}
    return {w for w in re.findall(r"[a-z0-9]+", arm.lower()) if w not in ignored}


def _same_arm(expected: str, machine_arm: str) -> bool:
    """The machine names an arm as the sentence does ("the EP arm", "arm B"); the label gives it
    short ("EP", "B"): the same arm when the label's words are all in the machine's, or the other way."""
    a, b = _words(expected), _words(machine_arm)
    return bool(a and b) and (a <= b or b <= a)


def agrees(expected: list[tuple[str, str, str]], read: OutcomeRead) -> bool:
    got = [(v, _unit(u), arm) for v, u, arm in read.values]
    if len(got) != len(expected):
        return False
    if len(expected) == 1:
        (ev, eu, _), (gv, gu, _) = expected[0], got[0]
        return _same_number(ev, gv) and (eu == gu or ev == "NR")
    left = list(got)
    for ev, eu, earm in expected:
        match = next(
            (g for g in left if _same_number(ev, g[0]) and eu == g[1] and _same_arm(earm, g[2])), None
        )
        if match is None:
            return False
        left.remove(match)
    return True


def score(folder: Path, show: bool) -> dict[str, Counter]:
    with open(folder / "abstracts.csv", encoding="utf-8", newline="") as handle:
        abstracts = {r["id"]: r["abstract"] for r in csv.DictReader(handle)}
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    with open(folder / "labels.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            labels[row["id"]][row["outcome"]] = row["expected"]
    counts: dict[str, Counter] = {o: Counter() for o in OUTCOMES}
    for record_id, abstract in abstracts.items():
        reads = {r.label: r for r in abstract_outcomes(abstract, SPEC)}
        for outcome in OUTCOMES:
            expected = expected_values(
                labels[record_id].get(outcome, ""), f"{folder / 'labels.csv'} {record_id}"
            )
            read = reads.get(outcome)
            given = read is not None and bool(read.values)
            if not expected:
                kind = "invented" if given else "empty"
            elif not given:
                kind = "blank"
            else:
                kind = "agreed" if agrees(expected, read) else "wrong"
            counts[outcome][kind] += 1
            if show and kind in ("wrong", "invented", "blank"):
                said = read.values if given else (read.blank if read else "nothing")
                print(
                    f"  {record_id} {outcome} {kind}: label {labels[record_id].get(outcome)!r}, machine {said}"
                )
    return counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sets", nargs="+", type=Path)
    parser.add_argument(
        "--show", action="store_true", help="print every disagreement (never on a set kept unseen)"
    )
    args = parser.parse_args()
    print(machine())
    for folder in args.sets:
        counts = score(folder, args.show)
        print(f"\n{folder.name}: per outcome, of the cells a reviewer filled: agreed / wrong / blank; "
              "of those a reviewer left empty: filled anyway")  # fmt: skip
        total = Counter()
        for outcome in OUTCOMES:
            c = counts[outcome]
            total.update(c)
            filled = c["agreed"] + c["wrong"] + c["blank"]
            print(f"  {outcome:<11} {c['agreed']:>3}/{filled:<3} agreed, {c['wrong']:>2} wrong, {c['blank']:>2} blank;"
                  f" {c['invented']:>2} of {c['invented'] + c['empty']} empty cells filled")  # fmt: skip
        filled = total["agreed"] + total["wrong"] + total["blank"]
        print(f"  {'all':<11} {total['agreed']:>3}/{filled:<3} agreed ({total['agreed'] / max(filled, 1):.0%}), "
              f"{total['wrong']} wrong, {total['blank']} blank; {total['invented']} empty cells filled")  # fmt: skip


if __name__ == "__main__":
    main()
