// End-to-end benchmark of model folders (see bench.h): loading, workload preparation, the
// interleaved protocol, memory, and the report.
#include "benchmark/bench.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <memory>
#include <thread>

#include "benchmark/system_info.h"
#include "core/error.h"
#include "core/progress.h"
#include "engine/classifier.h"

namespace bertq::benchmark {
namespace {

using Batch = std::vector<std::vector<int32_t>>;

// splitmix64: the same synthetic ids on every platform.
uint64_t splitmix64(uint64_t& s) {
  uint64_t z = (s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

Batch synthetic_batch(int seq_len, int batch, int vocab, uint64_t seed) {
  uint64_t s = seed * 1000003ull + uint64_t(seq_len) * 131ull + uint64_t(batch);
  const int lo = vocab > 2000 ? 1000 : 1;  // skip BERT's [unused] and special rows
  Batch b(size_t(batch), std::vector<int32_t>(size_t(seq_len), 0));
  for (auto& seq : b) {
    for (auto& id : seq) id = int32_t(lo + int(splitmix64(s) % uint64_t(vocab - lo)));
  }
  return b;
}

// The batches of one throughput pass over `ids` (see bench.h for the three paddings).
std::vector<Batch> throughput_batches(const Batch& ids, int batch, Padding p, int max_length,
                                      int32_t pad_id, double* padded_tokens) {
  std::vector<size_t> order(ids.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  if (p == Padding::BUCKETED) {
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return ids[a].size() < ids[b].size(); });
  }
  std::vector<Batch> out;
  *padded_tokens = 0;
  for (size_t start = 0; start < order.size(); start += size_t(batch)) {
    const size_t end = std::min(order.size(), start + size_t(batch));
    Batch b;
    size_t longest = 0;
    for (size_t k = start; k < end; ++k) longest = std::max(longest, ids[order[k]].size());
    for (size_t k = start; k < end; ++k) {
      b.push_back(ids[order[k]]);
      const size_t target = p == Padding::PAD_MAX     ? size_t(max_length)
                            : p == Padding::PAD_BATCH ? longest
                                                      : b.back().size();
      b.back().resize(std::max(target, b.back().size()), pad_id);
      *padded_tokens += double(b.back().size());
    }
    out.push_back(std::move(b));
  }
  return out;
}

struct ModelState {
  std::unique_ptr<engine::Classifier> clf;
  std::vector<text::Encoding> reviews;  // truncated reviews, input order
  std::vector<engine::SequenceView> review_views;
  Batch review_ids;                         // their ids
  std::vector<std::vector<Batch>> batches;  // [workload] the batches a run cycles through
};

std::string mb(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", double(bytes) / 1e6);
  return buf;
}

}  // namespace

std::string_view padding_name(Padding p) {
  switch (p) {
    case Padding::BUCKETED:
      return "bucketed";
    case Padding::PAD_BATCH:
      return "pad-batch";
    case Padding::PAD_MAX:
      return "pad-max";
  }
  return "?";
}

Padding parse_padding(std::string_view name) {
  for (Padding p : {Padding::BUCKETED, Padding::PAD_BATCH, Padding::PAD_MAX}) {
    if (name == padding_name(p)) return p;
  }
  throw Error(ErrorCode::INVALID_ARGUMENT,
              cat("padding \"", name, "\": expected bucketed, pad-batch or pad-max"));
}

std::vector<Workload> make_workloads(const BenchOptions& o) {
  std::vector<Workload> w;
  for (int s : o.seq_lens) {
    for (int b : o.batch_sizes) {
      w.push_back({cat("s", s, " b", b), WorkloadKind::SYNTHETIC, s, b, Padding::BUCKETED});
    }
  }
  if (!o.texts.empty()) {
    for (int b : o.batch_sizes) w.push_back({cat("real b", b), WorkloadKind::REAL, 0, b});
    w.push_back({"tokenize", WorkloadKind::TOKENIZE, 0, 0});
    const int b =
        o.batch_sizes.empty() ? 8 : *std::max_element(o.batch_sizes.begin(), o.batch_sizes.end());
    for (Padding p : o.paddings) {
      w.push_back({cat(padding_name(p), " b", b), WorkloadKind::THROUGHPUT, 0, b, p});
    }
  }
  return w;
}

double WorkloadResult::per_s(size_t m) const {
  return stats[m].median_ms > 0 ? sequences_per_run / (stats[m].median_ms * 1e-3) : 0.0;
}

const WorkloadResult* BenchReport::find(const std::string& name) const {
  for (const auto& w : workloads) {
    if (w.workload.name == name) return &w;
  }
  return nullptr;
}

BenchReport run_bench(const std::vector<BenchModelSpec>& specs, const BenchOptions& o) {
  check(!specs.empty(), ErrorCode::INVALID_ARGUMENT, "bench: no model given");
  for (int b : o.batch_sizes) {
    check(b >= 1, ErrorCode::INVALID_ARGUMENT, "bench: batch size ", b, " (must be >= 1)");
  }
  for (int s : o.seq_lens) {
    check(s >= 1, ErrorCode::INVALID_ARGUMENT, "bench: sequence length ", s, " (must be >= 1)");
  }
  check(!o.batch_sizes.empty(), ErrorCode::INVALID_ARGUMENT, "bench: no batch size");
  BenchReport rep;
  rep.options = o;
  rep.workloads.resize(0);
  const std::vector<Workload> workloads = make_workloads(o);
  check(!workloads.empty(), ErrorCode::INVALID_ARGUMENT,
        "bench: nothing to measure (give sequence lengths or reviews)");

  // Load every model, timing the construction and the RSS it adds.
  const uint64_t baseline_rss = rss_bytes();
  std::vector<ModelState> st(specs.size());
  int min_vocab = 1 << 30;
  for (size_t m = 0; m < specs.size(); ++m) {
    BenchModelResult r;
    r.dir = specs[m].dir;
    r.name = specs[m].name.empty() ? std::filesystem::path(specs[m].dir).filename().string()
                                   : specs[m].name;
    if (r.name.empty())
      r.name = std::filesystem::path(specs[m].dir).parent_path().filename().string();
    const FolderSize size = model_folder_size(r.dir);
    r.weights_bytes = size.weights;
    r.folder_bytes = size.total;
    const uint64_t before = rss_bytes();
    const auto t0 = std::chrono::steady_clock::now();
    st[m].clf = std::make_unique<engine::Classifier>(r.dir, o.engine);
    r.load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.load_rss_bytes = rss_bytes() > before ? rss_bytes() - before : 0;
    const io::BertConfig& c = st[m].clf->config();
    r.hidden = c.hidden_size;
    r.layers = c.num_hidden_layers;
    r.vocab = c.vocab_size;
    min_vocab = std::min(min_vocab, c.vocab_size);
    for (int s : o.seq_lens) {
      check(s <= c.max_tokens(), ErrorCode::INVALID_ARGUMENT, "bench: sequence length ", s,
            " is over ", r.dir, "'s ", c.max_tokens(), " positions (max_position_embeddings)");
    }
    if (!o.texts.empty()) {
      try {
        st[m].reviews = st[m].clf->encode(o.texts, o.recipe);
      } catch (const Error& e) {
        rethrow_with_context(e, cat("bench: ", r.dir));
      }
      st[m].review_views = engine::sequence_views(st[m].reviews);
      for (const text::Encoding& e : st[m].reviews) st[m].review_ids.push_back(e.ids);
    }
    rep.models.push_back(r);
  }

  // Each workload's batches, per model (synthetic ones are identical for every model).
  rep.workloads.resize(workloads.size());
  for (size_t w = 0; w < workloads.size(); ++w) {
    const Workload& wl = workloads[w];
    WorkloadResult& wr = rep.workloads[w];
    wr.workload = wl;
    for (size_t m = 0; m < st.size(); ++m) {
      std::vector<Batch> batches;
      double padded = 0;
      if (wl.kind == WorkloadKind::SYNTHETIC) {
        batches.push_back(synthetic_batch(wl.seq_len, wl.batch_size, min_vocab, o.seed));
        wr.sequences_per_run = wl.batch_size;
        wr.tokens_per_run = wr.padded_tokens_per_run = double(wl.seq_len) * wl.batch_size;
      } else if (wl.kind == WorkloadKind::REAL) {
        // Input order, not sorted: a run is one request of batch_size reviews.
        batches.clear();
        const Batch& ids = st[m].review_ids;
        for (size_t s = 0; s < ids.size(); s += size_t(wl.batch_size)) {
          batches.emplace_back(ids.begin() + long(s),
                               ids.begin() + long(std::min(ids.size(), s + size_t(wl.batch_size))));
        }
        double tokens = 0;
        for (const auto& seq : ids) tokens += double(seq.size());
        wr.sequences_per_run = std::min<double>(wl.batch_size, double(ids.size()));
        wr.tokens_per_run = wr.padded_tokens_per_run =
            tokens / double(ids.size()) * wr.sequences_per_run;
      } else if (wl.kind == WorkloadKind::TOKENIZE) {
        wr.sequences_per_run = double(o.texts.size());
        double tokens = 0;
        for (const auto& seq : st[m].review_ids) tokens += double(seq.size());
        wr.tokens_per_run = tokens;
      } else {
        batches = throughput_batches(st[m].review_ids, wl.batch_size, wl.padding,
                                     o.recipe.max_length, st[m].clf->tokenizer().pad_id(), &padded);
        double tokens = 0;
        for (const auto& seq : st[m].review_ids) tokens += double(seq.size());
        wr.sequences_per_run = double(st[m].review_ids.size());
        wr.tokens_per_run = tokens;
        wr.padded_tokens_per_run = padded;
      }
      st[m].batches.push_back(std::move(batches));
    }
  }

  std::vector<std::vector<size_t>> next_batch(workloads.size(), std::vector<size_t>(st.size(), 0));
  auto run_once = [&](size_t w, size_t m) {
    const Workload& wl = workloads[w];
    const engine::Classifier& clf = *st[m].clf;
    if (wl.kind == WorkloadKind::TOKENIZE) {
      const auto enc = clf.encode(o.texts, o.recipe);
      check(enc.size() == o.texts.size(), ErrorCode::INTERNAL, "bench: tokenizer lost texts");
      return;
    }
    if (wl.kind == WorkloadKind::THROUGHPUT && wl.padding == Padding::BUCKETED) {
      clf.run_sorted(st[m].review_views, wl.batch_size, [](size_t, std::vector<float>&) {});
      return;
    }
    const std::vector<Batch>& batches = st[m].batches[w];
    if (wl.kind == WorkloadKind::THROUGHPUT) {
      for (const Batch& b : batches) clf.logits(b);
      return;
    }
    size_t& k = next_batch[w][m];  // REAL cycles through its chunks; SYNTHETIC has one
    clf.logits(batches[k % batches.size()]);
    ++k;
  };

  // Memory of each model, before the protocol touches it: the RSS its load added plus the
  // rise of VmHWM during its first pass of the heaviest workload (the most tokens computed in
  // one forward pass: mapped weights paged in + workspace). The pass runs on a fresh thread so
  // that each model gets its own thread-local workspace (freed when the thread ends).
  size_t heavy = 0;
  double heavy_tokens = -1;
  for (size_t w = 0; w < workloads.size(); ++w) {
    const WorkloadResult& wr = rep.workloads[w];
    if (workloads[w].kind == WorkloadKind::TOKENIZE || wr.sequences_per_run <= 0) continue;
    const double per_batch =
        wr.padded_tokens_per_run / wr.sequences_per_run * double(workloads[w].batch_size);
    if (per_batch > heavy_tokens) heavy_tokens = per_batch, heavy = w;
  }
  for (size_t m = 0; m < specs.size(); ++m) {
    const uint64_t before = rss_bytes();
    const bool reset = reset_peak_rss();
    std::exception_ptr error;
    std::thread solo([&] {
      try {
        run_once(heavy, m);
      } catch (...) {
        error = std::current_exception();
      }
    });
    solo.join();
    if (error) std::rethrow_exception(error);
    const uint64_t peak = reset ? peak_rss_bytes() : before;
    BenchModelResult& bm = rep.models[m];
    bm.run_rss_bytes = peak > before ? peak - before : 0;
    bm.peak_rss_bytes = baseline_rss + bm.load_rss_bytes + bm.run_rss_bytes;
  }
  reset_peak_rss();

  uint64_t expected_calls = 0;
  for (const Workload& wl : workloads) {
    const ProtocolOptions& p = wl.kind == WorkloadKind::THROUGHPUT ? o.throughput : o.latency;
    expected_calls += progress_calls(specs.size(), p);
  }
  Progress progress("bench", expected_calls, "runs", 1.0, o.progress);
  // Latency-type workloads and throughput passes use their own protocol settings; each group
  // is interleaved across models.
  for (size_t w = 0; w < workloads.size(); ++w) {
    const bool tp = workloads[w].kind == WorkloadKind::THROUGHPUT;
    progress.set_suffix(workloads[w].name);
    const ProtocolResult pr = run_interleaved(
        1, specs.size(), tp ? o.throughput : o.latency, [&](size_t, size_t m) { run_once(w, m); },
        &progress);
    rep.workloads[w].seconds = pr.seconds[0];
    for (size_t m = 0; m < specs.size(); ++m) {
      rep.workloads[w].stats.push_back(latency_stats(pr.seconds[0][m]));
    }
  }
  progress.finish();
  rep.process_peak_rss_bytes = peak_rss_bytes();

  rep.reviews = o.texts.size();
  rep.machine = machine_info(o.engine.threads);
  rep.machine["compute"] = std::string(engine::compute_name(o.engine.compute));
  if (o.engine.isa) rep.machine["isa"] = std::string(isa_name(*o.engine.isa));
  return rep;
}

nlohmann::json BenchReport::to_json() const {
  nlohmann::json j;
  j["machine"] = machine;
  j["reviews"] = reviews;
  j["process_peak_rss_mb"] = double(process_peak_rss_bytes) / 1e6;
  j["protocol"] = {{"latency",
                    {{"warmup", options.latency.warmup},
                     {"min_runs", options.latency.min_runs},
                     {"max_runs", options.latency.max_runs},
                     {"budget_s", options.latency.budget_s}}},
                   {"throughput",
                    {{"warmup", options.throughput.warmup},
                     {"min_runs", options.throughput.min_runs},
                     {"max_runs", options.throughput.max_runs},
                     {"budget_s", options.throughput.budget_s}}},
                   {"interleaved", true},
                   {"max_length", options.recipe.max_length},
                   {"truncation", std::string(text::truncation_name(options.recipe.truncation))},
                   {"head_tokens", options.recipe.head_tokens}};
  j["models"] = nlohmann::json::array();
  for (const auto& m : models) {
    j["models"].push_back({{"name", m.name},
                           {"dir", m.dir},
                           {"weights_mb", double(m.weights_bytes) / 1e6},
                           {"folder_mb", double(m.folder_bytes) / 1e6},
                           {"load_s", m.load_s},
                           {"load_rss_mb", double(m.load_rss_bytes) / 1e6},
                           {"run_rss_mb", double(m.run_rss_bytes) / 1e6},
                           {"peak_rss_mb", double(m.peak_rss_bytes) / 1e6},
                           {"layers", m.layers},
                           {"hidden", m.hidden},
                           {"vocab", m.vocab}});
  }
  j["workloads"] = nlohmann::json::array();
  for (const auto& w : workloads) {
    nlohmann::json wj;
    wj["name"] = w.workload.name;
    const char* kinds[] = {"synthetic", "real", "tokenize", "throughput"};
    wj["kind"] = kinds[int(w.workload.kind)];
    wj["seq_len"] = w.workload.seq_len;
    wj["batch_size"] = w.workload.batch_size;
    if (w.workload.kind == WorkloadKind::THROUGHPUT) {
      wj["padding"] = std::string(padding_name(w.workload.padding));
    }
    wj["sequences_per_run"] = w.sequences_per_run;
    wj["tokens_per_run"] = w.tokens_per_run;
    wj["padded_tokens_per_run"] = w.padded_tokens_per_run;
    wj["results"] = nlohmann::json::array();
    for (size_t m = 0; m < w.stats.size(); ++m) {
      nlohmann::json r = w.stats[m].to_json();
      r["model"] = models[m].name;
      r["sequences_per_s"] = w.per_s(m);
      r["tokens_per_s"] =
          w.stats[m].median_ms > 0 ? w.tokens_per_run / (w.stats[m].median_ms * 1e-3) : 0.0;
      r["samples_ms"] = nlohmann::json::array();
      for (double s : w.seconds[m]) r["samples_ms"].push_back(s * 1e3);
      wj["results"].push_back(r);
    }
    j["workloads"].push_back(wj);
  }
  return j;
}

std::string BenchReport::to_markdown() const {
  std::string s;
  s += cat("Machine: ", machine.value("cpu", std::string("?")), ", ISA ",
           machine.value("isa", std::string("?")), ", ", machine.value("threads", 0),
           " threads of ", machine.value("cpus", 0), " CPUs, compute ",
           machine.value("compute", std::string("fp32")), ", load average (1 min) ",
           machine.value("load_average_1m", -1.0), "\n\n");
  s += "| model | weights MB | folder MB | load s | load RSS MB | first-pass RSS MB | peak RSS MB "
       "(est.) |\n";
  s += "|---|---:|---:|---:|---:|---:|---:|\n";
  char buf[512];
  for (const auto& m : models) {
    std::snprintf(buf, sizeof buf, "| %s | %s | %s | %.3f | %s | %s | %s |\n", m.name.c_str(),
                  mb(m.weights_bytes).c_str(), mb(m.folder_bytes).c_str(), m.load_s,
                  mb(m.load_rss_bytes).c_str(), mb(m.run_rss_bytes).c_str(),
                  mb(m.peak_rss_bytes).c_str());
    s += buf;
  }
  s += "\n| workload | model | runs | median ms | p90 ms | p99 ms | seq/s | tokens/s |\n";
  s += "|---|---|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& w : workloads) {
    for (size_t m = 0; m < w.stats.size(); ++m) {
      const LatencyStats& st = w.stats[m];
      const double tps = st.median_ms > 0 ? w.tokens_per_run / (st.median_ms * 1e-3) : 0.0;
      std::snprintf(buf, sizeof buf, "| %s | %s | %zu | %.2f | %.2f | %.2f | %.1f | %.0f |\n",
                    w.workload.name.c_str(), models[m].name.c_str(), st.runs, st.median_ms,
                    st.p90_ms, st.p99_ms, w.per_s(m), tps);
      s += buf;
    }
  }
  return s;
}

}  // namespace bertq::benchmark
