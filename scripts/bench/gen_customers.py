#!/usr/bin/env python3
"""Writes a master-export CSV of N realistic Mauritian customers (deterministic) for benchmarks.

Usage: gen_customers.py N OUT.csv   — customer_id 100000.., one policy BEN/<n> each.
"""
import csv
import random
import sys

FIRST = ["Kevin", "Priyanka", "Jean-Claude", "Marie", "Ravi", "Anushka", "Mohammad", "Fatima", "Wei Ling",
         "Christophe", "Nathalie", "Deepak", "Kavita", "Yusuf", "Aisha", "Stéphane", "Céline", "Vikash",
         "Pooja", "Sandrine", "Rajesh", "Sunita", "Ibrahim", "Nadia", "Laurent", "Émilie", "Arvind", "Dev"]
LAST = ["Ramgoolam", "Jugnauth", "Bérenger", "Duval", "Boolell", "Seetanah", "Peerbocus", "Joomun", "Lagesse",
        "Dookhun", "Bhugaloo", "Ramdin", "Aumeer", "Laval", "Moutou", "Gopaul", "Sookun", "Appadoo",
        "Veerapen", "Beeharry", "Nundlall", "Ah-Chuen", "Li Kwong Ken", "de Spéville", "Noël", "Curé"]
TOWNS = ["Curepipe", "Port Louis", "Quatre Bornes", "Rose-Hill", "Vacoas", "Mahébourg", "Goodlands", "Flacq"]
DOMAINS = ["gmail.com", "yahoo.com", "intnet.mu", "hotmail.com", "orange.mu"]


def main() -> None:
    n, out = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(2026)
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["customer_id", "name", "policy_number", "mobile", "email", "amount_due", "payment_status"])
        for i in range(n):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            name = f"{first} {last}" + (f" {rng.choice(TOWNS)}" if rng.random() < 0.2 else "")
            mobile = f"57{i % 1_000_000:06d}" if rng.random() < 0.9 else ""
            slug = (first + "." + last).lower().replace(" ", "").replace("é", "e").replace("ë", "e").replace("'", "")
            email = f"{slug}{i}@{rng.choice(DOMAINS)}" if rng.random() < 0.8 else ""
            amount = f"{rng.randint(500, 15000)}.{rng.randint(0, 99):02d}"
            status = rng.choices(["pending", "paid", "overdue"], [70, 20, 10])[0]
            w.writerow([100000 + i, name, f"BEN/{i}", mobile, email, amount, status])


if __name__ == "__main__":
    main()
