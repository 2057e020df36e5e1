"""Baseline (b): a Python user's pipeline — pandas.read_csv, then scipy.special.log_softmax.

    /usr/bin/python3 bench/cli/baseline_pandas.py FILE.csv      (or FILE.npy LABELS.npy: numpy.load)
"""
import json
import sys

import numpy as np
import pandas as pd
from scipy.special import log_softmax

if sys.argv[1].endswith(".npy"):
    z = np.load(sys.argv[1])
    y = np.load(sys.argv[2])
else:
    df = pd.read_csv(sys.argv[1])
    y = df["label"].to_numpy()
    z = df[[c for c in df.columns if c != "label"]].to_numpy()
lp = log_softmax(z, axis=1)
ce = -lp[np.arange(len(y)), y]
entropy = -(np.exp(lp) * lp).sum(axis=1)
accuracy = float((z.argmax(axis=1) == y).mean())
print(json.dumps({"rows": len(y), "mean_cross_entropy": float(ce.mean()), "mean_entropy": float(entropy.mean()), "accuracy": accuracy}))
