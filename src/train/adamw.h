// AdamW with decoupled weight decay (Loshchilov & Hutter), written out so its state is plain
// named tensors that checkpoints store in safetensors. Per parameter p with gradient g, at
// step t (1-based), learning rate lr:
//   p ← p · (1 − lr·wd)                 (wd = 0 for biases and LayerNorm weights)
//   m ← β1·m + (1−β1)·g ;  v ← β2·v + (1−β2)·g²
//   p ← p − lr · (m / (1−β1ᵗ)) / (sqrt(v / (1−β2ᵗ)) + eps)
// which is exactly torch.optim.AdamW (amsgrad off). clip_grad_norm scales all gradients by
// max_norm / (‖g‖₂ + 1e-6) when the global norm exceeds max_norm, as torch.nn.utils does.
// Internal header (includes libtorch).
//
//   train::AdamW opt(model->named_parameters(), {.weight_decay = 0.01});
//   loss.backward();  train::clip_grad_norm(opt.params(), 1.0);  opt.step(lr);  opt.zero_grad();
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

namespace bertq::train {

struct AdamWOptions {
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0.01;
};

class AdamW {
 public:
  AdamW(const torch::OrderedDict<std::string, torch::Tensor>& named_params, AdamWOptions opt);
  void step(double lr);
  void zero_grad();
  int64_t steps() const { return step_; }
  std::vector<torch::Tensor> params() const;

  // State as named tensors "exp_avg.<param>", "exp_avg_sq.<param>" (and the step count is
  // returned separately) for checkpoints; load_state checks names and shapes.
  std::vector<std::pair<std::string, torch::Tensor>> state() const;
  void load_state(const std::vector<std::pair<std::string, torch::Tensor>>& named, int64_t step,
                  const std::string& where);

 private:
  struct Slot {
    std::string name;
    torch::Tensor param, exp_avg, exp_avg_sq;
    double weight_decay;
  };
  std::vector<Slot> slots_;
  AdamWOptions opt_;
  int64_t step_ = 0;
};

// Returns the global L2 norm of the gradients before clipping.
double clip_grad_norm(const std::vector<torch::Tensor>& params, double max_norm);

}  // namespace bertq::train
