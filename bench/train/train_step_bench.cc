// Training-step throughput: tokens/s of forward + backward + gradient clipping + AdamW on a
// random BERT classifier (bert-base shape by default), fp32 and bf16 autocast, for each
// sequence length. Full-length random rows (no padding), labels random, dropout off (as in
// the PyTorch step it is compared with, torch_step.py). Prints a table and
// one `RESULT {json}` line per configuration (run.sh collects them).
//
//   bench_train [--layers 12 --hidden 768 --heads 12 --inter 3072] [--batch 8]
//               [--seqs 128,256] [--dtypes fp32,bf16] [--steps 3] [--warmup 1] [--threads 2]
#include <ATen/Parallel.h>
#include <ATen/autocast_mode.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "core/cpu_features.h"
#include "core/thread_pool.h"
#include "train/adamw.h"
#include "train/bert_model.h"

using namespace bertq;
using namespace bertq::train;

namespace {

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string x;
  while (std::getline(ss, x, ',')) out.push_back(x);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int layers = 12, hidden = 768, heads = 12, inter = 3072, batch = 8, steps = 3, warmup = 1;
  int threads = default_num_threads();
  std::string seqs = "128,256", dtypes = "fp32,bf16";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--layers")
      layers = std::stoi(v);
    else if (k == "--hidden")
      hidden = std::stoi(v);
    else if (k == "--heads")
      heads = std::stoi(v);
    else if (k == "--inter")
      inter = std::stoi(v);
    else if (k == "--batch")
      batch = std::stoi(v);
    else if (k == "--steps")
      steps = std::stoi(v);
    else if (k == "--warmup")
      warmup = std::stoi(v);
    else if (k == "--threads")
      threads = std::stoi(v);
    else if (k == "--seqs")
      seqs = v;
    else if (k == "--dtypes")
      dtypes = v;
    else {
      std::fprintf(stderr, "bench_train: unknown option %s\n", k.c_str());
      return 2;
    }
  }
  at::set_num_threads(threads);
  ModelConfig cfg;
  cfg.num_hidden_layers = layers;
  cfg.hidden_size = hidden;
  cfg.num_attention_heads = heads;
  cfg.intermediate_size = inter;
  cfg.id2label = {"NEGATIVE", "POSITIVE"};
  torch::manual_seed(0);
  std::printf(
      "bench_train: layers %d hidden %d heads %d inter %d batch %d threads %d, cpu %s "
      "(avx512_bf16=%d)\n",
      layers, hidden, heads, inter, batch, threads, cpu_features().brand.c_str(),
      cpu_features().avx512_bf16);
  std::printf("%-6s %-5s %12s %12s\n", "dtype", "seq", "s/step", "tokens/s");
  for (const auto& dt : split(dtypes)) {
    for (const auto& sq : split(seqs)) {
      const int t = std::stoi(sq);
      BertClassifier model(cfg);
      init_weights(*model, 0);
      model->train();
      model->set_dropout({0, 0, 0});  // the PyTorch peer (ref_bert.py) has no dropout modules
      AdamW opt(model->named_parameters(), {});
      auto ids = torch::randint(1000, 30000, {batch, t}, torch::kLong);
      auto types = torch::zeros({batch, t}, torch::kLong);
      auto mask = torch::ones({batch, t}, torch::kLong);
      auto labels = torch::randint(0, 2, {batch}, torch::kLong);
      const bool bf16 = dt == "bf16";
      double total_s = 0;
      for (int s = 0; s < warmup + steps; ++s) {
        const auto t0 = std::chrono::steady_clock::now();
        opt.zero_grad();
        torch::Tensor logits;
        if (bf16) {
          at::autocast::set_cpu_enabled(true);
          at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
          at::autocast::increment_nesting();
        }
        logits = model->forward(ids, types, mask);
        if (bf16) {
          at::autocast::decrement_nesting();
          at::autocast::clear_cache();
          at::autocast::set_cpu_enabled(false);
        }
        auto loss = torch::cross_entropy_loss(logits.to(torch::kFloat), labels);
        loss.backward();
        clip_grad_norm(opt.params(), 1.0);
        opt.step(1e-5);
        const double el =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (s >= warmup) total_s += el;
      }
      const double per = total_s / steps, tps = batch * t / per;
      std::printf("%-6s %-5d %12.3f %12.0f\n", dt.c_str(), t, per, tps);
      std::printf(
          "RESULT {\"impl\": \"bertq-libtorch\", \"dtype\": \"%s\", \"seq\": %d, \"batch\": %d, "
          "\"threads\": %d, \"s_per_step\": %.4f, \"tokens_per_s\": %.1f}\n",
          dt.c_str(), t, batch, threads, per, tps);
      std::fflush(stdout);
    }
  }
  return 0;
}
