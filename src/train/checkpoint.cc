// Checkpoint / model-folder writing and reading (see checkpoint.h for the layout).
#include "train/checkpoint.h"

#include <nlohmann/json.hpp>

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/file_util.h"
#include "core/log.h"
#include "io/safetensors.h"

namespace bertq::train {

namespace {

nlohmann::json state_to_json(const TrainState& s) {
  return {{"step", s.step},
          {"epoch", s.epoch},
          {"next_batch", s.next_batch},
          {"best_metric", s.best_metric},
          {"best_step", s.best_step},
          {"best_eval",
           {{"loss", s.best_eval.loss},
            {"accuracy", s.best_eval.accuracy},
            {"macro_f1", s.best_eval.macro_f1},
            {"examples", s.best_eval.examples}}},
          {"evals_without_improvement", s.evals_without_improvement},
          {"elapsed_s", s.elapsed_s},
          {"tokens", s.tokens},
          {"options", nlohmann::json::parse(s.options_json.empty() ? "{}" : s.options_json)}};
}

// The name of rank r's RNG state in optimizer.safetensors.
std::string rng_name(int rank) {
  return rank == 0 ? "rng.torch" : cat("rng.torch.rank", rank);
}

}  // namespace

torch::Tensor rng_state() {
  return at::detail::getDefaultCPUGenerator().get_state().contiguous();
}

void save_checkpoint(const std::string& dir, torch::nn::Module& model, const AdamW& opt,
                     const TrainState& state, const std::vector<torch::Tensor>& rng_states) {
  write_dir_atomic(dir, [&](const std::string& tmp) {
    save_module_weights(model, tmp + "/model.safetensors");
    io::SafeTensorsWriter w;
    std::vector<torch::Tensor> keep;  // the writer borrows the bytes until write()
    for (const auto& [name, t] : opt.state()) {
      keep.push_back(t.detach().to(torch::kCPU, torch::kFloat).contiguous());
      const auto& c = keep.back();
      w.add(name, io::DType::F32, c.sizes().vec(), c.data_ptr<float>(), c.numel() * sizeof(float));
    }
    for (size_t r = 0; r < rng_states.size(); ++r) {
      keep.push_back(rng_states[r].to(torch::kUInt8).contiguous());
      const auto& c = keep.back();
      w.add(rng_name(static_cast<int>(r)), io::DType::U8, {c.numel()}, c.data_ptr<uint8_t>(),
            c.numel());
    }
    w.set_metadata("ranks", std::to_string(rng_states.size()));
    w.set_metadata("adamw_step", std::to_string(opt.steps()));
    w.write(tmp + "/optimizer.safetensors");
    write_file_atomic(tmp + "/state.json", state_to_json(state).dump(2) + "\n");
  });
}

std::optional<TrainState> load_checkpoint(const std::string& dir, torch::nn::Module& model,
                                          AdamW& opt, int rank, int world) {
  const std::string d = find_complete_dir(dir);
  if (d.empty()) return std::nullopt;
  const std::string state_path = d + "/state.json";
  TrainState s;
  try {
    auto j = nlohmann::json::parse(read_file(state_path));
    s.step = j.at("step").get<int64_t>();
    s.epoch = j.at("epoch").get<int64_t>();
    s.next_batch = j.at("next_batch").get<int64_t>();
    s.best_metric = j.at("best_metric").get<double>();
    s.best_step = j.at("best_step").get<int64_t>();
    const auto& be = j.at("best_eval");
    s.best_eval.loss = be.at("loss").get<double>();
    s.best_eval.accuracy = be.at("accuracy").get<double>();
    s.best_eval.macro_f1 = be.value("macro_f1", 0.0);  // absent in checkpoints before 2026-12
    s.best_eval.examples = be.at("examples").get<int64_t>();
    s.evals_without_improvement = j.at("evals_without_improvement").get<int64_t>();
    s.elapsed_s = j.at("elapsed_s").get<double>();
    s.tokens = j.at("tokens").get<uint64_t>();
    s.options_json = j.at("options").dump();
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::CORRUPT_FILE, cat(state_path, ": ", e.what()));
  }
  load_module_weights(model, d + "/model.safetensors", nullptr);  // every parameter required
  io::SafeTensorsFile f(d + "/optimizer.safetensors");
  std::vector<std::pair<std::string, torch::Tensor>> named;
  for (const auto& t : f.tensors()) {
    if (t.name.rfind("rng.torch", 0) == 0) continue;
    check(t.dtype == io::DType::F32, ErrorCode::CORRUPT_FILE, f.path(), ": tensor ", t.name,
          ": expected F32");
    named.emplace_back(t.name,
                       torch::from_blob(const_cast<void*>(t.data), t.shape, torch::kFloat).clone());
  }
  const int64_t adam_step =
      std::stoll(f.metadata().count("adamw_step") ? f.metadata().at("adamw_step") : "0");
  opt.load_state(named, adam_step, f.path());
  const auto& meta = f.metadata();
  const bool per_rank = meta.count("ranks") > 0;
  check(!per_rank || meta.at("ranks") == std::to_string(world), ErrorCode::INVALID_ARGUMENT,
        f.path(), ": written by ", per_rank ? meta.at("ranks") : "",
        " ranks; resume it with as many, not ", world);
  const std::string name = rng_name(per_rank ? rank : 0);
  const io::TensorView& rng = f.get(name);
  check(rng.dtype == io::DType::U8, ErrorCode::CORRUPT_FILE, f.path(), ": tensor ", name,
        ": expected U8");
  auto rng_t = torch::from_blob(const_cast<void*>(rng.data), {rng.numel()}, torch::kUInt8).clone();
  at::Generator gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(rng_t);
  return s;
}

