// `bertq init`: writes a randomly initialised BERT classifier folder (config.json,
// model.safetensors, tokenizer files) for tests and from-scratch training. HF init: normal
// std 0.02 weights, zero biases, LayerNorm 1/0. `--from BASE` keeps a base checkpoint's encoder
// and draws only its missing head (inference refuses a folder without one).
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "cli/data_flags.h"
#include "core/error.h"
#include "io/init_model.h"

namespace bertq::cli {
namespace {

struct InitArgs {
  int layers = 12, hidden = 768, heads = 12, intermediate = 0, vocab_size = 0, max_position = 512;
  int type_vocab = 2;
  std::string vocab, labels = "NEGATIVE,POSITIVE", out, copy_tokenizer_from, act = "gelu", from;
  std::string arch = "bert";
  uint64_t seed = 0;
  float std = 0.02f;
  bool force = false;
};

// --from BASE: BASE's encoder with an explicitly random head.
void run_init_head(const InitArgs& a, bool labels_given) {
  const io::InitHeadResult r = io::init_head_folder(
      a.from, a.out, labels_given ? split_labels(a.labels) : std::vector<std::string>{}, a.seed,
      a.std, a.force);
  std::printf("initialised %s from %s: random", a.out.c_str(), a.from.c_str());
  for (const auto& n : r.initialized) std::printf(" %s", n.c_str());
  std::printf(" (seed %llu, std %g), labels", static_cast<unsigned long long>(a.seed), a.std);
  for (size_t i = 0; i < r.config.id2label.size(); ++i)
    std::printf("%s%s", i ? "," : " ", r.config.id2label[i].c_str());
  std::printf("\nthe head is random: fine-tune before trusting its answers\n");
}

void run_init(const InitArgs& a) {
  io::InitFolderOptions o;
  io::BertConfig& c = o.init.config;
  const auto arch = io::arch_from_model_type(a.arch);
  check(arch.has_value(), ErrorCode::INVALID_ARGUMENT, "--arch: expected ",
        io::supported_model_types(), ", got '", a.arch, "'");
  c.arch = *arch;
  const io::ArchSpec& spec = io::arch_spec(c.arch);
  if (spec.positions_after_padding) {  // RoBERTa / XLM-R: <pad> is 1, positions start at 2
    c.pad_token_id = 1;
    c.layer_norm_eps = 1e-5f;
  }
  c.num_hidden_layers = a.layers;
  c.hidden_size = a.hidden;
  c.num_attention_heads = a.heads;
  c.intermediate_size = a.intermediate > 0 ? a.intermediate : 4 * a.hidden;
  // --max-position counts usable positions: RoBERTa's table has pad_token_id + 1 more rows.
  c.max_position_embeddings =
      a.max_position + (spec.positions_after_padding ? c.pad_token_id + 1 : 0);
  c.type_vocab_size = spec.token_types && !spec.positions_after_padding ? a.type_vocab : 1;
  c.hidden_act = io::parse_activation(a.act);
  c.id2label = split_labels(a.labels);
  c.extra["initializer_range"] = a.std;
  if (a.vocab_size > 0) {
    c.vocab_size = a.vocab_size;
    o.vocab_size_given = true;
  }
  o.init.seed = a.seed;
  o.init.std = a.std;
  o.vocab_file = a.vocab;
  o.tokenizer_from = a.copy_tokenizer_from;
  o.overwrite = a.force;
  const io::InitFolderResult r = io::init_model_folder(a.out, o);
  std::printf(
      "initialised %s: layers %d, hidden %d, heads %d, intermediate %d, vocab %d, "
      "positions %d, labels",
      a.out.c_str(), r.config.num_hidden_layers, r.config.hidden_size, r.config.num_attention_heads,
      r.config.intermediate_size, r.config.vocab_size, r.config.max_position_embeddings);
  for (size_t i = 0; i < r.config.id2label.size(); ++i)
    std::printf("%s%s", i ? "," : " ", r.config.id2label[i].c_str());
  std::printf("\n%.2fM parameters (seed %llu, std %g)\n", r.parameters / 1e6,
              static_cast<unsigned long long>(a.seed), a.std);
  for (const auto& f : r.files) std::printf("wrote %s\n", f.c_str());
}

Command reg("init", 20, [](CLI::App& app) {
  auto args = std::make_shared<InitArgs>();
  auto* cmd = app.add_subcommand("init", "Write a randomly initialised BERT classifier folder");
  cmd->add_option("--out", args->out, "Output model folder")->required()->group("Output");
  cmd->add_flag("--force", args->force, "Replace a model already in --out")->group("Output");
  cmd->add_option("--arch", args->arch,
                  "Architecture (model_type): bert, distilbert, roberta or xlm-roberta (the "
                  "tokenizer of --copy-tokenizer-from must be of its kind)")
      ->capture_default_str()
      ->group("Model");
  cmd->add_option("--layers", args->layers, "Encoder layers")
      ->capture_default_str()
      ->group("Model");
  cmd->add_option("--hidden", args->hidden, "Hidden size")->capture_default_str()->group("Model");
  cmd->add_option("--heads", args->heads, "Attention heads")->capture_default_str()->group("Model");
  cmd->add_option("--intermediate", args->intermediate, "FFN size (default 4 x hidden)")
      ->group("Model");
  cmd->add_option("--max-position", args->max_position, "Position embeddings")
      ->capture_default_str()
      ->group("Model");
  cmd->add_option("--type-vocab", args->type_vocab, "Token type embeddings")
      ->capture_default_str()
      ->group("Model");
  cmd->add_option("--act", args->act, "hidden_act: gelu, gelu_new, relu")
      ->capture_default_str()
      ->group("Model");
  cmd->add_option("--labels", args->labels, "Comma-separated labels (id order)")
      ->capture_default_str()
      ->group("Model");
  cmd->add_option("--vocab", args->vocab, "vocab.txt to copy (sets the vocabulary size)")
      ->check(CLI::ExistingFile)
      ->group("Tokenizer");
  cmd->add_option("--copy-tokenizer-from", args->copy_tokenizer_from,
                  "Folder whose tokenizer files are copied")
      ->check(CLI::ExistingDirectory)
      ->group("Tokenizer");
  cmd->add_option("--vocab-size", args->vocab_size, "Vocabulary size when no vocabulary is given")
      ->group("Tokenizer");
  cmd->add_option("--seed", args->seed, "Random seed")->capture_default_str()->group("Init");
  cmd->add_option("--std", args->std, "Normal std of weights")
      ->capture_default_str()
      ->group("Init");
  auto* labels = cmd->get_option("--labels");
  cmd->add_option("--from", args->from,
                  "A base checkpoint (no classifier): copy its encoder and tokenizer, draw only "
                  "the missing head (and --labels' classifier) at random")
      ->check(CLI::ExistingDirectory)
      ->group("Model");
  cmd->callback([args, labels] {
    if (!args->from.empty())
      run_init_head(*args, labels->count() > 0);
    else
      run_init(*args);
  });
});

}  // namespace
}  // namespace bertq::cli
