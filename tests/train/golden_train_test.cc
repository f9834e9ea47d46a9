// The trainer against ../shared/golden/model/{tiny,odd}/train.safetensors (a float64 PyTorch
// reference of HF BertForSequenceClassification): the batch loss and the gradient of every
// parameter in training mode with dropout off, then 10 AdamW steps with clipping (lr 1e-3,
// wd 0.01 except biases / LayerNorm weights, clip 1.0) against adamw_losses and after10.*.
//
// Tolerances (max |got - want| / max |want| per tensor):
//   float64 run: loss 1e-7 relative, gradients 1e-6, 10-step losses 1e-7, after10 1e-6 (the
//                reference is stored as float32, 6e-8 relative rounding).
//   float32 run: loss 1e-5 relative, gradients 1e-3, 10-step losses 1e-4, after10 2e-4.
// Adam divides by sqrt(v) + 1e-8, which amplifies float32 rounding of tiny gradients, hence the
// looser float32 bound on parameters after 10 steps.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>

#include "common/test_util.h"
#include "io/safetensors.h"
#include "train/adamw.h"
#include "train/bert_model.h"

namespace bertq::train {
namespace {

torch::Tensor to_torch(const io::TensorView& t) {
  const auto dt = t.dtype == io::DType::I64 ? torch::kLong : torch::kFloat;
  return torch::from_blob(const_cast<void*>(t.data), t.shape, torch::TensorOptions().dtype(dt))
      .clone();
}

// max |a - b| / max(max |b|, floor)
double rel_max(const torch::Tensor& a, const torch::Tensor& b, double floor = 0) {
  auto bd = b.to(torch::kDouble);
  const double den = std::max(floor, bd.abs().max().item<double>());
  const double num = (a.to(torch::kDouble) - bd).abs().max().item<double>();
  return den > 0 ? num / den : num;
}

struct Tol {
  double loss, grad, losses10, after10;
};

// DIR/{model, forward.safetensors, train.safetensors}; the reference names tensors as the
// architecture's files do (io::checkpoint_name of the trainer's canonical names).
void run_reference(const std::string& name, const std::string& dir, torch::ScalarType dtype,
                   Tol tol) {
  torch::manual_seed(0);
  const auto cfg = ModelConfig::load(dir + "/model/config.json");
  BertClassifier model(cfg);
  ASSERT_TRUE(load_weights(*model, dir + "/model/model.safetensors").empty());
  model->to(dtype);
  model->set_dropout({0, 0, 0});
  model->train();
  auto key = [&](const std::string& prefix, const std::string& param) {
    return prefix + io::checkpoint_name(cfg.arch, param);
  };

  io::SafeTensorsFile fwd(dir + "/forward.safetensors");
  io::SafeTensorsFile ref(dir + "/train.safetensors");
  auto ids = to_torch(fwd.get("input_ids"));
  auto mask = to_torch(fwd.get("attention_mask"));
  auto types = to_torch(fwd.get("token_type_ids"));
  auto labels = to_torch(fwd.find("labels") ? fwd.get("labels") : ref.get("labels"));

  auto loss = torch::cross_entropy_loss(model(ids, types, mask), labels);
  loss.backward();
  const double want_loss = to_torch(ref.get("loss")).item<double>();
  EXPECT_NEAR(loss.item<double>(), want_loss, tol.loss * std::fabs(want_loss)) << name;

  // The key biases' gradient is exactly 0 in exact arithmetic (softmax is shift-invariant), so
  // every gradient is measured against at least 1e-3 of the batch's largest gradient.
  double grad_floor = 0;
  for (const auto& p : model->named_parameters())
    grad_floor = std::max(
        grad_floor, 1e-3 * to_torch(ref.get(key("grad.", p.key()))).abs().max().item<double>());
  int checked = 0;
  std::set<std::string> zero_grad;  // gradient 0 in exact arithmetic: rounding noise only
  for (const auto& p : model->named_parameters()) {
    auto want = to_torch(ref.get(key("grad.", p.key())));
    if (want.abs().max().item<double>() < 1e-6 * grad_floor) zero_grad.insert(p.key());
    ASSERT_EQ(p.value().grad().sizes(), want.sizes()) << p.key();
    const double e = rel_max(p.value().grad(), want, grad_floor);
    EXPECT_LE(e, tol.grad) << name << " grad." << p.key();
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(model->named_parameters().size()));

  AdamW opt(model->named_parameters(), {0.9, 0.999, 1e-8, 0.01});
  auto want_losses = to_torch(ref.get("adamw_losses"));
  for (int s = 0; s < 10; ++s) {
    opt.zero_grad();
    auto l = torch::cross_entropy_loss(model(ids, types, mask), labels);
    const double w = want_losses[s].item<double>();
    EXPECT_NEAR(l.item<double>(), w, tol.losses10 * std::fabs(w)) << name << " step " << s;
    l.backward();
    clip_grad_norm(opt.params(), 1.0);
    opt.step(1e-3);
  }
  for (const auto& p : model->named_parameters()) {
    auto want = to_torch(ref.get(key("after10.", p.key())));
    if (zero_grad.count(p.key())) {
      // Adam turns a rounding-noise gradient into steps of up to lr each, in both runs (where
      // that noise is not exactly 0, as in DistilBERT's key biases): only the bound holds.
      const double moved =
          (p.value().to(torch::kDouble) - want.to(torch::kDouble)).abs().max().item<double>();
      EXPECT_LE(moved, 2 * 10 * 1e-3 * 1.01) << name << " after10." << p.key();
      continue;
    }
    EXPECT_LE(rel_max(p.value(), want), tol.after10) << name << " after10." << p.key();
  }
}

void run_golden(const std::string& name, torch::ScalarType dtype, Tol tol) {
  BERTQ_REQUIRE_SHARED(dir, "golden/model/" + name);
  run_reference(name, dir, dtype, tol);
}

// The other architectures the trainer builds, against transformers on random weights
// (scripts/reference/arch_reference.py, run by scripts/test.sh into BUILD/arch-reference).
void run_arch(const std::string& arch, torch::ScalarType dtype, Tol tol) {
  const std::string dir = std::string(BERTQ_BINARY_DIR) + "/arch-reference/" + arch;
  if (!std::filesystem::exists(dir + "/train.safetensors"))
    GTEST_SKIP() << dir << "/train.safetensors is absent: scripts/test.sh makes it "
                 << "(scripts/reference/arch_reference.py)";
  run_reference(arch, dir, dtype, tol);
}

TEST(ArchTrain, DistilBertFloat64) {
  run_arch("distilbert", torch::kDouble, {1e-7, 1e-6, 1e-7, 1e-6});
}
TEST(ArchTrain, DistilBertFloat32) {
  run_arch("distilbert", torch::kFloat, {1e-5, 1e-3, 1e-4, 2e-4});
}
// RoBERTa / XLM-R: positions after padding_idx, the dense + tanh + out_proj head, one token type.
TEST(ArchTrain, RobertaFloat64) {
  run_arch("roberta", torch::kDouble, {1e-7, 1e-6, 1e-7, 1e-6});
}
TEST(ArchTrain, XlmRobertaFloat64) {
  run_arch("xlm-roberta", torch::kDouble, {1e-7, 1e-6, 1e-7, 1e-6});
}
TEST(ArchTrain, RobertaFloat32) {
  run_arch("roberta", torch::kFloat, {1e-5, 1e-3, 1e-4, 2e-4});
}

TEST(GoldenTrain, TinyFloat64) {
  run_golden("tiny", torch::kDouble, {1e-7, 1e-6, 1e-7, 1e-6});
}
TEST(GoldenTrain, OddFloat64) {
  run_golden("odd", torch::kDouble, {1e-7, 1e-6, 1e-7, 1e-6});
}
TEST(GoldenTrain, TinyFloat32) {
  run_golden("tiny", torch::kFloat, {1e-5, 1e-3, 1e-4, 2e-4});
}
TEST(GoldenTrain, OddFloat32) {
  run_golden("odd", torch::kFloat, {1e-5, 1e-3, 1e-4, 2e-4});
}

}  // namespace
}  // namespace bertq::train