void load_start_weights(torch::nn::Module& model, const std::string& model_dir, uint64_t seed,
                        const c10::Device& dev, const std::string& activity,
                        const std::function<std::vector<std::string>(const std::string&)>& load) {
  const std::string weights = join_path(model_dir, "model.safetensors");
  // A PyTorch-only folder must not silently train from random weights.
  check(file_exists(weights) || !file_exists(join_path(model_dir, "pytorch_model.bin")),
        ErrorCode::UNSUPPORTED, model_dir,
        ": has pytorch_model.bin but no model.safetensors; run `bertq convert --model ", model_dir,
        " --out ", model_dir, "` first (it reads the checkpoint without running it)");
  if (file_exists(weights)) {
    for (const auto& n : load(weights))
      log_info(cat(weights, ": ", n,
                   " initialised at random (not in the file, or a head for other labels)"));
  } else {
    log_info(cat(model_dir, ": no model.safetensors, ", activity, " from random weights (seed ",
                 seed, ")"));
  }
  model.to(dev);
  if (!dev.is_cpu()) log_info(cat(activity, " on ", dev.str()));
}

StepPlan plan_steps(size_t examples, int batch_size, int grad_accum, int epochs, int64_t max_steps,
                    double warmup_ratio) {
  StepPlan p;
  const int64_t batches = (static_cast<int64_t>(examples) + batch_size - 1) / batch_size;
  p.steps_per_epoch = (batches + grad_accum - 1) / grad_accum;
  p.total = p.steps_per_epoch * epochs;
  if (max_steps > 0) p.total = std::min(p.total, max_steps);
  p.warmup = static_cast<int64_t>(std::ceil(warmup_ratio * static_cast<double>(p.total)));
  return p;
}

bool options_json_matches(const std::string& stored, const std::string& current) {
  static const nlohmann::json kAddedKeys = {{"max_steps", 0}, {"labels", nlohmann::json::array()}};
  nlohmann::json old = nlohmann::json::parse(stored, nullptr, false);
  const nlohmann::json now = nlohmann::json::parse(current, nullptr, false);
  if (!old.is_object() || !now.is_object()) return stored == current;
  for (const auto& [key, value] : kAddedKeys.items())
    if (!old.contains(key) && now.contains(key)) old[key] = value;
  return old == now;
}

TrainState start_or_resume(const std::string& out_dir, torch::nn::Module& model, AdamW& opt,
                           const std::string& options_json, bool resume, const MetricsLog* mlog,
                           int rank, int world) {
  const std::string ckpt_dir = join_path(out_dir, "checkpoint");
  TrainState st;
  st.options_json = options_json;
  if (!resume) {
    check(find_complete_dir(ckpt_dir).empty(), ErrorCode::INVALID_ARGUMENT, out_dir,
          " holds a checkpoint: pass --resume to continue it or choose another --out");
    if (mlog) write_file_atomic(mlog->path(), "");
    return st;
  }
  auto loaded = load_checkpoint(ckpt_dir, model, opt, rank, world);
  check(loaded.has_value(), ErrorCode::NOT_FOUND, cat(ckpt_dir, ": no checkpoint to resume from"));
  check(
      options_json_matches(loaded->options_json, options_json), ErrorCode::INVALID_ARGUMENT,
      cat(ckpt_dir, "/state.json: the run was started with other options: ", loaded->options_json));
  if (mlog) mlog->truncate_after(loaded->step);
  log_info(cat("resuming at step ", loaded->step, " (epoch ", loaded->epoch + 1, ", batch ",
               loaded->next_batch, ")"));
  return *loaded;
}

void save_model_folder(const std::string& dir, BertClassifierImpl& model,
                       const std::string& tokenizer_from) {
  write_dir_atomic(dir, [&](const std::string& tmp) {
    save_weights(model, tmp + "/model.safetensors");
    model.config_.save(tmp + "/config.json");
    for (const char* name :
         {"vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"}) {
      const std::string src = join_path(tokenizer_from, name);
      if (file_exists(src)) write_file_atomic(join_path(tmp, name), read_file(src));
    }
  });
}

}  // namespace bertq::train
