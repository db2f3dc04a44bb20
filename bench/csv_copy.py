#!/usr/bin/env python3
"""The Python baseline for batch throughput: read a CSV and write every row back out
with the standard library's csv module. Usage: python3 bench/csv_copy.py IN.csv OUT.csv"""
import csv
import sys

with open(sys.argv[1], newline="", encoding="utf-8") as src, \
        open(sys.argv[2], "w", newline="", encoding="utf-8") as dst:
    w = csv.writer(dst)
    for row in csv.reader(src):
        w.writerow(row)
