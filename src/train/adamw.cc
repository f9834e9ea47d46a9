// AdamW and gradient clipping (see adamw.h for the update rule).
#include "train/adamw.h"

#include <cmath>
#include <map>

#include "core/error.h"
#include "train/bert_model.h"

namespace bertq::train {

AdamW::AdamW(const torch::OrderedDict<std::string, torch::Tensor>& named_params, AdamWOptions opt)
    : opt_(opt) {
  for (const auto& p : named_params) {
    if (!p.value().requires_grad()) continue;
    Slot s{p.key(), p.value(), torch::zeros_like(p.value()), torch::zeros_like(p.value()),
           is_no_decay(p.key()) ? 0.0 : opt.weight_decay};
    slots_.push_back(std::move(s));
  }
}

std::vector<torch::Tensor> AdamW::params() const {
  std::vector<torch::Tensor> out;
  for (const auto& s : slots_) out.push_back(s.param);
  return out;
}

void AdamW::step(double lr) {
  torch::NoGradGuard ng;
  ++step_;
  const double bc1 = 1.0 - std::pow(opt_.beta1, static_cast<double>(step_));
  const double bc2 = 1.0 - std::pow(opt_.beta2, static_cast<double>(step_));
  const double step_size = lr / bc1;
  const double bc2_sqrt = std::sqrt(bc2);
  for (auto& s : slots_) {
    const auto& g = s.param.grad();
    if (!g.defined()) continue;
    if (s.weight_decay != 0) s.param.mul_(1.0 - lr * s.weight_decay);
    s.exp_avg.mul_(opt_.beta1).add_(g, 1.0 - opt_.beta1);
    s.exp_avg_sq.mul_(opt_.beta2).addcmul_(g, g, 1.0 - opt_.beta2);
    auto denom = (s.exp_avg_sq.sqrt() / bc2_sqrt).add_(opt_.eps);
    s.param.addcdiv_(s.exp_avg, denom, -step_size);
  }
}

void AdamW::zero_grad() {
  for (auto& s : slots_) {
    auto& g = s.param.mutable_grad();
    if (g.defined()) g.zero_();
  }
}

std::vector<std::pair<std::string, torch::Tensor>> AdamW::state() const {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& s : slots_) {
    out.emplace_back("exp_avg." + s.name, s.exp_avg);
    out.emplace_back("exp_avg_sq." + s.name, s.exp_avg_sq);
  }
  return out;
}

void AdamW::load_state(const std::vector<std::pair<std::string, torch::Tensor>>& named,
                       int64_t step, const std::string& where) {
  std::map<std::string, torch::Tensor> m(named.begin(), named.end());
  torch::NoGradGuard ng;
  for (auto& s : slots_) {
    for (auto* pair : {&s.exp_avg, &s.exp_avg_sq}) {
      const std::string key = (pair == &s.exp_avg ? "exp_avg." : "exp_avg_sq.") + s.name;
      auto it = m.find(key);
      check(it != m.end(), ErrorCode::CORRUPT_FILE, where, ": missing optimizer tensor ", key);
      check(it->second.sizes() == pair->sizes(), ErrorCode::CORRUPT_FILE, where,
            ": optimizer tensor ", key, ": shape ", it->second.sizes(), ", expected ",
            pair->sizes());
      pair->copy_(it->second);
    }
  }
  step_ = step;
}

double clip_grad_norm(const std::vector<torch::Tensor>& params, double max_norm) {
  torch::NoGradGuard ng;
  std::vector<torch::Tensor> norms;
  for (const auto& p : params)
    if (p.grad().defined()) norms.push_back(p.grad().norm(2));
  if (norms.empty()) return 0.0;
  const auto total = torch::stack(norms).norm(2);
  const double total_d = total.item<double>();
  const double coef = max_norm / (total_d + 1e-6);
  if (coef < 1.0) {
    for (const auto& p : params)
      if (p.grad().defined()) p.grad().mul_(coef);
  }
  return total_d;
}

}  // namespace bertq::train
