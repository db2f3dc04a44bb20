#!/usr/bin/env python3
"""Generate a batch input CSV for `nextseat batch` benchmarks.

Every contract column is filled on every row; each row declares up to five signs and
carries a one- or two-sentence narrative drawn from the labelled evaluation set
(kb/eval/narrative.toml), so the narrative matcher does real work. Deterministic for a
given --seed.

Usage: python3 bench/gen_batch.py ROWS OUT.csv [--seed N] [--bad-every K]
"""
import argparse
import csv
import pathlib
import random
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent

SIGNS = [
    "cso.ideas_without_plan", "cso.new_markets", "cso.growth_ceiling", "cso.major_transition",
    "cso.long_term_misalignment", "cso.partnerships_needed", "coo.firefighting",
    "coo.delegation_overload", "coo.weak_accountability", "coo.missing_sops",
    "coo.slipping_deliverables", "coo.profitability_pressure", "coo.budget_control",
    "coo.process_inefficiency", "cos.initiatives_misaligned", "cos.key_projects_unowned",
    "cos.decision_support_gap", "cos.executive_coordination", "impl.no_follow_through",
    "impl.admin_backlog", "impl.cross_team_followup",
]
EVENTS = ["rapid_expansion", "reorganization", "turnaround", "merger", "exit", "fundraising"]
INDUSTRIES = ["logistics", "manufacturing", "software", "design agency", "healthcare clinic",
              "retail", "construction", "professional services", "restaurant group", "e-commerce"]
TAGS = ["vision", "sales", "operations", "finance", "product", "marketing", "people",
        "strategy", "technology", "fundraising"]
COLUMNS = ["name", "annual_revenue_usd", "employees", "industry", "operational_intensity",
           "market", "growth", "current_roles", "ceo_experience_years", "ceo_strengths",
           "ceo_gaps", "ceo_plans_to_step_down", "retain_key_executive", "signs", "events",
           "budget", "narrative"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rows", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--bad-every", type=int, default=0,
                    help="make every K-th row invalid (employees = 0)")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    with open(ROOT / "kb/eval/narrative.toml", "rb") as f:
        sentences = [c["text"] for c in tomllib.load(f)["case"]]
    with open(a.out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        for i in range(1, a.rows + 1):
            roles = ["ceo"] + rng.sample(["cso", "coo", "chief_of_staff", "implementer"],
                                         rng.choice([0, 0, 0, 1]))
            employees = 0 if a.bad_every and i % a.bad_every == 0 else rng.randint(2, 3000)
            w.writerow([
                f"Company {i}",
                rng.randrange(100_000, 80_000_000, 1000),
                employees,
                rng.choice(INDUSTRIES),
                rng.choice(["low", "medium", "high"]),
                rng.choice(["stable", "competitive", "hypercompetitive"]),
                rng.choice(["shrinking", "flat", "steady", "rapid"]),
                ";".join(roles),
                rng.randint(0, 30),
                ";".join(rng.sample(TAGS, rng.randint(1, 2))),
                ";".join(rng.sample(TAGS, rng.randint(1, 2))),
                rng.choice(["true", "false"]),
                rng.choice(["true", "false"]),
                ";".join(rng.sample(SIGNS, rng.randint(1, 5))),
                ";".join(rng.sample(EVENTS, rng.randint(1, 2))),
                rng.choice(["lean", "moderate", "ample"]),
                " ".join(rng.sample(sentences, rng.randint(1, 2))),
            ])
    return 0


if __name__ == "__main__":
    sys.exit(main())
