#!/bin/bash
# Continue the 128-token fine-tuned all-MiniLM-L6-v2 at 256 tokens head+tail on the 22,500 training
# reviews (the 2,500 validation reviews of run 1 held out), 400 steps of 32, lr 2e-5. Rerun = resume.
export OMP_WAIT_POLICY=PASSIVE LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp
R=""; [ -d RUN256/checkpoint ] && R=--resume
exec bertq train --model RUN128/best \
  --train train22500.jsonl --eval val2500.jsonl --eval-limit 1000 \
  --out RUN256 --epochs 1 --max-steps 400 --lr 2e-5 --batch-size 32 --max-length 256 \
  --truncation head+tail --warmup-ratio 0.1 --seed 2 --threads 2 --eval-every 100 --save-every 25 $R
