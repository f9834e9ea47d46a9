# bench/engine/models.sh, sourced by run.sh and real_lengths.sh: the models both benches time,
# made once in $WORK and reused. Sets PY (a python3 with torch, onnx and numpy) and installs
# onnxruntime-node from npm into a copy of ../shared/peers ($PEERS). Makes the random bert-base
# folder $M (peers' make_model.py, seed 0), its ONNX export $WORK/model_fp32.onnx and, with
# INT8=1, the peers' ORT dynamic INT8 model $WORK/model_int8.onnx and `bertq quantize` of $M
# into $M8, both with bert-base-uncased's tokenizer files (../shared/data) for real-text benches.
# Expects ROOT SHARED WORK PEERS M M8 BERTQ INT8 and a log function from the caller.
PY=${PY:-}
if [ -z "$PY" ]; then
  for c in $(type -ap python3); do
    if "$c" -c 'import torch, onnx, numpy' >/dev/null 2>&1; then PY=$c; break; fi
  done
fi
[ -n "$PY" ] || { echo "no python3 with torch, onnx and numpy (scripts/setup.sh --bench installs python3-torch python3-onnx python3-numpy)"; exit 1; }

mkdir -p "$WORK/logs"
if [ ! -d "$PEERS/node_modules/onnxruntime-node" ]; then
  log "copying ../shared/peers to $PEERS and installing onnxruntime-node from npm"
  rm -rf "$PEERS" && cp -r "$SHARED/peers" "$PEERS"
  (cd "$PEERS" && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund >/dev/null) \
    || { echo "npm install failed"; exit 1; }
fi
if [ ! -f "$M/model.safetensors" ]; then
  log "random bert-base model (peers' make_model.py, seed 0) -> $M"
  "$PY" "$PEERS/make_model.py" --layers 12 --hidden 768 --heads 12 --inter 3072 --vocab 30522 \
    --seed 0 --out "$M" || exit 1
fi
for f in vocab.txt tokenizer.json; do
  [ -f "$M/$f" ] || cp "$SHARED/data/bert-base-uncased/$f" "$M/" || exit 1
done
if [ ! -f "$WORK/model_fp32.onnx" ]; then
  log "ONNX export (peers' export_onnx.py, opset 14)"
  "$PY" "$PEERS/export_onnx.py" --model "$M" --out "$WORK/model_fp32.onnx" --opset 14 || exit 1
fi

if [ "$INT8" = 1 ]; then
  if [ ! -f "$WORK/model_int8.onnx" ]; then
    log "ORT dynamic INT8 model (peers' quantize_onnx.py)"
    "$PY" "$PEERS/quantize_onnx.py" --in "$WORK/model_fp32.onnx" --out "$WORK/model_int8.onnx" || exit 1
  fi
  if [ ! -f "$M8/model.safetensors" ]; then
    [ -x "$BERTQ" ] || { echo "missing $BERTQ: run scripts/build.sh bertq"; exit 1; }
    log "bertq quantize (dynamic, int8 embeddings) -> $M8"
    "$BERTQ" quantize --model "$M" --out "$M8" --force || exit 1
  fi
  for f in vocab.txt tokenizer.json; do
    [ -f "$M8/$f" ] || cp "$M/$f" "$M8/" || exit 1
  done
  log "sizes: $(du -m "$M/model.safetensors" | cut -f1) MB FP32, $(du -m "$M8/model.safetensors" | cut -f1) MB bertq INT8 ($(du -sm "$M8" | cut -f1) MB folder), $(du -m "$WORK/model_int8.onnx" | cut -f1) MB ORT INT8"
fi
